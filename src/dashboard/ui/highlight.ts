// Text with the server's highlight offsets marked: built from text nodes and
// <mark> elements, never from HTML.
import { h } from './dom.js';
import type { Highlight } from '../queries/compliance-queries.js';

/** `ranges` are [start, end) offsets into `text` (JS string units); overlaps are merged. */
export function highlighted(text: string, ranges: readonly Highlight[]): HTMLElement {
  const out = h('span', { class: 'hl-text' });
  const sorted = [...ranges]
    .filter((r) => r.end > r.start && r.start < text.length)
    .sort((a, b) => a.start - b.start);
  let at = 0;
  for (const r of sorted) {
    const start = Math.max(r.start, at);
    const end = Math.min(r.end, text.length);
    if (end <= start) continue;
    if (start > at) out.append(text.slice(at, start));
    out.append(h('mark', {}, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) out.append(text.slice(at));
  return out;
}
