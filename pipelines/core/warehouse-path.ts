import fs from 'node:fs';
import path from 'node:path';
import { inputError, isRootloopError } from './errors.ts';

/**
 * Refuses a warehouse path that cannot be one, with the flag to fix (DuckDB and Node said "Is a
 * directory" or "EEXIST … mkdir" and named no option), and creates a missing parent folder.
 */
export function prepareWarehousePath(file: string): void {
  const where = '(--db, or paths.db in the config)';
  try {
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw inputError(`${file} is a folder, not a DuckDB warehouse file ${where}`);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (error) {
    if (isRootloopError(error)) throw error;
    throw inputError(`the folder of ${file} cannot be created ${where}: ${(error as Error).message.split('\n')[0]}`);
  }
}
