/**
 * Ingests everything new in an inbox folder: files in name order, each identified by its content hash
 * (a file already ingested is skipped), loaded in one pass when clean (`clean-files.ts`) or else read
 * by `extract.ts` and validated by the shared loader, and recorded in the file ledger. A file that
 * cannot be read at all is quarantined whole; the others still load. All of it runs inside the
 * caller's transaction.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { InboxMappingConfig } from '../../core/config.ts';
import { inputError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { resolveInboxMappings, type ResolvedInboxMapping } from '../mapping/column-mapping.ts';
import { ENTITY_NAMES } from '../../../models/entities.ts';
import {
  forgetAppendedRows,
  forgetRunBatches,
  loadExtractedRows,
  runKeyStats,
  settleKeyVersions,
  type BatchCounts,
  type BatchIdentity,
} from '../load-extracted-rows.ts';
import { batchesWithIdenticalRecords, loadCleanCsv, loadCleanParquet } from './clean-files.ts';
import { dropExtractTables, extractInboxFile, UnreadableFileError } from './extract.ts';
import { describeInboxFile, explainUnrecognisedFile, type InboxFile } from './schema.ts';

export interface IngestedFileReport extends BatchCounts {
  fileName: string;
  entity: string | undefined;
  status: 'loaded' | 'unreadable' | 'unrecognized' | 'skipped';
  error?: string;
}

/** A DuckDB error while reading a file aborts the transaction; the run retries without that file. */
export class FileReadFailure extends Error {
  constructor(
    readonly contentSha256: string,
    readonly fileName: string,
    readonly reason: string,
  ) {
    super(`${fileName}: ${reason}`);
  }
}

export interface IngestInboxOptions {
  inboxDir: string;
  runId: string;
  /** Files (by content hash) found unreadable by an earlier attempt of this run, with the reason. */
  unreadable?: ReadonlyMap<string, string>;
  /** Config `inboxMappings`: files in other systems' shapes, mapped to an entity. */
  mappings?: readonly InboxMappingConfig[];
  onFile?: (report: IngestedFileReport) => void;
  /** Hears each new file before it is read (progress, logs). */
  onFileStart?: (fileName: string, sizeBytes: number) => void;
}

/** What one pass over a file's bytes tells: its identity and how many physical lines it has. */
export interface FileFacts {
  sha256: string;
  /** Lines as a text editor counts them (a last line without a line break counts too). */
  physicalLines: number;
  /** Some line breaks are CRLF and some a bare LF (a line appended to a file exported on Windows). */
  mixedLineEndings: boolean;
}

/**
 * Hashes a file and counts its line breaks in the same pass: comparing the line count with the
 * records read tells whether any quoted field spans lines, without scanning every field in SQL.
 */
export async function readFileFacts(file: string): Promise<FileFacts> {
  const hash = createHash('sha256');
  let lineBreaks = 0;
  let crlfBreaks = 0;
  let lastByte = -1;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 22 })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) {
      lineBreaks++;
      if ((at > 0 ? bytes[at - 1] : lastByte) === 13) crlfBreaks++;
    }
    if (bytes.length) lastByte = bytes[bytes.length - 1]!;
  }
  return {
    sha256: hash.digest('hex'),
    physicalLines: lineBreaks + (lastByte !== -1 && lastByte !== 10 ? 1 : 0),
    mixedLineEndings: crlfBreaks > 0 && crlfBreaks < lineBreaks,
  };
}

/**
 * Whether the records of a CSV file end both in CRLF and in bare LF, line breaks inside quoted fields
 * not counted: a file with LF records and a quoted text pasted from Windows (CRLF inside the quotes)
 * reads fine as it is and keeps that text as written. Run only when readFileFacts saw both endings.
 */
export async function csvRecordEndingsAreMixed(file: string): Promise<boolean> {
  let quoted = false;
  let previous = -1;
  let crlf = 0;
  let lf = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 22 })) {
    for (const byte of chunk as Buffer) {
      if (byte === 34)
        quoted = !quoted; // a doubled quote inside a field toggles twice
      else if (byte === 10 && !quoted) {
        if (previous === 13) crlf++;
        else lf++;
        if (crlf && lf) return true;
      }
      previous = byte;
    }
  }
  return false;
}

/**
 * A copy of a file with every CRLF turned into LF: the same lines, so the same line numbers. DuckDB's
 * strict CSV reader takes the line ending of the first line for the whole file and stops ("the CSV
 * Parser state machine reached an invalid state") at the first line ending the other way; the file
 * was quarantined whole, though every byte of it was readable. A CRLF inside a quoted field becomes LF.
 */
