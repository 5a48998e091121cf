import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where scripts/services/kafka.sh keeps Apache Kafka's jars and its log directories. */
export const KAFKA_DIR = resolve(process.env.DIALWISE_SERVICES_DIR ?? '.services', 'kafka');

/**
 * Runs one of Apache Kafka's own Java tools (ConsoleProducer, ConsoleConsumer,
 * DumpLogSegments) from the broker's jars: a client that is not kafkajs.
 */
export function kafkaTool(
  main: string,
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const libs = join(KAFKA_DIR, 'libs');
  if (!existsSync(join(libs, '.version')))
    throw new Error(`no Kafka jars in ${libs}: start the broker with scripts/services/kafka.sh`);
  const proc = spawn('java', ['-Xmx256m', '-cp', `${libs}/*`, main, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  proc.stdin.end(stdin);
  return new Promise((r) => proc.on('exit', (code) => r({ code, stdout, stderr })));
}

/** The codecs of the record batches stored for a topic, as Kafka's DumpLogSegments reads them. */
export async function storedCodecs(topic: string): Promise<string[]> {
  const data = join(KAFKA_DIR, 'data');
  const files = readdirSync(data)
    .filter((d) => d.startsWith(`${topic}-`) && /-\d+$/.test(d))
    .flatMap((d) =>
      readdirSync(join(data, d))
        .filter((f) => f.endsWith('.log'))
        .map((f) => join(data, d, f)),
    );
  const { stdout } = await kafkaTool('org.apache.kafka.tools.DumpLogSegments', [
    '--files',
    files.join(','),
  ]);
  return [
    ...new Set([...stdout.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1]!.toLowerCase())),
  ];
}
