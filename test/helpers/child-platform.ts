import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildPlatform {
  url: string;
  key: string;
  proc: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/**
 * Runs `dialwise <command>` (start, loader, worker, decide) in its own process, so a
 * test can kill -9 it. Resolves once it says it is running. The services CI
 * exports (Kafka, MLflow) are used only where the test passes them: otherwise
 * the child runs on the embedded defaults.
 */
export function startChildPlatform(
  env: Record<string, string>,
  command: 'start' | 'loader' | 'worker' | 'decide' = 'start',
): Promise<ChildPlatform> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', command], {
    env: {
      ...process.env,
      KAFKA_BROKERS: '',
      MLFLOW_TRACKING_URI: '',
      DIALWISE_PORT: '0',
      DIALWISE_SIM_RATE: '0',
      DIALWISE_LOG_LEVEL: 'warn',
      // The keyword NLU, as in-process test platforms (helpers/config.ts).
      DIALWISE_DEFAULT_MODELS: 'keyword',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`platform did not start:\n${out}\n${err}`)),
      60_000,
    );
    proc.stdout!.on('data', (d) => {
      out += d;
      // A generated admin key is printed in the URL; a configured one never is.
      const m =
        /dashboard: (http:\/\/[^/\s]+)\/(?:#key=(\S+))?/.exec(out) ??
        /decision replica running at (http:\/\/[^/\s]+)/.exec(out);
      if (m || (command === 'worker' && /worker running/.test(out))) {
        clearTimeout(timer);
        const key = m?.[2] ?? env.DIALWISE_ADMIN_KEY ?? '';
        resolve({ url: m?.[1] ?? '', key, proc, exited, stderr: () => err });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code}:\n${out}\n${err}`));
    });
  });
}
