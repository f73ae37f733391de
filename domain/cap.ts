// The current evacuation levels and open shelters as a CAP 1.2 alert (OASIS Common Alerting
// Protocol), for Lアラート-style aggregators, broadcasters and other systems. Built from the public
// status only, so it can never carry personal data.
//
// One <info> per language (ja, en), as CAP intends for multilingual alerts; one <area> per district
// whose level is raised (1–5). CAP gives an <info> one responseType/urgency/severity/certainty for
// all its areas, so those follow the highest level in force; each area's own level is in its
// geocode and in the description.
//
// Level → CAP mapping (why):
// | level | name            | responseType      | urgency   | severity | certainty |
// | 0     | none            | AllClear          | Past      | Minor    | Observed  |  nothing in force any more
// | 1     | 早期注意情報     | Monitor           | Future    | Minor    | Possible  |  JMA: raise awareness, watch for information
// | 2     | 注意報           | Prepare           | Expected  | Moderate | Possible  |  JMA: check your evacuation route and timing
// | 3     | 高齢者等避難     | Evacuate, Prepare | Expected  | Severe   | Likely    |  those who need time leave now, everyone else gets ready
// | 4     | 避難指示         | Evacuate          | Immediate | Severe   | Likely    |  everyone leaves dangerous places
// | 5     | 緊急安全確保     | Shelter, Evacuate | Immediate | Extreme  | Observed  |  disaster under way: going out may be deadly, secure
// |       |                 |                   |           |          |           |  safety where you are (upper floor), else the nearest safe place
import type { PublicShelter, PublicStatus } from './public-status';
import type { CrowdingBand, Level } from './schema';
import { LEVEL_NAMES } from './levels';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

type CapResponse = 'Shelter' | 'Evacuate' | 'Prepare' | 'Monitor' | 'AllClear';

export interface CapLevelMapping {
  responseTypes: CapResponse[];
  urgency: 'Immediate' | 'Expected' | 'Future' | 'Past';
  severity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor';
  certainty: 'Observed' | 'Likely' | 'Possible';
}

