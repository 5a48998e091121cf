/**
 * What changed between two script versions, line by line: each node's safe
 * line, each variant's text, concise text and segment (its match), keyed by
 * node, variant and field. A pure function of the two libraries.
 */
import type { ScriptLibrary, Variant } from './script-library.js';
import { libraryLines, type LineField } from './script-lines.js';

export const CHANGE_KINDS = ['added', 'removed', 'changed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ScriptChange {
  node: string;
  variant: string | null;
  /** A line, or `segment`: whom the variant is said to (its match and priority). */
  field: LineField | 'segment';
  change: ChangeKind;
  before: string | null;
  after: string | null;
}

/** Whom a variant is for, as one line: `tags: a, b · industry: x · priority 2`; `everyone` without a match. */
export function segmentText(v: Variant): string {
  const parts = [
    ...(v.match?.tagsAny ? [`tags: ${v.match.tagsAny.join(', ')}`] : []),
    ...Object.entries(v.match?.crm ?? {}).map(
      ([field, values]) => `${field}: ${values.join(', ')}`,
    ),
    ...(v.priority !== undefined ? [`priority ${v.priority}`] : []),
  ];
  return parts.length ? parts.join(' · ') : 'everyone';
}

type Keyed = Map<string, Omit<ScriptChange, 'change' | 'before' | 'after'> & { text: string }>;

function keyed(library: ScriptLibrary): Keyed {
  const out: Keyed = new Map();
  const put = (node: string, variant: string | null, field: ScriptChange['field'], text: string) =>
    out.set(JSON.stringify([node, variant, field]), { node, variant, field, text });
  for (const l of libraryLines(library)) put(l.node, l.variant, l.field, l.text);
  for (const [node, { variants }] of Object.entries(library.nodes))
    for (const v of variants) put(node, v.id, 'segment', segmentText(v));
  return out;
}

const FIELD_ORDER: ScriptChange['field'][] = ['safe', 'segment', 'text', 'concise'];

/**
 * The lines added, removed or changed from `from` to `to`, node by node in
 * `to`'s order (nodes only `from` has last), then variant, then field.
 */
export function diffScripts(from: ScriptLibrary, to: ScriptLibrary): ScriptChange[] {
  const a = keyed(from);
  const b = keyed(to);
  const changes: ScriptChange[] = [];
  for (const [key, line] of b) {
    const before = a.get(key)?.text ?? null;
    if (before === line.text) continue;
    const { text, ...at } = line;
    changes.push({ ...at, change: before === null ? 'added' : 'changed', before, after: text });
  }
  for (const [key, { text, ...at }] of a)
    if (!b.has(key)) changes.push({ ...at, change: 'removed', before: text, after: null });
  const nodes = [...new Set([...Object.keys(to.nodes), ...Object.keys(from.nodes)])];
  const variants = (node: string) => [
    ...new Set(
      [to, from].flatMap((l) => (l.nodes[node]?.variants ?? []).map((v) => v.id as string | null)),
    ),
  ];
  const rank = (c: ScriptChange) => [
    nodes.indexOf(c.node),
    c.variant === null ? -1 : variants(c.node).indexOf(c.variant),
    FIELD_ORDER.indexOf(c.field),
  ];
  return changes.sort((x, y) => {
    const [rx, ry] = [rank(x), rank(y)];
    return rx[0]! - ry[0]! || rx[1]! - ry[1]! || rx[2]! - ry[2]!;
  });
}
