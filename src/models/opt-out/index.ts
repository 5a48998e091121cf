/**
 * The opt-out signal: does a turn withdraw consent to be contacted
 * (Chinese speech as a recogniser writes it, and English)?
 */
export { detectOptOut, type OptOut, type Speaker } from './detect.js';
export type { OptOutKind } from './cue.js';
export { normalizeTurn, type OptOutText } from './normalize.js';
