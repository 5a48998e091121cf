import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogging } from '../../src/core/bus/kafka-log.js';
import { createLogger } from '../../src/core/log.js';

describe("kafkajs's logs", () => {
  it("come out as the platform's JSON lines, with their fields", () => {
    const lines: string[] = [];
    const { logCreator, logLevel: level } = kafkaLogging(
      createLogger('info', (l) => lines.push(l)),
    );
    expect(level).toBe(logLevel.WARN);
    const log = logCreator!(logLevel.WARN);
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Connection error',
        timestamp: 'x',
        logger: 'kafkajs',
        broker: '127.0.0.1:9092',
      },
    });
    log({
      namespace: 'Runner',
      level: logLevel.DEBUG,
      label: 'DEBUG',
      log: { message: 'quiet', timestamp: 'x' },
    });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 'error',
      msg: 'Connection error',
      component: 'kafkajs',
      namespace: 'Connection',
      broker: '127.0.0.1:9092',
    });
    expect(line.t).toMatch(/^\d{4}-/);
    expect(line).not.toHaveProperty('logger');
  });

  it("keep kafkajs's own format without a logger", () => {
    expect(kafkaLogging().logCreator).toBeUndefined();
  });
});
