/**
 * Loads one batch fetched from a system of record (a CSV streamed out of PostgreSQL, JSON lines built
 * from helpdesk pages) through the inbox's readers and the shared loader, and records it in the
 * `ingested_files` ledger under its source, exactly as an inbox file would be: same validation, same
 * quarantine, same counts. Runs inside the caller's transaction, after everything was fetched.
 */
import fs from 'node:fs';
import type { Warehouse } from '../../core/warehouse.ts';
import type { EntityName } from '../../../models/entities.ts';
import { dropExtractTables, extractCsv, extractJsonl, markExtractedRecordsUnreadable } from '../inbox/extract.ts';
import { hashFile, type IngestedFileReport } from '../inbox/load.ts';
import { loadExtractedRows, settleKeyVersions, type BatchCounts } from '../load-extracted-rows.ts';
import { dropMappedExtract } from '../mapping/column-mapping.ts';

export interface PulledBatch {
  /** `postgres`, `helpdesk`: the ledger's source. */
  source: string;
  /** Shown in the ledger and the quarantine, e.g. `postgres:shop.orders@<run>`. */
  name: string;
  entity: EntityName;
  format: 'csv' | 'jsonl';
  /** The fetched file (removed by the caller). */
  file: string;
  /** Records in the file; an empty batch is reported but not recorded. */
  records: number;
  /** The source reads rows again by design (a cursor with look-back): a bad row quarantined before counts as a duplicate. */
  rereads?: boolean;
  /** Runs on `_extract` after reading and before loading (value maps of a table mapping). */
  transform?: (warehouse: Warehouse) => Promise<void>;
  /**
   * Records the fetcher already knows to be unreadable (by line of the file, from 1), with the reason
   * the quarantine gives: e.g. a ticket that does not fit the helpdesk's export schema.
   */
  recordProblems?: ReadonlyMap<number, string>;
}

const NO_ROWS: BatchCounts = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, rowsDuplicate: 0 };

export async function loadPulledBatch(warehouse: Warehouse, runId: string, batch: PulledBatch): Promise<IngestedFileReport> {
  if (batch.records === 0) return { fileName: batch.name, entity: batch.entity, status: 'skipped', ...NO_ROWS };
  const sha = await hashFile(batch.file);
  const size = fs.statSync(batch.file).size;
  const fileId = await warehouse.scalar('select coalesce(max(file_id), 0) + 1 from ingested_files');
  const ingestedAt = new Date();
  if (batch.format === 'csv') await extractCsv(warehouse, batch.file, batch.entity);
  else await extractJsonl(warehouse, batch.file, batch.entity);
  if (batch.recordProblems?.size) await markExtractedRecordsUnreadable(warehouse, batch.recordProblems);
  await batch.transform?.(warehouse);
  const counts = await loadExtractedRows(warehouse, {
    fileId,
    runId,
    fileName: batch.name,
    entity: batch.entity,
    ingestedAt,
    ...(batch.rereads ? { rereadingSource: batch.source } : {}),
  });
  await settleKeyVersions(warehouse, batch.entity);
  await dropMappedExtract(warehouse);
  await dropExtractTables(warehouse);
  await warehouse.run(
    `insert into ingested_files (file_id, run_id, source, file_name, entity, format, content_sha256, size_bytes, ingested_at, status,
       rows_read, rows_loaded, rows_quarantined, rows_duplicate, error)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, 'loaded', $10, $11, $12, $13, null)`,
    [
      fileId,
      runId,
      batch.source,
      batch.name,
      batch.entity,
      batch.format,
      sha,
      size,
      ingestedAt,
      counts.rowsRead,
      counts.rowsLoaded,
      counts.rowsQuarantined,
      counts.rowsDuplicate,
    ],
  );
  return { fileName: batch.name, entity: batch.entity, status: 'loaded', ...counts };
}
