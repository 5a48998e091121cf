/**
 * The scenario's cross-field rules. They run even when some fields are
 * already invalid (so one error lists everything), hence every read here is
 * defensive: a field of the wrong type is skipped, its own issue says why.
 */
import type { z } from 'zod';

type Loose = Record<string, unknown>;

const list = (v: unknown): Loose[] =>
  Array.isArray(v) ? v.filter((x): x is Loose => typeof x === 'object' && x !== null) : [];
const keys = (v: unknown): string[] =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : [];
const SHARE_TOLERANCE = 1e-6;

export function crossCheck(raw: unknown, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Loose;
  const segments = list(s.segments);
  const agents = list(s.agents);
  const lines = Array.isArray(s.productLines) ? s.productLines.map(String) : [];

  const shares = segments.map((seg) => seg.share);
  if (shares.length && shares.every((x) => typeof x === 'number')) {
    const sum = (shares as number[]).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
      issue(['segments'], `segment shares must sum to 1 (they sum to ${+sum.toFixed(6)})`);
    }
  }
  unique(segments, 'segments', issue);
  unique(agents, 'agents', issue);

  const known = (path: (string | number)[], line: string) => {
    if (lines.length && !lines.includes(line)) {
      issue(path, `unknown product line "${line}"; productLines: ${lines.join(', ')}`);
    }
  };
  segments.forEach((seg, i) =>
    keys(seg.products).forEach((p) => known(['segments', i, 'products', p], p)),
  );
  agents.forEach((a, i) => keys(a.skills).forEach((p) => known(['agents', i, 'skills', p], p)));
  keys(s.prices).forEach((p) => known(['prices', p], p));
  for (const line of lines) {
    if (!keys(s.prices).includes(line)) issue(['prices'], `needs a price for "${line}"`);
  }

  const regions = new Set(segments.flatMap((seg) => keys(seg.regions)));
  list(s.anomalies).forEach((a, i) => {
    if (a.kind === 'connect_drop' && typeof a.region === 'string' && !regions.has(a.region)) {
      issue(['anomalies', i, 'region'], `no segment lives in region "${a.region}"`);
    }
    const days = typeof s.days === 'number' ? s.days : 7;
    if (typeof a.fromDay === 'number' && a.fromDay >= days) {
      issue(['anomalies', i, 'fromDay'], `must fall within the scenario's ${days} days`);
    }
  });
}

function unique(
  items: Loose[],
  field: string,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const seen = new Set<unknown>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) issue([field, i, 'id'], `duplicate id "${String(item.id)}"`);
    seen.add(item.id);
  });
}
