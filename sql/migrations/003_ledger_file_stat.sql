-- The file's last-modification time (nanoseconds since the epoch) as the inbox saw it. An inbox file
-- whose name, size and modification time match a ledger row was ingested before (or skipped): the
-- scheduled refresh then need not re-hash gigabytes of old files to learn they are unchanged.
-- Null for batches pulled from a source and for rows written before this column existed.
alter table ingested_files add column modified_ns bigint;
