export * from './baseline.js';
export * from './features.js';
export { resample } from './filters.js';
export { DEFAULT_PITCH_OPTIONS, medianF0, trackPitch, type PitchOptions } from './pitch.js';
export { DEFAULT_SILENCE_OPTIONS, type SilenceOptions } from './silence.js';
export { DEFAULT_SYLLABLE_OPTIONS, type SyllableOptions } from './syllable-nuclei.js';
export * from './wav.js';
export * from './event-fields.js';
