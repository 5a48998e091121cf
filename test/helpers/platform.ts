import { startPlatform, type Platform, type PlatformOptions } from '../../src/app/index.js';
import { loadTestConfig } from './config.js';
import { allDayDecisionConfig } from './decision-config.js';
import { tmpDir } from './tmp.js';

/**
 * An embedded platform on a free port and a fresh data folder, committing
 * every 50 ms, calls and messages allowed around the clock; `env` adds or
 * overrides settings; `opts` gives it a clock of the test's own, say.
 */
export const startTestPlatform = (
  env: Record<string, string> = {},
  opts: PlatformOptions = {},
): Promise<Platform> =>
  startPlatform(
    loadTestConfig({
      env: {
        DIALWISE_PORT: '0',
        DIALWISE_DATA_DIR: tmpDir(),
        DIALWISE_LOG_LEVEL: 'error',
        DIALWISE_COMMIT_INTERVAL_MS: '50',
        DIALWISE_DECISION_CONFIG: allDayDecisionConfig(),
        ...env,
      },
    }),
    opts,
  );
