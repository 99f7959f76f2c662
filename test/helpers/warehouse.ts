/**
 * Test helpers for the warehouse: a fresh in-memory DuckDB with migrations and macros per test, and
 * temporary folders that clean themselves up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Warehouse } from '../../pipelines/core/warehouse.ts';

export async function withWarehouse<T>(work: (warehouse: Warehouse) => Promise<T>, timezone = 'Asia/Shanghai'): Promise<T> {
  const warehouse = await Warehouse.open(':memory:', { timezone });
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

/** A temporary folder removed after `work`, kept when ROOTLOOP_KEEP_TMP is set (debugging). */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-test-'));
  try {
    return await work(dir);
  } finally {
    if (!process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes files (name → content) into a folder, creating it. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
}
