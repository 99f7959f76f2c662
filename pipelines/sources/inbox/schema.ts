/**
 * The inbox's shape (CONTRACT §2): a folder of files whose name prefix names the entity and whose
 * extension names the format. Anything else in the folder is recorded as unrecognised, never guessed at.
 */
import path from 'node:path';
import { findEntityOfFileName, type EntityName } from '../../../models/entities.ts';
import { findInboxMapping, type ResolvedInboxMapping } from '../mapping/column-mapping.ts';

export const INBOX_FORMATS = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet', '.arrow': 'arrow' } as const;
export type InboxFormat = (typeof INBOX_FORMATS)[keyof typeof INBOX_FORMATS];

export interface InboxFile {
  path: string;
  name: string;
  entity: EntityName | undefined;
  format: InboxFormat | undefined;
  /** The config mapping whose pattern matches the name (a file in another system's shape). */
  mapping?: ResolvedInboxMapping;
}

/** A matching mapping decides the entity; otherwise the name's prefix does. */
export function describeInboxFile(filePath: string, mappings: readonly ResolvedInboxMapping[] = []): InboxFile {
  const name = path.basename(filePath);
  const extension = path.extname(name).toLowerCase() as keyof typeof INBOX_FORMATS;
  const mapping = findInboxMapping(name, mappings);
  if (mapping) return { path: filePath, name, entity: mapping.entity, format: INBOX_FORMATS[extension], mapping };
  return { path: filePath, name, entity: findEntityOfFileName(name), format: INBOX_FORMATS[extension] };
}

/** Why a file is not ingested, or undefined when it is an inbox file. */
export function explainUnrecognisedFile(file: InboxFile): string | undefined {
  if (!file.format) return `unknown format '${path.extname(file.name) || '(none)'}': use .csv, .jsonl, .ndjson, .parquet or .arrow`;
  if (!file.entity)
    return `file name does not start with an entity (orders, order_items, shipments, products, complaints, corrective_actions) followed by '-', '_' or '.'`;
  return undefined;
}
