/**
 * Ingest throughput of a folder of files (issue 2's measure: one entity's files): a fresh warehouse
 * (nothing stored before), then, timed end to end, one transaction that ingests the folder (hash, read,
 * validate, append, settle the versions, ledger) and commits. Prints one JSON line per repetition and
 * the median.
 *
 *   npm run bench:ingest -- --inbox DIR [--runs 5]
 *
 * `npm run bench` prepares the inputs; copy or link one entity's files into a folder of their own, e.g.
 * bench/data/S/parquet/base/order_items-*.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig, writerOpenOptions } from '../pipelines/core/config.ts';
import { Warehouse } from '../pipelines/core/warehouse.ts';
import { ingestInbox } from '../pipelines/sources/inbox/load.ts';

const { values: args } = parseArgs({ options: { inbox: { type: 'string' }, runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);
if (!args.inbox || !Number.isInteger(runs) || runs < 1) throw new Error('usage: ingest-throughput.ts --inbox DIR [--runs N ≥ 1]');
const config = defaultConfig();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-ingest-'));
const seconds: number[] = [];
let rows = 0;
try {
  for (let run = 0; run < runs; run++) {
    const databaseFile = path.join(work, `run-${run}.duckdb`);
    const warehouse = await Warehouse.open(databaseFile, writerOpenOptions(config));
    const started = performance.now();
    await warehouse.begin();
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
