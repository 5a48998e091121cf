import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_DIR } from './kafka-tools.js';
import { tmpDir } from './tmp.js';

const run = promisify(execFile);

/** A port nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * A broker of the test's own (scripts/services/kafka.sh on other ports and
 * another state folder, the jars shared), so a test can stop and start it
 * without touching the broker every other test uses.
 */
export interface PrivateBroker {
  brokers: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function privateBroker(): Promise<PrivateBroker> {
  const dir = tmpDir('dialwise-broker-');
  mkdirSync(join(dir, 'kafka'), { recursive: true });
  symlinkSync(join(KAFKA_DIR, 'libs'), join(dir, 'kafka', 'libs'));
  const port = await freePort();
  const env = {
    ...process.env,
    DIALWISE_SERVICES_DIR: dir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
  };
  const script = (cmd: string) =>
    run('scripts/services/kafka.sh', [cmd], { env, timeout: 120_000 }).then(() => undefined);
  await script('start');
  return { brokers: `127.0.0.1:${port}`, stop: () => script('stop'), start: () => script('start') };
}