export async function copyWithLfLineEndings(source: string, target: string): Promise<void> {
  const out = fs.createWriteStream(target);
  let heldCr = false;
  for await (const chunk of fs.createReadStream(source, { highWaterMark: 1 << 22 })) {
    let bytes = chunk as Buffer;
    if (heldCr) bytes = Buffer.concat([Buffer.from([13]), bytes]);
    // A CR at the end of a chunk waits for the next one: it may be the first half of a CRLF.
    heldCr = bytes.length > 0 && bytes[bytes.length - 1] === 13;
    if (heldCr) bytes = bytes.subarray(0, bytes.length - 1);
    const parts: Buffer[] = [];
    let start = 0;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) {
      if (at > 0 && bytes[at - 1] === 13) {
        parts.push(bytes.subarray(start, at - 1));
        start = at;
      }
    }
    parts.push(bytes.subarray(start));
    if (!out.write(Buffer.concat(parts))) await once(out, 'drain');
  }
  if (heldCr) out.write(Buffer.from([13]));
  out.end();
  await finished(out);
}

export async function hashFile(file: string): Promise<string> {
  return (await readFileFacts(file)).sha256;
}

/**
 * A missing inbox folder must not pass for an empty one: a mistyped path, or a mount that went away
 * under the scheduler, would "succeed" with nothing new and republish stale numbers as current. Runs
 * that pull from systems of record may have no inbox at all.
 */
export function assertInboxFolder(inboxDir: string, pullsSources: boolean): void {
  const stat = fs.statSync(inboxDir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw inputError(`inbox ${inboxDir} is a file, not a folder (--inbox, or paths.inbox in the config)`);
  if (!stat && !pullsSources)
    throw inputError(`inbox folder ${inboxDir} does not exist (--inbox, or paths.inbox in the config); create it, even empty, to run without files`);
}

export function listInboxFiles(inboxDir: string, mappings: readonly ResolvedInboxMapping[] = []): InboxFile[] {
  if (!fs.existsSync(inboxDir)) return [];
  return (
    fs
      .readdirSync(inboxDir, { withFileTypes: true })
      // Symbolic links count when they point at a file (inboxes are often assembled from links).
      .filter(
        (entry) =>
          !entry.name.startsWith('.') &&
          (entry.isFile() || (entry.isSymbolicLink() && fs.statSync(path.join(inboxDir, entry.name), { throwIfNoEntry: false })?.isFile() === true)),
      )
      .map((entry) => entry.name)
      .sort()
      .map((name) => describeInboxFile(path.join(inboxDir, name), mappings))
  );
}

const NO_ROWS: BatchCounts = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, rowsDuplicate: 0 };

/** Files of one kind the ledger has seen: by stat (unchanged, not re-hashed) and by content. */
interface SeenFiles {
  stats: Set<string>;
  contents: Set<string>;
  contentKeyOf(fileName: string, sha256: string): string;
}

/**
 * A file's identity without reading it: name, size, modification time and inode change time. Tools
 * that copy or restore files can set the modification time back (cp -p, rsync -t), but every write
 * sets the change time, so content rewritten in place never matches an old key.
 */
function statKeyOf(fileName: string, stat: { size: bigint | number | string; mtimeNs: bigint | number | string; ctimeNs: bigint | number | string }): string {
  return `${fileName}\0${stat.size}\0${stat.mtimeNs}\0${stat.ctimeNs}`;
}

/**
 * What the ledger says about the files seen before. Content that was loaded or found unreadable counts
 * as ingested under any name (CONTRACT §2: same content hash, skipped). An unrecognised file counts as
 * seen only under its own name: renamed (complaint-x.csv to complaints-x.csv), or once a mapping in the
 * config covers it, the same content must load.
 */
async function readSeenFiles(warehouse: Warehouse): Promise<{ ingested: SeenFiles; unrecognised: SeenFiles }> {
  const rows = await warehouse.all<{
    file_name: string;
    content_sha256: string;
    unrecognised: boolean;
    size_bytes: number;
    modified_ns: string | number | null;
    changed_ns: string | number | null;
  }>(
    `select distinct file_name, content_sha256, status = 'unrecognized' as unrecognised, size_bytes, modified_ns, changed_ns
     from ingested_files where source = 'inbox' and status in ('loaded', 'unreadable', 'unrecognized')`,
  );
  const seenOf = (unrecognised: boolean, contentKeyOf: SeenFiles['contentKeyOf']): SeenFiles => {
    const own = rows.filter((r) => r.unrecognised === unrecognised);
    return {
      stats: new Set(
        own
          .filter((r) => r.modified_ns !== null && r.changed_ns !== null)
          .map((r) => statKeyOf(r.file_name, { size: r.size_bytes, mtimeNs: r.modified_ns!, ctimeNs: r.changed_ns! })),
      ),
      contents: new Set(own.map((r) => contentKeyOf(r.file_name, r.content_sha256))),
      contentKeyOf,
    };
  };
  return {
    ingested: seenOf(false, (_name, sha) => sha),
    unrecognised: seenOf(true, (name, sha) => `${name}\0${sha}`),
  };
}

