import { loadConfig, type ConfigSources } from '../../src/core/config.js';

/**
 * Settings for a test platform: as loadConfig, with the keyword NLU unless
 * the test says otherwise. Tests of plumbing stay deterministic and start
 * without training the default intent model (about 10 s each); the tests of
 * that model set DIALWISE_DEFAULT_MODELS=train.
 */
export const loadTestConfig = (sources: ConfigSources = {}) =>
  loadConfig({
    ...sources,
    env: { DIALWISE_DEFAULT_MODELS: 'keyword', ...(sources.env ?? process.env) },
  });
