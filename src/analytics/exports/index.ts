// Exports of the facts (turns, calls, decisions) and the KPI table for
// analysts and data scientists: Arrow IPC streams, Parquet and CSV, read
// from the store a page at a time, personal text masked by role. The only
// entry for other folders.
export {
  EXPORT_TABLES,
  FACT_TABLES,
  type ColumnType,
  type ExportColumn,
  type FactTable,
} from './export-tables.js';
export { exportPages, PAGE_ROWS, type ExportFilter, type Row } from './export-pages.js';
export { arrowEncoder, arrowSchema, csvEncoder, type Encoder } from './export-encoders.js';
export {
  EXPORT_FORMATS,
  EXPORT_MEDIA,
  factExport,
  kpiExport,
  KPI_EXPORT_COLUMNS,
  pullStream,
  type ExportFormat,
  type ExportRequest,
  type KpiStreamRequest,
} from './export-stream.js';
