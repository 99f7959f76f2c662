-- The warehouse's own bookkeeping: runs and their steps, the file ledger and the quarantine.
-- No primary keys: DuckDB checks index constraints eagerly within a transaction, which breaks
-- update-after-insert of one row; uniqueness is enforced by the code that writes these tables.

create table runs (
  run_id        varchar,
  job           varchar not null,           -- run, refresh, weekly_review, demo, ...
  status        varchar not null,           -- running, succeeded, failed, interrupted
  started_at    timestamptz not null,
  ended_at      timestamptz,
  as_of         timestamptz,
  pid           integer,
  error_code    varchar,
  error_message varchar
);

create table run_steps (
  run_id        varchar not null,
  step          varchar not null,
  started_at    timestamptz not null,
  ended_at      timestamptz,
  status        varchar not null,           -- succeeded, failed, skipped
  rows_in       bigint,
  rows_out      bigint,
  error_code    varchar,
  error_message varchar
);

-- One row per file seen in an inbox (or pulled from a source), by content hash: a file with the same
-- content is never read twice. Invariant: rows_read = rows_loaded + rows_quarantined + rows_duplicate.
create table ingested_files (
  file_id          bigint,      -- also the ingestion order that breaks ties between versions
  run_id           varchar not null,
  source           varchar not null,        -- inbox, postgres, helpdesk
  file_name        varchar not null,
  entity           varchar,
  format           varchar,
  content_sha256   varchar not null,
  size_bytes       bigint,
  ingested_at      timestamptz not null,    -- wall-clock time: orders versions without updated_at
  status           varchar not null,        -- loaded, unreadable, unrecognized
  rows_read        bigint not null default 0,
  rows_loaded      bigint not null default 0,
  rows_quarantined bigint not null default 0,
  rows_duplicate   bigint not null default 0,
  error            varchar
);

-- Rows (or whole files, line_number null) that break the contract, with a reason a person can act on.
create table quarantine (
  file_id        bigint not null,
  run_id         varchar not null,
  file_name      varchar not null,
  entity         varchar,
  line_number    bigint,
  raw_record     varchar,
  reason         varchar not null,
  quarantined_at timestamptz not null
);

-- Incremental cursors of pulled sources, advanced in the transaction that commits their rows.
create table source_cursors (
  source       varchar,
  cursor_value varchar,
  updated_at   timestamptz not null,
  last_success_at timestamptz
);

-- Alerts already sent, so each flag is announced once.
create table sent_alerts (
  alert_key  varchar,
  run_id     varchar not null,
  sent_at    timestamptz not null,
  payload    varchar
);
