// Alerts at the household's own timing (Web Push): "get ready" one level below its switch,
// "evacuate now" at or above it, "lifted" when the level falls back below it. The server words
// them in the subscriber's language (the five of the resident page); they carry the district and
// the level, never a name or a place.

export const PUSH_LANGS = ['ja', 'easy-ja', 'en', 'zh', 'ko'] as const;
export type PushLang = (typeof PUSH_LANGS)[number];
export type PushKind = 'prepare' | 'evacuate' | 'lifted';

/** What a change of a district's level means for a household whose switch is `switchLevel`. */
export function pushKind(previous: number, level: number, switchLevel: 3 | 4): PushKind | null {
  if (level > previous) {
    if (level >= switchLevel) return 'evacuate';
    if (level === switchLevel - 1) return 'prepare';
    return null;
  }
  if (level < previous && previous >= switchLevel - 1 && level < switchLevel) return 'lifted';
  return null;
}

export interface PushPayload {
  district: string;
  districtName: string;
  level: number;
  kind: PushKind;
  title: string;
  body: string;
  /** The page the notification opens. */
  url: string;
  at: string;
}

const TEXTS: Record<PushLang, Record<PushKind, { title: (d: string, n: number) => string; body: (n: number) => string }>> = {
  ja: {
    prepare: { title: (d, n) => `【避難の準備】${d} 警戒レベル${n}`, body: () => 'あなたの避難スイッチの一つ手前です。避難の準備をしてください。' },
    evacuate: { title: (d, n) => `【今すぐ避難】${d} 警戒レベル${n}`, body: () => 'あなたの避難スイッチに達しました。今すぐ避難してください。' },
    lifted: { title: (d, n) => `【解除】${d} 警戒レベル${n}`, body: () => '警戒レベルが下がりました。最新の情報を確かめてください。' },
  },
  'easy-ja': {
    prepare: { title: (d, n) => `にげる じゅんびを してください ${d} レベル${n}`, body: () => 'もうすぐ にげる ときです。じゅんびを してください。' },
    evacuate: { title: (d, n) => `いま すぐ にげて ください ${d} レベル${n}`, body: () => 'にげる ときです。いま すぐ ひなんじょへ いって ください。' },
    lifted: { title: (d, n) => `レベルが さがりました ${d} レベル${n}`, body: () => 'あたらしい じょうほうを みて ください。' },
  },
  en: {
    prepare: { title: (d, n) => `Get ready to evacuate: ${d}, alert level ${n}`, body: () => 'One level below your evacuation switch. Get ready to leave.' },
    evacuate: { title: (d, n) => `Evacuate now: ${d}, alert level ${n}`, body: () => 'Your evacuation switch is reached. Leave now.' },
    lifted: { title: (d, n) => `Lowered: ${d}, alert level ${n}`, body: () => 'The alert level went down. Check the latest information.' },
  },
  zh: {
    prepare: { title: (d, n) => `请准备避难：${d} 警戒等级${n}`, body: () => '距离您的避难开关还差一级。请做好避难准备。' },
    evacuate: { title: (d, n) => `请立即避难：${d} 警戒等级${n}`, body: () => '已达到您的避难开关。请立即避难。' },
    lifted: { title: (d, n) => `已下调：${d} 警戒等级${n}`, body: () => '警戒等级已下调。请确认最新信息。' },
  },
  ko: {
    prepare: { title: (d, n) => `대피 준비: ${d} 경계 레벨${n}`, body: () => '대피 스위치 한 단계 전입니다. 대피를 준비하세요.' },
    evacuate: { title: (d, n) => `지금 대피하세요: ${d} 경계 레벨${n}`, body: () => '대피 스위치에 도달했습니다. 지금 대피하세요.' },
    lifted: { title: (d, n) => `하향: ${d} 경계 레벨${n}`, body: () => '경계 레벨이 내려갔습니다. 최신 정보를 확인하세요.' },
  },
};

export function pushPayload(kind: PushKind, lang: PushLang, district: { id: string; name: string }, level: number, at: Date): PushPayload {
  const t = (TEXTS[lang] ?? TEXTS.ja)[kind];
  return { district: district.id, districtName: district.name, level, kind, title: t.title(district.name, level), body: t.body(level), url: '/', at: at.toISOString() };
}
