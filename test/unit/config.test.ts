import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { DialwiseError } from '../../src/core/errors.js';
import { tmpDir } from '../helpers/tmp.js';

const fail = (fn: () => unknown): DialwiseError => {
  try {
    fn();
  } catch (err) {
    return err as DialwiseError;
  }
  throw new Error('expected a config error');
};

describe('config', () => {
  it('applies defaults with nothing set', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      kafkaBrokers: undefined,
      simulateRate: 2,
    });
  });

  it('coerces environment strings to typed values', () => {
    const c = loadConfig({
      env: {
        DIALWISE_PORT: '0',
        DIALWISE_SIM_RATE: '0.5',
        KAFKA_BROKERS: '127.0.0.1:9092,localhost:9093',
      },
    });
    expect(c.port).toBe(0);
    expect(c.simulateRate).toBe(0.5);
    expect(c.kafkaBrokers).toBe('127.0.0.1:9092,localhost:9093');
  });

  it('reports every problem in one error, each with its fix', () => {
    const err = fail(() =>
      loadConfig({
        env: {
          DIALWISE_PORT: 'eighty',
          KAFKA_BROKERS: 'localhost',
          DIALWISE_DATA_KEY: 'short',
          DIALWISE_LOG_LEVEL: 'loud',
        },
      }),
    );
    expect(err).toBeInstanceOf(DialwiseError);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/DIALWISE_PORT="eighty".*port number/);
    expect(err.message).toMatch(/KAFKA_BROKERS="localhost".*127\.0\.0\.1:9092/);
    expect(err.message).toMatch(/DIALWISE_DATA_KEY=.*openssl rand -base64 32/);
    expect(err.message).toMatch(/DIALWISE_LOG_LEVEL="loud"/);
  });

  it('reads a JSON file, lets the environment win, and rejects unknown keys', () => {
    const dir = tmpDir();
    const file = join(dir, 'dialwise.json');
    writeFileSync(file, JSON.stringify({ port: 9000, topicPrefix: 'acme', batchSize: 50 }));
    const c = loadConfig({ env: { DIALWISE_CONFIG: file, DIALWISE_PORT: '9100' } });
    expect(c).toMatchObject({ port: 9100, topicPrefix: 'acme', batchSize: 50 });

    writeFileSync(file, JSON.stringify({ prot: 9000, port: 'x' }));
    const err = fail(() => loadConfig({ env: { DIALWISE_CONFIG: file } }));
    expect(err.message).toMatch(/unknown key "prot"/);
    expect(err.message).toMatch(/port \(config file\)="x"/);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadConfig({ env: { DIALWISE_CONFIG: '/nonexistent/dialwise.json' } })).toThrow(
      /cannot read JSON/,
    );
  });
});
