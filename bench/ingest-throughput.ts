/**
 * Ingest throughput of one entity's files (issue 2's measure): a fresh warehouse, then, timed end to
 * end, one transaction that ingests the folder (hash, read, validate, append, settle the versions,
 * ledger) and commits. Prints one JSON line per repetition and the median.
 *
 *   node bin/run-ts.mjs bench/ingest-throughput.ts --inbox DIR [--runs 5]
 *
 * `npm run bench` prepares the S inputs: bench/data/S/{csv,parquet}/base/order_items-*.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig, writerOpenOptions } from '../pipelines/core/config.ts';
import { Warehouse } from '../pipelines/core/warehouse.ts';
import { ingestInbox } from '../pipelines/sources/inbox/load.ts';

const { values: args } = parseArgs({ options: { inbox: { type: 'string' }, runs: { type: 'string', default: '5' } } });
if (!args.inbox) throw new Error('usage: ingest-throughput.ts --inbox DIR [--runs N]');
const config = defaultConfig();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-ingest-'));
const seconds: number[] = [];
let rows = 0;
try {
  for (let run = 0; run < Number(args.runs); run++) {
    const databaseFile = path.join(work, `run-${run}.duckdb`);
    const warehouse = await Warehouse.open(databaseFile, writerOpenOptions(config));
    const started = performance.now();
    await warehouse.begin();
    await warehouse.compressForIngest(); // as a run does
    const reports = await ingestInbox(warehouse, { inboxDir: args.inbox, runId: `bench-${run}` });
    await warehouse.commit();
    const elapsed = (performance.now() - started) / 1000;
    await warehouse.close();
    fs.rmSync(databaseFile, { force: true });
    rows = reports.reduce((n, r) => n + r.rowsLoaded, 0);
    seconds.push(elapsed);
    console.log(JSON.stringify({ run: run + 1, rows, seconds: Number(elapsed.toFixed(3)), rowsPerSecond: Math.round(rows / elapsed) }));
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
const median = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)]!;
console.log(
  `median: ${rows} rows in ${median.toFixed(3)} s = ${Math.round(rows / median).toLocaleString('en')} rows/s (min ${Math.min(...seconds).toFixed(3)} s)`,
);
