#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { COMMANDS } from './commands.js';
import { EXPORT_FLAGS } from './export-command.js';

const USAGE = `dialwise <command> [options]

${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

Settings come from the environment (see README); DIALWISE_CONFIG names an optional JSON file.`;

/**
 * Long-running commands stop cleanly (final commit included) on Ctrl-C or
 * SIGTERM, within the shutdown deadline: past it, or at a second signal, the
 * process exits anyway (what was not committed comes again from Kafka's
 * offsets; HTTP callers were never told it was stored).
 */
function stopOnSignal(running: { stop(): Promise<void> }, deadlineMs: number): void {
  const shutdown = () => {
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    setTimeout(() => {
      console.error(`dialwise: not stopped within ${deadlineMs} ms; exiting`);
      process.exit(1);
    }, deadlineMs + 2_000).unref();
    void running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('dialwise: stop failed', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

const FLAGS = [
  ...['calls', 'seed', 'name', 'role', 'file', 'data', 'out', 'model', 'val', 'epochs'],
  ...['text-field', 'label-field', 'predictions'],
  ...[
    'models',
    'corrections',
    'test',
    'expires-in-days',
    'customer',
    'source',
    'date',
    'campaigns',
    'policy',
    'from',
    'to',
    'scenario',
  ],
  ...EXPORT_FLAGS,
];

/** The flags and positionals; an unknown or malformed flag is the user's error, said plainly. */
function parsed(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
        'dry-run': { type: 'boolean' },
        bom: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
  } catch (err) {
    const command = COMMANDS[argv.find((a) => !a.startsWith('-')) ?? ''];
    throw new DialwiseError(
      'BAD_REQUEST',
      `${(err as Error).message.split('.')[0]}\n\n${command?.usage ?? USAGE}`,
    );
  }
}

/** Parses the arguments and runs the command they name; nothing else happens here. */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parsed(argv);
  const [name, sub] = positionals;
  const command = name === undefined ? undefined : COMMANDS[name];
  // `dialwise train --help`: that command's usage; `dialwise --help`: all of them.
  if (values.help || !name) return void console.log(command ? command.usage : USAGE);
  if (!command) throw new DialwiseError('BAD_REQUEST', `unknown command "${name}"\n\n${USAGE}`);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  await command.run({
    config,
    logger,
    sub,
    positionals,
    values,
    runUntilSignal: (running) => stopOnSignal(running, config.shutdownTimeoutMs),
  });
}

// Whatever this process writes (DuckDB files, keys, exports) is for this user only.
process.umask(0o077);
main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof DialwiseError ? `dialwise: ${err.message}` : err);
  process.exit(1);
});
