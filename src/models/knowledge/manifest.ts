/**
 * A knowledge base folder: `knowledge.json` names its version, the files
 * every campaign shares and each campaign's own files (Markdown sections or
 * a FAQ in JSON). A changed file is a new version, as with the scripts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseConfig, readConfigJson } from '../../core/config-file.js';
import { DialwiseError } from '../../core/errors.js';
import { type Chunk, chunkFaq, chunkMarkdown, faqFile } from './chunking.js';

export const MANIFEST = 'knowledge.json';

const fileName = z.string().regex(/^[\w-]+\.(md|json)$/, 'a .md or .json file in the folder');

export const knowledgeManifest = z.strictObject({
  version: z.string().regex(/^[\w.-]{1,64}$/, 'a version: letters, digits, ".", "_", "-"'),
  /** Files every campaign may use. */
  shared: z.array(fileName).default([]),
  /** Per campaign id, the files only its calls use. */
  campaigns: z.record(z.string().min(1).max(128), z.array(fileName)).default({}),
});
export type KnowledgeManifest = z.infer<typeof knowledgeManifest>;

export interface KnowledgeBase {
  version: string;
  chunks: Chunk[];
  /** A hash of the chunks: the same version loaded with other content is refused. */
  digest: string;
}

/** Which campaigns each file serves; a shared file serves all (an empty list). */
export function fileCampaigns(m: KnowledgeManifest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [campaign, files] of Object.entries(m.campaigns))
    for (const f of files) out.set(f, [...(out.get(f) ?? []), campaign].sort());
  for (const f of m.shared) out.set(f, []);
  return out;
}

/** Reads and chunks the knowledge base in `dir`; every problem names its file. */
export function readKnowledge(dir: string): KnowledgeBase {
  const manifest = parseConfig(
    knowledgeManifest,
    readConfigJson(join(dir, MANIFEST), 'knowledge manifest'),
    `knowledge manifest ${join(dir, MANIFEST)}`,
  );
  const chunks: Chunk[] = [];
  for (const [file, campaigns] of fileCampaigns(manifest)) {
    const path = join(dir, file);
    const src = { file, campaigns };
    chunks.push(
      ...(file.endsWith('.json')
        ? chunkFaq(src, parseConfig(faqFile, readConfigJson(path, 'FAQ file'), path))
        : chunkMarkdown(src, readText(path))),
    );
  }
  const ids = new Set(chunks.map((c) => c.id));
  if (ids.size < chunks.length)
    throw new DialwiseError('CONFIG_INVALID', `${dir}: two files share a name before the dot`);
  return { version: manifest.version, chunks, digest: digestOf(chunks) };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DialwiseError('CONFIG_INVALID', `cannot read knowledge file ${path}`, { cause: err });
  }
}

export const digestOf = (chunks: readonly Chunk[]): string =>
  createHash('sha256')
    .update(JSON.stringify(chunks.map((c) => [c.id, c.title, c.campaigns, c.text])))
    .digest('hex')
    .slice(0, 32);
