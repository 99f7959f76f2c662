/**
 * Kysely row types of the warehouse's bookkeeping tables (sql/migrations/001). Marts are typed where
 * dashboards read them (dashboards/mart-rows.ts).
 */
export interface RunsTable {
  run_id: string;
  job: string;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  started_at: Date | string;
  ended_at: Date | string | null;
  as_of: Date | string | null;
  pid: number | null;
  error_code: string | null;
  error_message: string | null;
}

export interface RunStepsTable {
  run_id: string;
  step: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  status: 'succeeded' | 'failed' | 'skipped';
  rows_in: number | null;
  rows_out: number | null;
  error_code: string | null;
  error_message: string | null;
}

export interface IngestedFilesTable {
  file_id: number;
  run_id: string;
  source: string;
  file_name: string;
  entity: string | null;
  format: string | null;
  content_sha256: string;
  size_bytes: number | null;
  ingested_at: Date | string;
  status: 'loaded' | 'unreadable' | 'unrecognized';
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  rows_duplicate: number;
  error: string | null;
  /** Modification time in ns since the epoch (inbox files; big values come back as strings). */
  modified_ns: number | string | null;
  /** Inode change time in ns since the epoch (inbox files). */
  changed_ns: number | string | null;
}

export interface QuarantineTable {
  file_id: number;
  run_id: string;
  file_name: string;
  entity: string | null;
  line_number: number | null;
  raw_record: string | null;
  reason: string;
  quarantined_at: Date | string;
}

export interface SourceCursorsTable {
  source: string;
  cursor_value: string | null;
  updated_at: Date | string;
  last_success_at: Date | string | null;
}

export interface SentAlertsTable {
  alert_key: string;
  run_id: string;
  sent_at: Date | string;
  payload: string | null;
}

export interface WarehouseTables {
  runs: RunsTable;
  run_steps: RunStepsTable;
  ingested_files: IngestedFilesTable;
  quarantine: QuarantineTable;
  source_cursors: SourceCursorsTable;
  sent_alerts: SentAlertsTable;
}
