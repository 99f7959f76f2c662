import fs from 'node:fs';
import path from 'node:path';
import { inputError, isRootloopError } from './errors.ts';

/** A DuckDB database file's magic, after its 8-byte checksum. */
const DUCKDB_MAGIC = Buffer.from('DUCK');
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0');

/**
 * Refuses a warehouse path that cannot be one, with the flag to fix (DuckDB and Node said "Is a
 * directory" or "EEXIST … mkdir" and named no option), and creates a missing parent folder. An
 * existing file must be a DuckDB database: DuckDB opens a CSV or Parquet file given as the database as
 * a read-only view in memory, so `--db marts/x.parquet` ran, loaded everything and kept nothing.
 */
export function prepareWarehousePath(file: string): void {
  const where = '(--db, or paths.db in the config)';
  try {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) throw inputError(`${file} is a folder, not a DuckDB warehouse file ${where}`);
    if (stat?.isFile() && stat.size > 0) {
      const head = readHead(file, SQLITE_MAGIC.length);
      if (head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) throw inputError(`${file} is a SQLite file, not a DuckDB warehouse ${where}`);
      if (!head.subarray(8, 12).equals(DUCKDB_MAGIC))
        throw inputError(`${file} is not a DuckDB warehouse file ${where}; point it at a new or an existing warehouse`);
    }
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (error) {
    if (isRootloopError(error)) throw error;
    throw inputError(`the folder of ${file} cannot be created ${where}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function readHead(file: string, bytes: number): Buffer {
  const head = Buffer.alloc(bytes);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, bytes, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head;
}
