// What feeds a pipeline: the bus's event topics, or a JSONL file.
export { consumeBus } from './bus-source.js';
export { replayJsonl } from './jsonl-source.js';
