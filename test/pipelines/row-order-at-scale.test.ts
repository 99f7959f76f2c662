/**
 * Two places rely on DuckDB keeping a relation's row order through a statement: the CSV fast path
 * numbers a clean file's lines from the row ids its records were appended under (clean-files.ts), and
 * the export writes each mart in key order from a sorted copy (export-marts.ts). DuckDB keeps that
 * order (preserve_insertion_order) only while the plan has no join; and it plans some innocent-looking
 * expressions as joins: `x in ('a', 'b', 'c', 'd', 'e')` with five or more constants becomes a mark
 * join, after which rows come out in the order the threads finish (measured: a 1 M-row export came
 * out with ~200 rows out of place). Small inputs run on one thread and hide it, so these cases use
 * inputs of several row groups and read buffers, which DuckDB processes in parallel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelDeclaration } from '../../pipelines/core/model-runner.ts';
import { exportMart } from '../../pipelines/run/export-marts.ts';
import { ingestFolder } from '../helpers/ingest.ts';
import { withTempDir, withWarehouse } from '../helpers/warehouse.ts';

/** Enough records for several of DuckDB's 32 MB CSV read buffers (and ~40 row groups). */
const RECORDS = 500_000;

describe('row order at scale', () => {
  /** A complaints CSV of RECORDS records, each naming its own first physical line; `badAt` gets an unknown channel. */
  function bigComplaintsCsv(badAt?: number): string {
    // Every 97th text spans two lines, so the numbering has to count line breaks inside quotes too.
    const lines = ['complaint_id,channel,opened_at,status,text,escalated'];
    let line = 2;
    for (let n = 0; n < RECORDS; n++) {
      const twoLines = n % 97 === 0;
      const text = twoLines ? `"box arrived crushed,\nsecond line of record ${n}"` : `box arrived crushed record ${n} with some padding text`;
      const channel = n === badAt ? 'fax' : n % 2 ? 'chat' : 'email';
      lines.push(`L${line},${channel},2026-11-0${1 + (n % 9)}T10:00:00+08:00,open,${text},${n % 3 ? 'no' : 'yes'}`);
      line += twoLines ? 2 : 1;
    }
    return `${lines.join('\n')}\n`;
  }

  /** Ingests one file and checks every loaded record sits on the line its id names. */
  async function expectLinesWhereRecordsAre(fileName: string, content: string, loaded: number, quarantinedLine?: number): Promise<void> {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      fs.mkdirSync(inbox);
      fs.writeFileSync(path.join(inbox, fileName), content);
      await withWarehouse(async (w) => {
        const [report] = await ingestFolder(w, inbox);
        expect(report).toMatchObject({ status: 'loaded', rowsRead: RECORDS, rowsLoaded: loaded });
        expect(await w.scalar(`select count(*) from raw_complaints where complaint_id <> 'L' || _line`)).toBe(0);
        if (quarantinedLine !== undefined)
          expect(await w.all(`select line_number, regexp_matches(raw_record, 'L' || line_number || '[,"]') as names_its_line from quarantine`)).toEqual([
            { line_number: quarantinedLine, names_its_line: true },
          ]);
      });
    });
  }

  it('numbers the lines of a big clean CSV (the fast path) by where each record really is', async () => {
    await expectLinesWhereRecordsAre('complaints-big.csv', bigComplaintsCsv(), RECORDS);
  });

  it('numbers the lines of a big CSV with a bad record (the text path) by where each record really is', async () => {
    // Record 400,000 (0-based) follows 4,124 two-line texts (records 0, 97, …, 399,931): line 404,126.
    await expectLinesWhereRecordsAre('complaints-big.csv', bigComplaintsCsv(400_000), RECORDS - 1, 404_126);
  });

  it('numbers the lines of a big JSONL file with a bad record by where each record really is', async () => {
    const lines: string[] = [];
    for (let n = 0; n < RECORDS; n++) {
      const record = {
        complaint_id: `L${n + 1}`,
        channel: n === 400_000 ? 'fax' : 'chat',
        opened_at: '2026-11-01T10:00:00+08:00',
        status: 'open',
        text: `crushed box ${n}`,
      };
      lines.push(JSON.stringify(record));
    }
    await expectLinesWhereRecordsAre('complaints-big.jsonl', `${lines.join('\n')}\n`, RECORDS - 1, 400_001);
  });

  it('exports a big mart in key order, whatever order its table holds the rows in', async () => {
    await withTempDir(async (dir) => {
      await withWarehouse(async (w) => {
        // Keys in a scrambled order; text values that start with a formula character, so the export's
        // guard rewrites some cells of every row group.
        await w.run(`
          create table big_mart as
          select 'K' || lpad(cast((i * 7919) % ${RECORDS} as varchar), 7, '0') as complaint_id,
            case when i % 5 = 0 then '=cell ' || i else 'cell ' || i end as note,
            i * 0.5 as amount
          from range(${RECORDS}) as t(i)`);
        const mart: ModelDeclaration = { name: 'big_mart', layer: 'marts', inputs: [], grain: 'one row per id', materialized: 'table', key: ['complaint_id'] };
        await exportMart(w, mart, dir);
        const disorder = await w.scalar(`
          select count(*) from (
            select complaint_id < lag(complaint_id) over (order by line) as out_of_place
            from (select complaint_id, row_number() over () as line from read_csv('${path.join(dir, 'big_mart.csv')}', all_varchar = true))
          ) where out_of_place`);
        expect(disorder).toBe(0);
        const parquetDisorder = await w.scalar(`
          select count(*) from (
            select complaint_id < lag(complaint_id) over (order by file_row_number) as out_of_place
            from read_parquet('${path.join(dir, 'big_mart.parquet')}', file_row_number = true)
          ) where out_of_place`);
        expect(parquetDisorder).toBe(0);
      });
    });
  });
});
