/**
 * Ingests an inbox folder into a warehouse in one transaction, as a run does.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { ingestInbox, type IngestedFileReport } from '../../pipelines/sources/inbox/load.ts';

export async function ingestFolder(warehouse: Warehouse, inboxDir: string, runId = 'test-run'): Promise<IngestedFileReport[]> {
  await warehouse.begin();
  try {
    const reports = await ingestInbox(warehouse, { inboxDir, runId });
    await warehouse.commit();
    return reports;
  } catch (error) {
    await warehouse.rollback();
    throw error;
  }
}

/** Every row of a table as sorted JSON lines: a content fingerprint for before/after comparisons. */
export async function snapshotTable(warehouse: Warehouse, table: string, exclude: readonly string[] = []): Promise<string> {
  const rows = await warehouse.all(
    `select * exclude (${['_nothing_', ...exclude].join(', ')}) from "${table}"`.replace('exclude (_nothing_)', '').replace('_nothing_, ', ''),
  );
  return rows
    .map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
    .sort()
    .join('\n');
}
