// Strings shared by the staff tablet and HQ (Japanese, the default).
export const common = {
  appName: '避難所運営 Hinanjo',
  settings: '表示の設定(文字の大きさ・言語)',
  sync: {
    details: '接続と最終確認の詳細',
    tiers: {
      device: (n: number) => `この端末にのみ保存 ${n} 件`,
      box: (n: number) => `避難所ボックスに保存 ${n} 件(市へ未送信)`,
      city: 'すべて市のサーバーに保存済み',
    },
    city: '市',
    box: 'ボックス',
    connected: 'オンライン',
    connecting: '接続中…',
    offline: 'オフライン',
    refused: '接続が拒否されました',
    refusedCode: (code: number) =>
      code === 4401
        ? '端末の登録(トークン)が期限切れか無効です。本部に新しい登録リンクを依頼してください。'
        : code === 4410
          ? '本部がこの端末の登録を取り消しました。この端末のデータを消去します。'
          : code === 4403
            ? 'この端末にはこの文書へのアクセス権がありません。'
            : code === 4414
              ? 'この避難所のデータが上限の大きさに達したため、変更を受け付けられません。本部に連絡してください。'
              : code === 4430
                ? '短時間に大量の変更が送られたため、一時的に受付を止めています。しばらくして自動で再送します。'
                : `サーバーが接続を拒否しました(${code})。`,
    pending: (n: number) => `未確認の記録 ${n} 件`,
    allConfirmed: 'すべてサーバーに保存済み',
    lastConfirmed: (hhmm: string, minutesAgo: number) =>
      `最終同期確認 ${hhmm}(${minutesAgo < 1 ? 'たった今' : `${minutesAgo} 分前`})`,
    neverConfirmed: 'まだサーバーと同期していません',
    savedLocally: 'この端末に保存済み',
    storeFailed: 'この端末に保存できませんでした。空き容量を確認し、入力内容を控えてください。',
  },
  textSize: { large: '文字を大きく' },
  crowding: {
    available: '空いています',
    'somewhat-crowded': 'やや混雑',
    unknown: '定員不明',
    crowded: '混雑',
    full: '満',
    closed: '閉鎖',
  },
  mapText: {
    noTiles: '地図タイルを読み込めません。避難所と通行止めは無地の背景に表示しています。',
    closure: '通行止め',
    basemap: {
      server: '背景地図: 市のサーバー',
      box: '背景地図: 避難所ボックス',
      device: '背景地図: この端末に保存した地図',
      online: '背景地図: 地理院タイル (オンライン)',
      none: '背景地図なし',
    },
  },
  lang: { label: '言語', ja: '日本語', en: 'English' },
  update: {
    available: '新しいバージョンがあります。作業の区切りで再読み込みしてください。',
    reload: '再読み込み',
    later: 'あとで',
    offlineReady: 'オフラインでも使えるようになりました。',
  },
  enrol: {
    title: 'この端末は登録されていません',
    missing: '本部から受け取った登録リンク(/shelter/?token=…)をこの端末で開いてください。',
    malformed: '登録リンクが壊れています。本部に新しいリンクを依頼してください。',
    expired: '登録リンクの有効期限が切れています。本部に新しいリンクを依頼してください。',
    wrongRole: (surface: string) => `このリンクは別の画面用です。${surface} 用の登録リンクを開いてください。`,
    wiped: (when: string) =>
      `本部がこの端末の登録を取り消したため、${when} にこの端末の名簿とデータをすべて消去しました。引き続き使う場合は、本部から新しい登録リンクを受け取ってください。`,
    howTo: '本部の担当者は「npm run token -- --role staff --shelter 避難所ID」でリンクを作成できます。',
  },
  purged: {
    notice: (when: string) =>
      `閉鎖した避難所の名簿は保存期間が過ぎたため、${when} に市のサーバーで削除されました。この端末の写しも削除しました(人数の集計と物資の記録は残っています)。`,
    dismiss: '閉じる',
  },
  actions: {
    save: '保存',
    cancel: 'キャンセル',
    confirm: '確認',
    close: '閉じる',
    edit: '編集',
    yes: 'はい',
    no: 'いいえ',
  },
  ageGroups: { infant: '乳児', child: '子ども', adult: '大人', elderly: '高齢者' } as Record<string, string>,
  sexes: { female: '女性', male: '男性', other: 'その他', unanswered: '回答しない' } as Record<string, string>,
  stays: { shelter: '避難所内', car: '車中泊', home: '在宅避難' } as Record<string, string>,
  /** One or two characters per tag for narrow screens (a legend says what they mean). */
  short: {
    ageGroups: { infant: '乳', child: '子', adult: '大', elderly: '高' } as Record<string, string>,
    stays: { shelter: '所内', car: '車中', home: '在宅' } as Record<string, string>,
    needs: { wheelchair: '車い', medical: '医療', pregnant: '妊', 'infant-care': '乳世', allergy: 'ア', dialysis: '透析', oxygen: '酸素', pet: 'ペ', interpreter: '通訳', halal: 'ハ', vegetarian: 'ベ', hearing: '聴', visual: '視', dementia: '認' } as Record<string, string>,
  },
  legend: '略号の意味',
  needs: {
    wheelchair: '車いす',
    medical: '医療ケア',
    pregnant: '妊娠中',
    'infant-care': '乳幼児の世話',
    allergy: 'アレルギー',
    dialysis: '人工透析',
    oxygen: '酸素',
    pet: 'ペット同伴',
    interpreter: '通訳',
    halal: 'ハラール',
    vegetarian: 'ベジタリアン',
    hearing: '聴覚',
    visual: '視覚',
    dementia: '認知症',
  } as Record<string, string>,
  shelterStatuses: { open: '開設中', closed: '閉鎖', full: '満員' } as Record<string, string>,
  requestStatuses: { open: '依頼中', acknowledged: '受付済み', delivered: '配送済み', cancelled: '取消' } as Record<
    string,
    string
  >,
  ledgerReasons: { received: '受入', distributed: '配布', adjusted: '棚卸調整', transferred: '移送' } as Record<
    string,
    string
  >,
  /** Item names by catalog id; an item not listed shows the name stored in the document. */
  items: {} as Record<string, string>,
  languages: { ja: '日本語', en: '英語', zh: '中国語', ko: '韓国語', vi: 'ベトナム語', pt: 'ポルトガル語', tl: 'タガログ語', ne: 'ネパール語' } as Record<
    string,
    string
  >,
  /** Unit labels by the unit stored in the document; a unit not listed is shown as stored. */
  units: {} as Record<string, string>,
};
