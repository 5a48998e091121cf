/**
 * Cuts knowledge files into chunks small enough for a prompt: a Markdown
 * file by its `##`/`###` headings (a long section again at paragraphs, then
 * at sentence ends), a FAQ file by entry. Pure: text in, chunks out.
 */
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';

/** A chunk longer than this (in characters) is split: a few sentences, a prompt can hold several. */
export const MAX_CHUNK_CHARS = 320;

export interface Chunk {
  /** `<file stem>#<section id>`: stable while the heading's `{#id}` stays. */
  id: string;
  /** The file it came from, as the manifest names it. */
  source: string;
  /** The file's title and the section's heading. */
  title: string;
  /** The campaigns whose calls may use it; empty for a shared chunk. */
  campaigns: string[];
  text: string;
}

/** Where a file's chunks go: its name in the manifest and the campaigns that list it. */
export interface ChunkSource {
  file: string;
  campaigns: string[];
}

const HEADING = /^(#{1,3})\s+(.+?)\s*(?:\{#([\w-]+)\})?\s*$/;

export const stemOf = (file: string): string => file.replace(/\.[^.]+$/, '');

/** A heading without an explicit `{#id}` is its own id, spaces as dashes. */
const slug = (heading: string): string => heading.trim().replace(/\s+/g, '-').toLowerCase();

/** The chunks of a Markdown file; the text before the first section is `<stem>#intro`. */
export function chunkMarkdown(src: ChunkSource, text: string): Chunk[] {
  let docTitle = stemOf(src.file);
  const sections: { id: string; heading: string; lines: string[] }[] = [
    { id: 'intro', heading: '', lines: [] },
  ];
  for (const line of text.split(/\r?\n/)) {
    const h = HEADING.exec(line);
    if (h && h[1] === '#') docTitle = h[2]!;
    else if (h) sections.push({ id: h[3] ?? slug(h[2]!), heading: h[2]!, lines: [] });
    else sections[sections.length - 1]!.lines.push(line);
  }
  return checked(
    src.file,
    sections.flatMap((s) =>
      pieces(s.lines.join('\n')).map((body, i, all) => ({
        id: `${stemOf(src.file)}#${s.id}${all.length > 1 ? `-${i + 1}` : ''}`,
        source: src.file,
        title: s.heading ? `${docTitle} / ${s.heading}` : docTitle,
        campaigns: src.campaigns,
        text: body,
      })),
    ),
  );
}

export const faqFile = z.strictObject({
  title: z.string().min(1),
  entries: z.array(
    z.strictObject({
      id: z.string().regex(/^[\w-]+$/, 'letters, digits, _ and -'),
      q: z.string().min(1),
      a: z.string().min(1),
    }),
  ),
});
export type FaqFile = z.infer<typeof faqFile>;

/** The chunks of a FAQ file: one per entry, the question as its heading. */
export function chunkFaq(src: ChunkSource, faq: FaqFile): Chunk[] {
  return checked(
    src.file,
    faq.entries.flatMap((e) =>
      pieces(e.a).map((body, i, all) => ({
        id: `${stemOf(src.file)}#${e.id}${all.length > 1 ? `-${i + 1}` : ''}`,
        source: src.file,
        title: `${faq.title} / ${e.q}`,
        campaigns: src.campaigns,
        text: body,
      })),
    ),
  );
}

/** A section's body in pieces of at most MAX_CHUNK_CHARS: whole paragraphs, else sentences. */
export function pieces(body: string): string[] {
  const paragraphs = body
    .split(/\n\s*\n/)
    // A wrapped line joins the next with a space, unless it ends in CJK text.
    .map((p) => p.replace(/([^\p{ASCII}])?[ \t]*\n\s*/gu, (_, cjk?: string) => cjk ?? ' ').trim())
    .filter(Boolean);
  const units = paragraphs.flatMap((p) =>
    p.length <= MAX_CHUNK_CHARS ? [p] : (p.match(/[^。！？!?]+[。！？!?]*/g) ?? [p]),
  );
  const out: string[] = [];
  for (const unit of units) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + unit.length + 1 <= MAX_CHUNK_CHARS)
      out[out.length - 1] = `${last}\n${unit}`;
    else out.push(unit);
  }
  return out;
}

function checked(file: string, chunks: Chunk[]): Chunk[] {
  const seen = new Set<string>();
  for (const c of chunks) {
    if (seen.has(c.id))
      throw new DialwiseError('CONFIG_INVALID', `${file}: two sections share the id ${c.id}`);
    seen.add(c.id);
  }
  return chunks;
}