export async function ingestInbox(warehouse: Warehouse, options: IngestInboxOptions): Promise<IngestedFileReport[]> {
  const scratch = new ScratchFolder();
  try {
    return await ingestInboxFiles(warehouse, options, scratch);
  } finally {
    scratch.remove();
  }
}

/** A temp folder made on first use, for copies of files read in another shape; removed at the end. */
class ScratchFolder {
  private dir: string | undefined;
  file(name: string): string {
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-inbox-'));
    return path.join(this.dir, name);
  }
  remove(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function ingestInboxFiles(warehouse: Warehouse, options: IngestInboxOptions, scratch: ScratchFolder): Promise<IngestedFileReport[]> {
  const reports: IngestedFileReport[] = [];
  const report = (r: IngestedFileReport) => {
    reports.push(r);
    options.onFile?.(r);
  };
  const seen = await readSeenFiles(warehouse);
  // Files the one-pass path took: checked for identical records once all are in.
  const fastLoaded: FastLoadedFile[] = [];
  let nextFileId = await warehouse.scalar('select coalesce(max(file_id), 0) + 1 from ingested_files');
  const files = listInboxFiles(options.inboxDir, resolveInboxMappings(options.mappings ?? [])).map((file) => {
    const stat = fs.statSync(file.path, { bigint: true });
    // undefined when the name gives an entity and a format; else why not ('' if the schema says nothing)
    const unrecognised = explainUnrecognisedFile(file) ?? (file.entity === undefined || file.format === undefined ? '' : undefined);
    const known = unrecognised === undefined ? seen.ingested : seen.unrecognised;
    return { file, stat, unrecognised, known, unchanged: known.stats.has(statKeyOf(file.name, stat)) };
  });
  // The next new file is hashed while DuckDB loads the current one (its threads leave the event loop
  // free): hashing a 10 M-line inbox alone takes ~5 s here. At most one file is read ahead.
  const toHash = files.filter((f) => !f.unchanged).map((f) => f.file.path);
  let readAhead: { path: string; facts: Promise<FileFacts> } | undefined;
  const startFacts = (file: string) => {
    const facts = readFileFacts(file);
    facts.catch(() => {}); // a failure surfaces where the facts are awaited, not as an unhandled rejection
    return facts;
  };
  const factsOf = (file: string): Promise<FileFacts> => {
    const own = readAhead?.path === file ? readAhead.facts : startFacts(file);
    const next = toHash[toHash.indexOf(file) + 1];
    readAhead = next ? { path: next, facts: startFacts(next) } : undefined;
    return own;
  };
  for (const { file, stat, unrecognised, known, unchanged } of files) {
    if (unchanged) {
      report({ fileName: file.name, entity: file.entity, status: 'skipped', ...NO_ROWS });
      continue;
    }
    const facts = await factsOf(file.path);
    const sha = facts.sha256;
    if (known.contents.has(known.contentKeyOf(file.name, sha))) {
      report({ fileName: file.name, entity: file.entity, status: 'skipped', ...NO_ROWS });
      continue;
    }
    known.contents.add(known.contentKeyOf(file.name, sha));
    const fileId = nextFileId++;
    const ingestedAt = new Date();
    const ledger = async (status: IngestedFileReport['status'], counts: BatchCounts, error?: string) => {
      await warehouse.run(
        `insert into ingested_files (file_id, run_id, source, file_name, entity, format, content_sha256, size_bytes, ingested_at, status,
           rows_read, rows_loaded, rows_quarantined, rows_duplicate, error, modified_ns, changed_ns)
         values ($1, $2, 'inbox', $3, $4, $5, $6, $7, $8::timestamptz, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          fileId,
          options.runId,
          file.name,
          file.entity ?? null,
          file.format ?? null,
          sha,
          Number(stat.size),
          ingestedAt,
          status,
          counts.rowsRead,
          counts.rowsLoaded,
          counts.rowsQuarantined,
          counts.rowsDuplicate,
          error ?? null,
          stat.mtimeNs,
          stat.ctimeNs,
        ],
      );
      const fileReport: IngestedFileReport = { fileName: file.name, entity: file.entity, status, ...counts, ...(error ? { error } : {}) };
      report(fileReport);
      return fileReport;
    };
    const quarantineWhole = async (reason: string) => {
      await warehouse.run(
        `insert into quarantine (file_id, run_id, file_name, entity, line_number, raw_record, reason, quarantined_at)
         values ($1, $2, $3, $4, null, null, $5, $6::timestamptz)`,
        [fileId, options.runId, file.name, file.entity ?? null, `whole file: ${reason}`, ingestedAt],
      );
      await ledger('unreadable', NO_ROWS, reason);
    };

    if (unrecognised !== undefined || !file.entity || !file.format) {
      await ledger('unrecognized', NO_ROWS, unrecognised || undefined);
      continue;
    }
    const knownFailure = options.unreadable?.get(sha);
    if (knownFailure) {
      await quarantineWhole(knownFailure);
      continue;
    }
    options.onFileStart?.(file.name, Number(stat.size));
    const batch = { fileId, runId: options.runId, fileName: file.name, entity: file.entity, ingestedAt };
    let readPath = file.path;
    if (file.format === 'csv' && facts.mixedLineEndings && (await csvRecordEndingsAreMixed(file.path))) {
      readPath = scratch.file(`${fileId}.csv`);
      await copyWithLfLineEndings(file.path, readPath);
    }
    let counts: BatchCounts | undefined;
    try {
      // Clean contract-shaped CSV and Parquet load in one pass; anything else (or any doubt) takes the
      // text path.
      if (file.format === 'csv' && !file.mapping) counts = await loadCleanCsv(warehouse, readPath, file.entity, facts.physicalLines, batch);
      if (file.format === 'parquet' && !file.mapping) counts = await loadCleanParquet(warehouse, readPath, file.entity, batch);
      if (!counts) await extractInboxFile(warehouse, readPath, file.entity, file.format, file.mapping, facts.physicalLines);
    } catch (error) {
      if (error instanceof UnreadableFileError) {
        await quarantineWhole(error.message);
        continue;
      }
      throw new FileReadFailure(sha, file.name, `cannot be read: ${(error as Error).message.split('\n')[0]}`);
    }
    const fast = counts !== undefined;
    if (!counts) counts = await loadTextPath(warehouse, batch);
    const fileReport = await ledger('loaded', counts);
    if (fast) fastLoaded.push({ file: { ...file, path: readPath }, facts, batch, report: fileReport });
  }

  // One settle per entity for all of the run's files: versions across files settle in one pass. The
  // count of the run's keys it starts from also tells whether a fast-path file can hold two identical
  // records (they share their key): only then are the files looked at.
  for (const entity of ENTITY_NAMES) {
    const stats = await runKeyStats(warehouse, entity);
    if (!stats) continue;
    const candidates = fastLoaded.filter((f) => f.batch.entity === entity);
    const reread = stats.rows !== stats.distinctKeys && (await rereadFilesWithIdenticalRecords(warehouse, candidates, options.onFile)) > 0;
    await settleKeyVersions(warehouse, entity, reread ? undefined : stats);
  }
  await forgetRunBatches(warehouse);
  return reports;
}

interface FastLoadedFile {
  file: InboxFile;
  facts: FileFacts;
  batch: BatchIdentity;
  report: IngestedFileReport;
}

/**
 * Sends the fast-path files (of one entity) that hold two identical records down the text path, which
 * counts the repeats as exact duplicates; corrects their ledger rows and reports. Returns how many.
 */
async function rereadFilesWithIdenticalRecords(
  warehouse: Warehouse,
  candidates: readonly FastLoadedFile[],
  onFile: ((report: IngestedFileReport) => void) | undefined,
): Promise<number> {
  if (!candidates.length) return 0;
  const entity = candidates[0]!.batch.entity;
  const reread = await batchesWithIdenticalRecords(
    warehouse,
    entity,
    candidates.map((f) => f.batch.fileId),
  );
  for (const { file, facts, batch, report } of candidates.filter((f) => reread.includes(f.batch.fileId))) {
    await forgetAppendedRows(warehouse, batch);
    try {
      await extractInboxFile(warehouse, file.path, entity, file.format!, file.mapping, facts.physicalLines);
    } catch (error) {
      // It was read once already; should the text reader fail, the run retries without the file.
      throw new FileReadFailure(facts.sha256, file.name, `cannot be read: ${(error as Error).message.split('\n')[0]}`);
    }
    const counts = await loadTextPath(warehouse, batch);
    await warehouse.run(`update ingested_files set rows_loaded = $2, rows_quarantined = $3, rows_duplicate = $4 where file_id = $1`, [
      batch.fileId,
      counts.rowsLoaded,
      counts.rowsQuarantined,
      counts.rowsDuplicate,
    ]);
    Object.assign(report, counts);
    onFile?.(report);
  }
  return reread.length;
}

/** Validates and appends the rows `extractInboxFile` left in `_extract`. */
async function loadTextPath(warehouse: Warehouse, batch: BatchIdentity): Promise<BatchCounts> {
  const counts = await loadExtractedRows(warehouse, batch);
  await dropExtractTables(warehouse);
  return counts;
}
