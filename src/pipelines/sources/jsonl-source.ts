import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Pipeline } from '../pipeline.js';

/**
 * Replays a JSONL file (one event per line) through the pipeline. The line
 * number is the offset, committed with the data: after a crash the same
 * command resumes after the last committed line.
 */
export async function replayJsonl(
  pipeline: Pipeline,
  file: string,
  batchSize = 5_000,
): Promise<{ lines: number }> {
  const source = `file:${resolve(file)}`;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let batch: { source: string; partition: number; offset: string; value: string }[] = [];
  let n = 0;
  for await (const line of lines) {
    const offset = n++;
    if (line.trim() === '') continue;
    batch.push({ source, partition: 0, offset: String(offset), value: line });
    if (batch.length >= batchSize) {
      await pipeline.process(batch);
      batch = [];
    }
  }
  if (batch.length) await pipeline.process(batch);
  await pipeline.flush();
  return { lines: n };
}
