/**
 * A script library as the lines a person writes: each node's safe line and
 * each variant's full and concise text. What the editor shows, what the
 * compliance rules check one by one before a version may go live, and what
 * two versions are compared by.
 */
import { DialwiseError } from '../../core/errors.js';
import type { ComplianceHit } from '../../models/types.js';
import { loadScripts, type BotLineCheck, type ScriptLibrary } from './script-library.js';

export const LINE_FIELDS = ['safe', 'text', 'concise'] as const;
export type LineField = (typeof LINE_FIELDS)[number];

export interface ScriptLine {
  node: string;
  /** null for the node's safe line. */
  variant: string | null;
  field: LineField;
  text: string;
}

/** Every line of the library, node by node in file order. */
export function libraryLines(library: ScriptLibrary): ScriptLine[] {
  return Object.entries(library.nodes).flatMap(([node, { safe, variants }]) => [
    { node, variant: null, field: 'safe' as const, text: safe },
    ...variants.flatMap((v) => [
      { node, variant: v.id, field: 'text' as const, text: v.text },
      ...(v.concise ? [{ node, variant: v.id, field: 'concise' as const, text: v.concise }] : []),
    ]),
  ]);
}

/** Where a line sits, as a path into the library: `nodes.opening.warm.concise`. */
const linePath = (l: Pick<ScriptLine, 'node' | 'variant' | 'field'>): string =>
  ['nodes', l.node, l.variant, l.field].filter((p) => p !== null).join('.');

/** The lines the rules refuse, each with its hits. */
function refusedLines(
  library: ScriptLibrary,
  checkBotLine: BotLineCheck,
): (ScriptLine & { hits: ComplianceHit[] })[] {
  return libraryLines(library)
    .map((l) => ({ ...l, hits: checkBotLine(l.text) }))
    .filter((l) => l.hits.length > 0);
}

/**
 * A library fit to go live: the schema, then every line (not only the safe
 * ones loadScripts checks) through the compliance rules; BAD_REQUEST names
 * each problem with its path.
 */
export function libraryToRollOut(json: unknown, checkBotLine: BotLineCheck): ScriptLibrary {
  let library: ScriptLibrary;
  try {
    library = loadScripts(json, checkBotLine);
  } catch (err) {
    // A bad library is the caller's mistake here, not the server's config.
    if (err instanceof DialwiseError && err.code === 'CONFIG_INVALID')
      throw new DialwiseError('BAD_REQUEST', err.message);
    throw err;
  }
  const refused = refusedLines(library, checkBotLine).map(
    (l) =>
      `${linePath(l)}: not compliant (${l.hits.map((h) => `"${h.term}", ${h.rule}`).join('; ')})`,
  );
  if (refused.length)
    throw new DialwiseError('BAD_REQUEST', `invalid scripts:\n  - ${refused.join('\n  - ')}`);
  return library;
}
