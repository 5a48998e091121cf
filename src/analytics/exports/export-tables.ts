/**
 * What each fact export holds: its columns with stable names and types,
 * where its rows come from, the time its range is over and the key its
 * pages are ordered by after that time, and which columns are personal.
 * No column holds a name or a phone number: those stay sealed in the
 * profiles. customer_id is the platform's pseudonymous id, kept so that
 * the exports join.
 */
import { DIMENSIONS, type FilterDimension } from '../kpis/index.js';

/** A column's type, the same in every format (Arrow, Parquet, CSV text). */
export type ColumnType = 'utf8' | 'int32' | 'int64' | 'float64' | 'bool' | 'timestamp';

export interface ExportColumn {
  name: string;
  type: ColumnType;
  /**
   * Personal data where the reader may not read transcripts: free text
   * with phones, e-mails, ID and card numbers replaced (`text`), or JSON
   * whose personal fields are replaced too (`json`).
   */
  mask?: 'text' | 'json';
}

export interface ExportTable {
  columns: readonly ExportColumn[];
  /** The rows' table and its alias. */
  from: string;
  /** The call each row belongs to, joined when its dimensions filter the rows. */
  callJoin?: string;
  /** The time the range is over; rows without one are left out. */
  ts: string;
  /** Unique per row: pages go on after (ts, key). */
  key: string;
  /** Each column's SQL, where it is not `<alias>.<name>`. */
  sql?: Record<string, string>;
  /** A filter dimension's SQL where it is not the call's column (`c.region`). */
  dimensions?: Partial<Record<FilterDimension, string>>;
}

export const EXPORT_TABLES = {
  /** Every dialog turn, by its time; the text personal. */
  turns: {
    from: 'turns t',
    callJoin: 'LEFT JOIN calls c ON c.call_id = t.call_id',
    ts: 't.ts',
    key: 't.event_id',
    columns: [
      { name: 'event_id', type: 'utf8' },
      { name: 'call_id', type: 'utf8' },
      { name: 'customer_id', type: 'utf8' },
      { name: 'turn', type: 'int32' },
      { name: 'ts', type: 'timestamp' },
      { name: 'speaker', type: 'utf8' },
      { name: 'text', type: 'utf8', mask: 'text' },
      { name: 'asr_confidence', type: 'float64' },
      { name: 'intent', type: 'utf8' },
      { name: 'intent_confidence', type: 'float64' },
      { name: 'out_of_scope', type: 'bool' },
      { name: 'emotion', type: 'utf8' },
      { name: 'valence', type: 'float64' },
      { name: 'impatience', type: 'float64' },
      { name: 'call_intent_score', type: 'float64' },
      { name: 'late', type: 'bool' },
    ],
  },
  /** Every call with a known start, by its start; nothing personal beyond the customer's id. */
  calls: {
    from: 'calls c',
    ts: 'c.started_at',
    key: 'c.call_id',
    columns: [
      { name: 'call_id', type: 'utf8' },
      { name: 'customer_id', type: 'utf8' },
      { name: 'campaign_id', type: 'utf8' },
      { name: 'script_id', type: 'utf8' },
      { name: 'script_version', type: 'utf8' },
      { name: 'handled_by', type: 'utf8' },
      { name: 'region', type: 'utf8' },
      { name: 'product_line', type: 'utf8' },
      { name: 'started_at', type: 'timestamp' },
      { name: 'ended_at', type: 'timestamp' },
      { name: 'answered', type: 'bool' },
      { name: 'abandoned', type: 'bool' },
      { name: 'unanswered_reason', type: 'utf8' },
      { name: 'transferred_queue', type: 'utf8' },
      { name: 'outcome', type: 'utf8' },
      { name: 'duration_s', type: 'float64' },
      { name: 'customer_turns', type: 'int32' },
      { name: 'positive_intents', type: 'int32' },
      { name: 'negative_intents', type: 'int32' },
      { name: 'objections', type: 'int32' },
      { name: 'compliance_hits', type: 'int32' },
      { name: 'valence', type: 'float64' },
      { name: 'intent_score', type: 'float64' },
      { name: 'peak_impatience', type: 'float64' },
    ],
  },
  /**
   * Every logged decision, by its time. The line said and the reason are
   * masked as text, the context (tags, CRM categories) as JSON: the engine
   * puts nothing personal there, and a masked copy keeps it so should that
   * change. A dial decision has no call: a filter on a call's dimension
   * leaves it out; its campaign is its own.
   */
  decisions: {
    from: 'decisions d',
    callJoin: 'LEFT JOIN calls c ON c.call_id = d.call_id',
    ts: 'd.ts',
    key: 'd.decision_id',
    sql: { context: 'd.context::VARCHAR' },
    dimensions: { CAMPAIGN: 'd.campaign_id' },
    columns: [
      { name: 'decision_id', type: 'utf8' },
      { name: 'ts', type: 'timestamp' },
      { name: 'kind', type: 'utf8' },
      { name: 'call_id', type: 'utf8' },
      { name: 'customer_id', type: 'utf8' },
      { name: 'campaign_id', type: 'utf8' },
      { name: 'state', type: 'utf8' },
      { name: 'node', type: 'utf8' },
      { name: 'segment', type: 'utf8' },
      { name: 'variant', type: 'utf8' },
      { name: 'propensity', type: 'float64' },
      { name: 'policy_version', type: 'utf8' },
      { name: 'script_version', type: 'utf8' },
      { name: 'action', type: 'utf8', mask: 'text' },
      { name: 'reason', type: 'utf8', mask: 'text' },
      { name: 'blocked', type: 'utf8' },
      { name: 'micros', type: 'int32' },
      { name: 'context', type: 'utf8', mask: 'json' },
    ],
  },
} as const satisfies Record<string, ExportTable>;

export type FactTable = keyof typeof EXPORT_TABLES;
export const FACT_TABLES = Object.keys(EXPORT_TABLES) as FactTable[];

/** The SQL that reads a column (timestamps as epoch milliseconds). */
export function columnSql(table: ExportTable, column: ExportColumn): string {
  const alias = table.from.split(' ')[1]!;
  const sql = table.sql?.[column.name] ?? `${alias}.${column.name}`;
  return column.type === 'timestamp' ? `epoch_ms(${sql})::DOUBLE` : sql;
}

/** The SQL of a filter dimension over the table's rows. */
export const dimensionSql = (table: ExportTable, d: FilterDimension): string =>
  table.dimensions?.[d] ?? `c.${DIMENSIONS[d]}`;

/** Whether a filter reads a column of the call (so the call must be joined). */
export const needsCall = (table: ExportTable, dims: readonly FilterDimension[]): boolean =>
  dims.some((d) => dimensionSql(table, d).startsWith('c.'));
