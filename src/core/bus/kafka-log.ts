import { logLevel, type KafkaConfig } from 'kafkajs';
import type { Level, Logger } from '../log.js';

/** kafkajs's levels (1 error … 5 debug) as the platform's. */
const LEVELS: Record<number, Level> = { 1: 'error', 2: 'warn', 4: 'info', 5: 'debug' };

/** kafkajs's log entries into the platform's logger: one format for everything the process logs. */
const logCreator =
  (logger: Logger) =>
  () =>
  ({
    namespace,
    level,
    log,
  }: {
    namespace: string;
    level: number;
    log: Record<string, unknown>;
  }) => {
    const { message, timestamp: _, logger: __, ...fields } = log;
    logger.log(LEVELS[level] ?? 'info', String(message), {
      component: 'kafkajs',
      namespace,
      ...fields,
    });
  };

/** kafkajs logs warnings and errors, as the platform's JSON lines when it has a logger. */
export const kafkaLogging = (logger?: Logger): Pick<KafkaConfig, 'logLevel' | 'logCreator'> => ({
  logLevel: logLevel.WARN,
  ...(logger && { logCreator: logCreator(logger) }),
});
