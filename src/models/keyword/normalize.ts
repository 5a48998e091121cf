/**
 * Folding shared by the keyword models and the opt-out rules. Speech recognisers and agents emit
 * full-width letters, traditional characters and mixed case; a keyword written
 * once in the cue tables should match all of them.
 */

/**
 * Only the characters our cue tables use (compliance folds with all of OpenCC): a full
 * conversion table belongs to the trained models, not to a keyword baseline.
 */
// prettier-ignore
const TRAD_TO_SIMP: Readonly<Record<string, string>> = {
  穩: '稳', 賺: '赚', 賠: '赔', 證: '证', 無: '无', 風: '风', 險: '险', 虧: '亏',
  損: '损', 兌: '兑', 剛: '刚', 諾: '诺', 會: '会', 沒: '没', 實: '实', 價: '价',
  貴: '贵', 錢: '钱', 買: '买', 費: '费', 騙: '骗', 詐: '诈', 譜: '谱', 這: '这',
  個: '个', 們: '们', 說: '说', 話: '话', 電: '电', 時: '时', 間: '间', 興: '兴',
  問: '问', 題: '题', 導: '导', 闆: '板', 決: '决', 準: '准', 來: '来', 過: '过',
  麼: '么', 嗎: '吗', 謝: '谢', 對: '对', 還: '还', 點: '点', 請: '请', 預: '预',
  萬: '万', 億: '亿', 兩: '两', 幾: '几', 週: '周', 後: '后', 見: '见', 約: '约',
  訪: '访', 資: '资', 發: '发', 給: '给', 機: '机', 轉: '转', 滿: '满', 氣: '气',
  煩: '烦', 騷: '骚', 擾: '扰', 訴: '诉', 趕: '赶', 長: '长', 與: '与', 為: '为',
  產: '产', 內: '内', 紹: '绍', 細: '细', 認: '认', 識: '识', 錯: '错', 號: '号',
  碼: '码', 單: '单', 簽: '签', 經: '经', 聽: '听', 歡: '欢', 從: '从', 辦: '办',
  開: '开', 聯: '联', 係: '系', 別: '别', 頭: '头', 親: '亲', 繫: '系', 刪: '删',
  訊: '讯', 簡: '简', 郵: '邮', 報: '报', 舉: '举', 現: '现', 訂: '订', 絕: '绝',
  讓: '让', 將: '将', 撥: '拨', 裡: '里', 裏: '里', 記: '记', 錄: '录', 銷: '销',
  營: '营', 遠: '远', 擔: '担', 絡: '络', 傳: '传',
};

/** One code point, folded: full-width ASCII to half-width, traditional to simplified, lower case. */
export function foldChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  let c = ch;
  if (cp >= 0xff01 && cp <= 0xff5e) c = String.fromCodePoint(cp - 0xfee0);
  else if (cp === 0x3000) c = ' ';
  else if (ch === '\u2018' || ch === '\u2019') c = "'";
  return (TRAD_TO_SIMP[c] ?? c).toLowerCase();
}

const FOLDED_SET = `[\\uff01-\\uff5e\\u3000\\u2018\\u2019${Object.keys(TRAD_TO_SIMP).join('')}]`;
const NEEDS_FOLD = new RegExp(FOLDED_SET, 'u');
const NEEDS_FOLD_ALL = new RegExp(FOLDED_SET, 'gu');

/** A folded utterance for cue matching: runs of white space become one space. */
// Intent, emotion and slots fold the same utterance one after another:
// the last result is kept so a turn is folded once.
let lastText = '';
let lastFolded = '';

export function fold(text: string): string {
  if (text === lastText) return lastFolded;
  // Lower case is the same whole or per character; only the rare characters
  // foldChar maps otherwise (full-width, traditional, curly quotes) are visited.
  const lower = text.toLowerCase();
  const mapped = NEEDS_FOLD.test(lower) ? lower.replace(NEEDS_FOLD_ALL, foldChar) : lower;
  lastText = text;
  lastFolded = mapped.replace(/\s+/g, ' ').trim();
  return lastFolded;
}