export const CAP_BY_LEVEL: Record<Level, CapLevelMapping> = {
  0: { responseTypes: ['AllClear'], urgency: 'Past', severity: 'Minor', certainty: 'Observed' },
  1: { responseTypes: ['Monitor'], urgency: 'Future', severity: 'Minor', certainty: 'Possible' },
  2: { responseTypes: ['Prepare'], urgency: 'Expected', severity: 'Moderate', certainty: 'Possible' },
  3: { responseTypes: ['Evacuate', 'Prepare'], urgency: 'Expected', severity: 'Severe', certainty: 'Likely' },
  4: { responseTypes: ['Evacuate'], urgency: 'Immediate', severity: 'Severe', certainty: 'Likely' },
  5: { responseTypes: ['Shelter', 'Evacuate'], urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' },
};

/** Geocode name for a district id: our own code list, named so a consumer can tell it apart. */
export const DISTRICT_GEOCODE = 'HINANJO-DISTRICT';

type Lang = 'ja' | 'en';

const TEXT: Record<Lang, {
  language: string;
  event: string;
  levelLabel: (level: Level) => string;
  allClear: string;
  instruction: Record<Level, string>;
  openShelters: string;
  noOpenShelters: string;
  issued: string;
  crowding: Record<CrowdingBand, string>;
  list: string;
}> = {
  ja: {
    language: 'ja-JP',
    event: '避難情報',
    levelLabel: (l) => `警戒レベル${l} ${LEVEL_NAMES.ja[l]}`,
    allClear: '発令中の避難情報はありません',
    instruction: {
      0: '避難情報はすべて解除されました。',
      1: '最新の防災気象情報に注意してください。',
      2: 'ハザードマップで避難場所と避難経路を確認してください。',
      3: '高齢者や障害のある人など避難に時間のかかる人は危険な場所から避難してください。その他の人も避難の準備をしてください。',
      4: '危険な場所から全員避難してください。',
      5: '命の危険があります。直ちに身の安全を確保してください。',
    },
    openShelters: '開設中の避難所',
    noOpenShelters: '開設中の避難所はありません。',
    issued: '発令',
    crowding: {
      available: '空いています',
      'somewhat-crowded': 'やや混雑',
      unknown: '空き状況不明',
      crowded: '混雑',
      full: '満',
      closed: '閉鎖',
    },
    list: '、',
  },
  en: {
    language: 'en-US',
    event: 'Evacuation information',
    levelLabel: (l) => `Alert level ${l}: ${LEVEL_NAMES.en[l]}`,
    allClear: 'No evacuation information in force',
    instruction: {
      0: 'All evacuation information has been lifted.',
      1: 'Watch for the latest weather and disaster information.',
      2: 'Check your evacuation site and route on the hazard map.',
      3: 'Older people, people with disabilities and others who need time must leave dangerous places now. Everyone else: get ready to evacuate.',
      4: 'Everyone must leave dangerous places now.',
      5: 'Your life is in danger. Secure your safety immediately where you are.',
    },
    openShelters: 'Open shelters',
    noOpenShelters: 'No shelter is open.',
    issued: 'issued',
    crowding: {
      available: 'available',
      'somewhat-crowded': 'somewhat crowded',
      unknown: 'room unknown',
      crowded: 'crowded',
      full: 'full',
      closed: 'closed',
    },
    list: ', ',
  },
};

/** CAP times: no "Z", an explicit offset; Japan Standard Time (UTC+9) for a Japanese municipality. */
export function capTime(d: Date, offsetMinutes = 540): string {
  const local = new Date(d.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.toISOString().slice(0, 19)}${off}`;
}

/**
 * Characters XML 1.0 forbids even escaped (C0 controls but tab, LF and CR; U+FFFE/U+FFFF; lone
 * surrogates). A name pasted from a spreadsheet can carry one, and one would make the whole feed
 * unparseable for every broadcaster reading it.
 */
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(s: string): string {
  return s.replace(XML_ILLEGAL, '').replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** CAP forbids spaces, commas and the XML specials in identifiers and sender. */
export function capToken(s: string): string {
  return s.replace(/[\s,<&>"']+/g, '_');
}

export interface CapOptions {
  /** Who issues the alert, e.g. "city.yatsushiro.example" (no spaces or commas). */
  sender: string;
  now: Date;
  /** Defaults to sender + the time, so two alerts built at different times differ. */
  identifier?: string;
  /** Earlier alerts this one replaces: then msgType is Update, as aggregators expect. */
  references?: readonly CapIdentity[];
}

export interface CapIdentity {
  sender: string;
  identifier: string;
  sent: string;
}

/** The sender, identifier and sent time an alert built with these options carries. */
export function capIdentity(opts: Pick<CapOptions, 'sender' | 'now' | 'identifier'>): CapIdentity {
  const sender = capToken(opts.sender);
  const sent = capTime(opts.now);
  // milliseconds too: two changes within one second are two alerts (sent itself has whole seconds)
  const ms = String(opts.now.getUTCMilliseconds()).padStart(3, '0');
  const identifier = capToken(opts.identifier ?? `${sender}-evacuation-${sent.slice(0, 19).replace(/[^0-9]/g, '')}${ms}`);
  return { sender, identifier, sent };
}

export function buildCapAlert(status: PublicStatus, opts: CapOptions): string {
  const { sender, sent, identifier } = capIdentity(opts);
  const references = (opts.references ?? []).filter((r) => r.identifier !== identifier);
  const raised = status.districts.filter((d) => d.level > 0).sort((a, b) => b.level - a.level);
  const top: Level = raised.length > 0 ? raised[0].level : 0;
  const open = status.shelters.filter((s) => s.status !== 'closed');

  const el = (name: string, value: string, indent: string) => `${indent}<${name}>${escapeXml(value)}</${name}>`;
  const info = (lang: Lang): string => {
    const t = TEXT[lang];
    const m = CAP_BY_LEVEL[top];
    const i = '    ';
    const lines: string[] = [`  <info>`, el('language', t.language, i), el('category', 'Safety', i), el('event', t.event, i)];
    for (const r of m.responseTypes) lines.push(el('responseType', r, i));
    lines.push(el('urgency', m.urgency, i), el('severity', m.severity, i), el('certainty', m.certainty, i));
    lines.push(el('senderName', status.region, i));
    const headline = raised.length === 0
      ? `${status.region}: ${t.allClear}`
      : `${t.levelLabel(top)} ${raised.filter((d) => d.level === top).map((d) => d.name).join(t.list)}`;
    lines.push(el('headline', headline, i));
    const description = raised.length === 0
      ? t.allClear
      : raised
          .map((d) => `${d.name}: ${t.levelLabel(d.level)}${d.issuedAt ? ` (${capTime(new Date(d.issuedAt))} ${t.issued})` : ''}`)
          .join('\n');
    lines.push(el('description', description, i));
    const shelterLine = (s: PublicShelter) => `${s.name} (${t.crowding[s.crowding]})`;
    const instruction = [
      t.instruction[top],
      open.length > 0 ? `${t.openShelters}: ${open.map(shelterLine).join(t.list)}` : t.noOpenShelters,
    ].join('\n');
    lines.push(el('instruction', instruction, i));
    if (raised.length === 0) {
      lines.push(`${i}<area>`, el('areaDesc', status.region, `${i}  `), `${i}</area>`);
    }
    for (const d of raised) {
      lines.push(
        `${i}<area>`,
        el('areaDesc', `${d.name} (${t.levelLabel(d.level)})`, `${i}  `),
        `${i}  <geocode>`,
        el('valueName', DISTRICT_GEOCODE, `${i}    `),
        el('value', d.id, `${i}    `),
        `${i}  </geocode>`,
        `${i}</area>`,
      );
    }
    lines.push('  </info>');
    return lines.join('\n');
  };

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NAMESPACE}">`,
    el('identifier', identifier, '  '),
    el('sender', sender, '  '),
    el('sent', sent, '  '),
    el('status', 'Actual', '  '),
    el('msgType', references.length > 0 ? 'Update' : 'Alert', '  '),
    el('scope', 'Public', '  '),
    ...(references.length > 0 ? [el('references', references.map((r) => `${capToken(r.sender)},${r.identifier},${r.sent}`).join(' '), '  ')] : []),
    info('ja'),
    info('en'),
    '</alert>',
    '',
  ].join('\n');
}
