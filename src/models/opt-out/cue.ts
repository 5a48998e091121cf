/**
 * What an opt-out pattern is, and the helpers the pattern tables are written
 * with. Chinese patterns read the compact form of a turn (letters and digits
 * only, slips folded: normalize.ts); English patterns read its spaced,
 * apostrophe-free form ("dont call me again").
 */

export type OptOutKind =
  | 'direct'
  | 'indirect'
  | 'channel'
  | 'threat'
  | 'english'
  | 'agent_record'
  /** Heard by a trained model where no rule fired (models/trained-models.ts). */
  | 'model';

/** A compiled pattern and the form of the turn it reads. */
export interface Pattern {
  readonly form: 'zh' | 'en';
  readonly re: RegExp;
}

/** A pattern that finds an opt-out of one kind. */
export interface Cue extends Pattern {
  readonly kind: OptOutKind;
}

/** A pattern over the compact Chinese form. */
export const zhPattern = (source: string): Pattern => ({ form: 'zh', re: new RegExp(source, 'u') });
/** A pattern over the spaced English form. */
export const enPattern = (source: string): Pattern => ({ form: 'en', re: new RegExp(source, 'u') });
export const zh = (kind: OptOutKind, source: string): Cue => ({ kind, ...zhPattern(source) });
export const en = (kind: OptOutKind, source: string): Cue => ({ kind, ...enPattern(source) });
export const any = (...alternatives: readonly string[]): string => `(?:${alternatives.join('|')})`;

/** Words that forbid: don't, mustn't (dialect 甭 莫, written 勿). */
export const NEG = any('别', '不要', '甭', '莫', '勿', '不许', '不准');

/** How many times the customer has already said it: 多少遍, 好几次, 三回. */
export const REPEATED = `${any('不下', '不止', '至少', '起码')}?${any('多少', '几', '好几', '很多', '无数', '八百', '一百', 'n', '十几', '几十', '[0-9两二三四五六七八九十]+')}多?${any('遍', '次', '回', '个电话', '通电话')}`;
