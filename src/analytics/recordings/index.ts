export { AUDIO_TYPES, audioTypeOf, wavSeconds } from './audio-type.js';
export { Recordings, type NewRecording, type RecordingInfo } from './recordings.js';
export { turnOffsets } from './turn-offsets.js';
