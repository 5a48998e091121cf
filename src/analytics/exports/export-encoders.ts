/**
 * Pages of rows into bytes: an Arrow IPC stream, CSV for spreadsheets, and
 * JSON lines (what DuckDB turns into Parquet). Each encoder gives what
 * comes first, the bytes of one page, and what comes last, so a page can
 * be sent as soon as it is read.
 */
import {
  Bool,
  type Data,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { csvSafe } from '../kpis/index.js';
import type { Row } from './export-pages.js';
import type { ColumnType, ExportColumn } from './export-tables.js';

export interface Encoder {
  head: Uint8Array;
  page(rows: readonly Row[]): Uint8Array;
  tail: Uint8Array;
}

const ARROW_TYPES: Record<ColumnType, () => DataType> = {
  utf8: () => new Utf8(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  float64: () => new Float64(),
  bool: () => new Bool(),
  // Instants in UTC, to the millisecond (what the events carry).
  timestamp: () => new Timestamp(TimeUnit.MILLISECOND, 'UTC'),
};

/** The Arrow schema of the columns, every one nullable. */
export const arrowSchema = (columns: readonly ExportColumn[]): Schema =>
  new Schema(columns.map((c) => new Field(c.name, ARROW_TYPES[c.type](), true)));

/** A value as Arrow's builders take it: 64-bit integers as bigint, instants as epoch ms. */
function arrowValue(type: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'int64') return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
  if (type === 'timestamp') return v instanceof Date ? v.getTime() : Number(v);
  if (type === 'int32' || type === 'float64') return Number(v);
  return v;
}

/**
 * A text column's Arrow data built directly: one buffer of the UTF-8 bytes
 * and their offsets (about three times faster than the generic builder,
 * and text is most of a page).
 */
function utf8Data(values: readonly unknown[]): Data<Utf8> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  let text = '';
  let end = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nullCount++;
    else {
      const s = String(v);
      valid[i >> 3]! |= 1 << (i & 7);
      text += s;
      end += Buffer.byteLength(s);
    }
    offsets[i + 1] = end;
  }
  const nullBitmap = nullCount ? valid : null;
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount,
    nullBitmap,
    valueOffsets: offsets,
    data: Buffer.from(text),
  });
}

/** The end-of-stream marker: a continuation word (0xFFFFFFFF) and a zero length. */
const EOS_BYTES = 8;

/**
 * An Arrow IPC stream is the schema message, one message per record batch,
 * and the end-of-stream marker. apache-arrow's writer puts out all three
 * for a table; the schema's bytes are the same every time, so each page is
 * written as a one-batch stream and only its batch message is kept. The
 * schema leads even when no row follows.
 */
export function arrowEncoder(columns: readonly ExportColumn[]): Encoder {
  const schema = arrowSchema(columns);
  const empty = RecordBatchStreamWriter.writeAll(new Table(schema)).toUint8Array(true);
  const schemaBytes = empty.length - EOS_BYTES;
  return {
    head: empty.subarray(0, schemaBytes),
    page(rows) {
      const children = columns.map((c, i) => {
        if (c.type === 'utf8') return utf8Data(rows.map((r) => r[c.name]));
        const values = rows.map((r) => arrowValue(c.type, r[c.name]));
        const vector = vectorFromArray(values, schema.fields[i]!.type as DataType);
        if (vector.data.length !== 1) throw new Error(`column ${c.name}: not one chunk`);
        return vector.data[0]!;
      });
      const type = new Struct(schema.fields);
      const data = makeData({ type, length: rows.length, nullCount: 0, children });
      const bytes = RecordBatchStreamWriter.writeAll([new RecordBatch(schema, data)]).toUint8Array(
        true,
      );
      return bytes.subarray(schemaBytes, bytes.length - EOS_BYTES);
    },
    tail: empty.subarray(schemaBytes),
  };
}

/** A UTF-8 byte-order mark: Excel on Chinese Windows reads a CSV without one in the local code page. */
const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

/** One CSV field: text made safe from spreadsheet formulas, quoted where it must be. */
function csvField(type: ColumnType, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (type === 'timestamp') return new Date(Number(v)).toISOString();
  if (typeof v !== 'string') return String(v);
  const safe = csvSafe(v);
  // Quoted when empty too, so that an empty text is told from a missing one.
  return safe === '' || /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** CSV with a header line; a byte-order mark first when asked. */
export function csvEncoder(columns: readonly ExportColumn[], bom = false): Encoder {
  const header = Buffer.from(`${columns.map((c) => c.name).join(',')}\n`);
  return {
    head: bom ? Buffer.concat([UTF8_BOM, header]) : header,
    page: (rows) =>
      Buffer.from(
        rows.map((r) => `${columns.map((c) => csvField(c.type, r[c.name])).join(',')}\n`).join(''),
      ),
    tail: new Uint8Array(0),
  };
}

/** One JSON object per line, instants as ISO 8601 text. */
export function jsonLines(columns: readonly ExportColumn[], rows: readonly Row[]): string {
  const value = (type: ColumnType, v: unknown) =>
    v === null || v === undefined
      ? null
      : type === 'timestamp'
        ? new Date(Number(v)).toISOString()
        : typeof v === 'bigint'
          ? Number(v)
          : v;
  return rows
    .map((r) =>
      JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, value(c.type, r[c.name])]))),
    )
    .join('\n')
    .concat('\n');
}

/** DuckDB's type for each column type (the Parquet file's). */
export const SQL_TYPES: Record<ColumnType, string> = {
  utf8: 'VARCHAR',
  int32: 'INTEGER',
  int64: 'BIGINT',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};
