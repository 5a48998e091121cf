import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';

/**
 * One labelled text, the training format of the intent and emotion models:
 * JSONL, one `{"text": …, "label": …}` per line. `labels` carries every gold
 * label of a multi-label source (GoEmotions); `label` is then the first.
 */
export const textRecordSchema = z.object({
  text: z.string(),
  label: z.string().min(1),
  labels: z.array(z.string().min(1)).optional(),
});
export type TextRecord = z.infer<typeof textRecordSchema>;

/** Reads a JSONL file of `schema` records; a bad line fails with its line number, blank lines are skipped. */
export async function readJsonl<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
  const out: T[] = [];
  let n = 0;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new Error(`${path}:${n}: not JSON`, { cause });
    }
    const r = schema.safeParse(json);
    if (!r.success) throw new Error(`${path}:${n}: ${r.error.issues[0]?.message ?? 'invalid'}`);
    out.push(r.data);
  }
  return out;
}

export const readTextRecords = (path: string): Promise<TextRecord[]> =>
  readJsonl(path, textRecordSchema);

export const toJsonl = (records: readonly TextRecord[]): string =>
  records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');

/** The identity of a training or evaluation set: sha256 of its JSONL. */
export const dataSha256 = (records: readonly TextRecord[]): string =>
  createHash('sha256').update(toJsonl(records)).digest('hex');

export const writeTextRecords = (path: string, records: readonly TextRecord[]): Promise<void> =>
  writeFile(path, toJsonl(records));
