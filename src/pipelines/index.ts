// The ingest pipeline: sources → enrichment → sinks, committed together with
// the sources' positions. Other folders import from here.
export {
  Pipeline,
  type PipelineHooks,
  type PipelineOptions,
  type SourceRecord,
} from './pipeline.js';
export { STORE } from './write-once.js';
export { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';
export { derivedTopic, eventMessages, publishEvents, topicFor, topicsOf } from './topics.js';
export * from './sources/index.js';
export * from './enrich/index.js';
export * from './sinks/index.js';
