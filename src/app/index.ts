/**
 * The composition roots, one per process kind: `startPlatform` (dialwise
 * start), `startWorker`, `startDecideReplica` and `startLoaderPlatform`
 * (the scaled-out Kafka mode). Each builds its parts from the settings and one clock; the CLI only
 * parses arguments and calls these.
 */
export { startPlatform, type Platform, type PlatformOptions } from './platform.js';
export { startWorker } from './worker.js';
export { startDecideReplica } from './decide.js';
export { startLoaderPlatform, type LoaderPlatform } from './loader-platform.js';
export { openPipeline, type ModelWatch } from './enrichment.js';
export { type SimulateOptions } from './simulator-feed.js';
export { simulateScenario, startWithTwin, type SimulateRequest } from './twin-session.js';
export { runFilePath, type RunFile } from './run-file.js';
export { createBus, fieldCipher, openStore, packageRoot, registryOf, storePath } from './setup.js';
export { retrainPlanOf } from './scheduled-retrain.js';
export { retentionOnFile } from './retention.js';
export { consentExportOnFile, dncImportOnFile } from './contact-record.js';
export { ensureDefaultModels, servedTextModel } from './default-models.js';
export { hotWordList, writeHotWords } from './hotword-list.js';
export { customerEraser, eraseOnFile, type Eraser } from './erasure.js';
export { resealEngineJournal } from './decision-service.js';
