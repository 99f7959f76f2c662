/**
 * Every kind of contract-breaking row (CONTRACT §2 "Bad input") is quarantined with its file, physical
 * line, raw record and an actionable reason; nothing is lost: read = loaded + quarantined + duplicate.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFolder } from '../../../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../../helpers/warehouse.ts';

const COMPLAINT_HEADER = 'complaint_id,order_id,channel,opened_at,status,severity,cause_code,text,escalated,csat,reopened_count,compensation_amount';

describe('bad rows', () => {
  it('numbers physical lines past quoted fields spanning lines when every record parses', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {
        'complaints-1.csv': [
          COMPLAINT_HEADER,
          'K1,O1,chat,2026-11-02T10:00:00+08:00,open,,,"three\nline\ntext",,,,', // lines 2-4
          'K2,O1,fax,2026-11-02T10:00:00+08:00,open,,,bad channel,,,,', // 5
          'K3,O1,chat,2026-11-02T10:00:00+08:00,open,,,"two\r\nlines",,,,', // 6-7 (CRLF inside the field)
          'K4,O1,chat,2026-11-02T10:00:00+08:00,open,,,,,9,,', // 8: bad csat
          '',
        ].join('\n'),
      });
      await withWarehouse(async (w) => {
        const [report] = await ingestFolder(w, inbox);
        expect(report).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsQuarantined: 2, rowsDuplicate: 0 });
        expect(await w.all(`select line_number, raw_record from quarantine order by line_number`)).toEqual([
          { line_number: 5, raw_record: 'K2,O1,fax,2026-11-02T10:00:00+08:00,open,,,bad channel,,,,' },
          { line_number: 8, raw_record: 'K4,O1,chat,2026-11-02T10:00:00+08:00,open,,,,,9,,' },
        ]);
        expect(await w.all(`select complaint_id, _line from raw_complaints order by complaint_id`)).toEqual([
          { complaint_id: 'K1', _line: 2 },
          { complaint_id: 'K3', _line: 6 },
        ]);
      });
    });
  });

  it('numbers physical lines past blank lines between records, with bad and multi-line records around them', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const opened = '2026-11-10T10:00:00+08:00';
      writeFiles(inbox, {
        'complaints-1.csv': [
          'complaint_id,channel,opened_at,status,text',
          `A1,chat,${opened},open,"multi\nline\nfield"`, // 2-4
          `A2,chat,${opened},open`, // 5: too few fields
          `A3,bogus,${opened},open,hello`, // 6: bad channel
          '', // 7: blank
          `A4,chat,${opened},open,"x\r\ny"`, // 8-9
          `A5,bogus,${opened},open,"a ""quoted"" word"`, // 10
          `A6,chat,${opened},open,a,b`, // 11: too many fields
          '', // 12: blank
          '', // 13: blank
          `A7,chat,${opened},open,the 5" screen`, // 14: a quote inside a field is a character
          `A8,bogus,${opened},open,hello`, // 15
          '',
        ].join('\n'),
      });
      await withWarehouse(async (w) => {
        const [report] = await ingestFolder(w, inbox);
        expect(report).toMatchObject({ rowsRead: 8, rowsLoaded: 3, rowsQuarantined: 5 });
        expect((await w.all<{ line_number: number }>(`select line_number from quarantine order by line_number`)).map((r) => r.line_number)).toEqual([
          5, 6, 10, 11, 15,
        ]);
        expect(await w.all(`select complaint_id, _line from raw_complaints order by complaint_id`)).toEqual([
          { complaint_id: 'A1', _line: 2 },
          { complaint_id: 'A4', _line: 8 },
          { complaint_id: 'A7', _line: 14 },
        ]);
      });
    });
  });

  it('trims ASCII and Unicode spaces around values (an all-space required value is missing); tabs and line breaks around typed values, not text', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const header = 'shipment_id,order_id,carrier,shipped_at,promised_at,delivered_at,status,origin_region,dest_region';
      writeFiles(inbox, {
        'shipments-1.csv': [
          header,
          ' S1 ,O1\u3000,\u00a0Heron, 2026-11-01T10:00:00+08:00 ,2026-11-04T10:00:00+08:00,, In_Transit ,\u3000广东\u3000,江苏 ', // 2
          'S2,O2,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,\t浙江,x', // 3: the tab is kept
          'S3,O3,  ,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,,', // 4: carrier only spaces
          'S4,O4,\u3000,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,,', // 5: carrier an ideographic space
          'S5,O5,Heron,\t2026-11-01T10:00:00+08:00,"2026-11-04T10:00:00+08:00\r",,"\tdelivered\n",,', // 6-7: tabs and line breaks around typed values go
          'S6,O6,Heron,2026-11-01t02:00:00z,2026-11-04 10:00:00,,in_transit,,', // 8: RFC 3339 lower-case t and z
          '',
        ].join('\n'),
      });
      await withWarehouse(async (w) => {
        const [report] = await ingestFolder(w, inbox);
        expect(report).toMatchObject({ rowsRead: 6, rowsLoaded: 4, rowsQuarantined: 2 });
        expect(
          await w.all(
            `select shipment_id, order_id, carrier, epoch(shipped_at) as shipped, status, origin_region, dest_region from raw_shipments order by shipment_id`,
          ),
        ).toEqual([
          { shipment_id: 'S1', order_id: 'O1', carrier: 'Heron', shipped: 1793498400, status: 'in_transit', origin_region: '广东', dest_region: '江苏' },
          { shipment_id: 'S2', order_id: 'O2', carrier: 'Heron', shipped: 1793498400, status: 'in_transit', origin_region: '\t浙江', dest_region: 'x' },
          { shipment_id: 'S5', order_id: 'O5', carrier: 'Heron', shipped: 1793498400, status: 'delivered', origin_region: null, dest_region: null },
          { shipment_id: 'S6', order_id: 'O6', carrier: 'Heron', shipped: 1793498400, status: 'in_transit', origin_region: null, dest_region: null },
        ]);
        expect(await w.all(`select line_number, reason from quarantine order by line_number`)).toEqual([
          { line_number: 4, reason: 'missing carrier' },
          { line_number: 5, reason: 'missing carrier' },
        ]);
      });
    });
  });

  it('quarantines each kind of bad CSV row with its physical line and a reason', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {
        'complaints-1.csv': [
          COMPLAINT_HEADER,
          'K1,O1,chat,2026-11-02T10:00:00+08:00,open,general,,"multi-line\ntext, with a comma",no,5,0,0', // lines 2-3: good
          'K2,O1,fax,2026-11-02T10:00:00+08:00,open,,,bad channel,,,,', // 4
          'K3,O1,chat,yesterday,open,,,bad time,,,,', // 5
          ',O1,chat,2026-11-02T10:00:00+08:00,open,,,no key,,,,', // 6
          'K4,O1,chat,2026-11-02T10:00:00+08:00,open,,late|teleport,unknown cause,,,,', // 7
          'K5,O1,chat,2026-11-02T10:00:00+08:00,open,,,bad csat,,7,,', // 8
          'K6,O1,chat,2026-11-02T10:00:00+08:00,open,,,bad boolean,maybe,,,', // 9
          'K7,O1,chat,2026-11-02T10:00:00+08:00,open,,,too many,,,,,extra', // 10
          'K8,O1,chat,2026-11-02T10:00:00+08:00', // 11: too few
          'K9,O1,chat,2026-11-02T10:00:00+08:00,open,urgent,,bad severity,,,-1,abc', // 12: three reasons
          'K1,O1,chat,2026-11-02T10:00:00+08:00,open,general,,"multi-line\ntext, with a comma",no,5,0,0', // 13-14: exact duplicate of K1
          'K10,,Social,2026-11-03 09:15,IN_PROGRESS,crisis,Transit_Damage,good,1,1,2,3.5', // 15: good
          '',
        ].join('\n'),
        'order_items-1.jsonl': [
          '{"order_id":"O1","line_no":1,"sku":"A","quantity":1,"unit_price":9.9}',
          '{"order_id":"O1","line_no":2,"sku":"B","quantity":0,"unit_price":9.9}',
          'not json at all',
          '',
          '[1,2,3]',
          '{"order_id":"O1","line_no":"x","sku":"C","quantity":-2,"unit_price":"free"}',
          '{"order_id":"O1","line_no":3,"sku":"C","quantity":3,"unit_price":1}',
          '{"order_id":"O1","line_no":4,"sku":"D","quantity":1,"quantity":2,"unit_price":1,"sku":"E"}',
          '{"order_id":["O1","O2"],"line_no":5,"sku":{"code":"F"},"quantity":1,"unit_price":1,"note":[1]}',
        ].join('\n'),
      });
      await withWarehouse(async (w) => {
        const reports = await ingestFolder(w, inbox);
        const complaints = reports.find((r) => r.fileName === 'complaints-1.csv')!;
        expect(complaints).toMatchObject({ rowsRead: 12, rowsLoaded: 2, rowsQuarantined: 9, rowsDuplicate: 1 });
        const items = reports.find((r) => r.fileName === 'order_items-1.jsonl')!;
        expect(items).toMatchObject({ rowsRead: 8, rowsLoaded: 2, rowsQuarantined: 6, rowsDuplicate: 0 });
        for (const r of reports) expect(r.rowsRead).toBe(r.rowsLoaded + r.rowsQuarantined + r.rowsDuplicate);

        const quarantined = await w.all<{ file_name: string; line_number: number; reason: string; raw_record: string }>(
          `select file_name, line_number, reason, raw_record from quarantine order by file_name, line_number`,
        );
        const byLine = (file: string, line: number) => quarantined.find((q) => q.file_name === file && q.line_number === line)?.reason;
        expect(byLine('complaints-1.csv', 4)).toBe("channel 'fax' is not one of chat, hotline, app, email, social, other");
        expect(byLine('complaints-1.csv', 5)).toBe("opened_at 'yesterday' is not an ISO 8601 timestamp (e.g. 2026-11-20T14:30:00+08:00)");
        expect(byLine('complaints-1.csv', 6)).toBe('missing complaint_id (part of the key)');
        expect(byLine('complaints-1.csv', 7)).toMatch(/^cause_code 'late\|teleport' is not one of transit_damage, delivery_delay/);
        expect(byLine('complaints-1.csv', 8)).toBe("csat '7' must be at most 5");
        expect(byLine('complaints-1.csv', 9)).toBe("escalated 'maybe' is not a boolean (use true/false, 1/0 or yes/no)");
        expect(byLine('complaints-1.csv', 10)).toMatch(/^wrong number of fields: expected number of columns: 12 found: 13/);
        expect(byLine('complaints-1.csv', 11)).toMatch(/^wrong number of fields/);
        expect(byLine('complaints-1.csv', 12)).toBe(
          "severity 'urgent' is not one of general, important, major, crisis; reopened_count '-1' must be at least 0; compensation_amount 'abc' is not a number",
        );
        expect(quarantined.find((q) => q.line_number === 4)!.raw_record).toBe('K2,O1,fax,2026-11-02T10:00:00+08:00,open,,,bad channel,,,,');

        expect(byLine('order_items-1.jsonl', 2)).toBe("quantity '0' must be greater than 0");
        expect(byLine('order_items-1.jsonl', 3)).toBe('line is not valid JSON');
        expect(byLine('order_items-1.jsonl', 5)).toBe('line is a JSON array, not an object');
        expect(byLine('order_items-1.jsonl', 6)).toBe(
          "line_no 'x' is not a whole number; quantity '-2' must be greater than 0; unit_price 'free' is not a number",
        );
        expect(byLine('order_items-1.jsonl', 8)).toBe('line gives quantity, sku more than once');
        // an extra key outside the contract ("note") may hold anything
        expect(byLine('order_items-1.jsonl', 9)).toBe('order_id, sku: a JSON array or object where one value belongs');

        const good = await w.one<Record<string, unknown>>(
          `select channel, status, cause_code, escalated, epoch(opened_at) as opened from raw_complaints where complaint_id = 'K10'`,
        );
        expect(good).toMatchObject({
          channel: 'social',
          status: 'in_progress',
          cause_code: 'transit_damage',
          escalated: true,
          opened: Date.parse('2026-11-03T01:15:00Z') / 1000,
        });
        expect(await w.scalar(`select _line from raw_complaints where complaint_id = 'K1'`)).toBe(2);
        expect(await w.scalar(`select _line from raw_complaints where complaint_id = 'K10'`)).toBe(15);
      });
    });
  });

  it('matches header names and JSON keys case-insensitively (CSV, Parquet, JSONL); the same name twice is refused whole', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {
        'complaints-1.csv':
          'Complaint_ID,Channel,Opened_At,Status,Severity,Text,Updated_At\nK1,chat,2026-11-02T10:00:00+08:00,open,major,x,2026-11-02T11:00:00+08:00\n',
        'complaints-3.csv': 'complaint_id,channel,opened_at,status,text,Text\nK3,chat,2026-11-02T10:00:00+08:00,open,x,y\n',
        'complaints-4.jsonl':
          '{"Complaint_ID":"K4","channel":"email","Opened_At":"2026-11-02T10:00:00+08:00","status":"open","SEVERITY":"important","text":"z"}\n',
      });
      await withWarehouse(async (w) => {
        await w.run(
          `copy (select 'K2' as Complaint_Id, 'app' as CHANNEL, timestamptz '2026-11-02 10:00:00+08' as opened_at, 'open' as status, 'crisis' as Severity, 'y' as text)
           to '${path.join(inbox, 'complaints-2.parquet')}' (format parquet)`,
        );
        const reports = await ingestFolder(w, inbox);
        expect(reports.map((r) => [r.fileName, r.status, r.rowsLoaded])).toEqual([
          ['complaints-1.csv', 'loaded', 1],
          ['complaints-2.parquet', 'loaded', 1],
          ['complaints-3.csv', 'unreadable', 0],
          ['complaints-4.jsonl', 'loaded', 1],
        ]);
        expect(reports[2]!.error).toBe("header names column 'text' twice");
        expect(await w.all(`select complaint_id, channel, severity, epoch(updated_at) as updated from raw_complaints order by complaint_id`)).toEqual([
          { complaint_id: 'K1', channel: 'chat', severity: 'major', updated: Date.parse('2026-11-02T03:00:00Z') / 1000 },
          { complaint_id: 'K2', channel: 'app', severity: 'crisis', updated: null },
          { complaint_id: 'K4', channel: 'email', severity: 'important', updated: null },
        ]);
      });
    });
  });

  it('counts an exact duplicate in a Parquet file once, as in CSV', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {});
      await withWarehouse(async (w) => {
        await w.run(
          `copy (select * from (values ('O1', 1, 'A', 1, 9.9), ('O1', 1, 'A', 1, 9.9), ('O1', 2, 'B', 1, 9.9)) t(order_id, line_no, sku, quantity, unit_price))
           to '${path.join(inbox, 'order_items-1.parquet')}' (format parquet)`,
        );
        const [report] = await ingestFolder(w, inbox);
        expect(report).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsQuarantined: 0, rowsDuplicate: 1 });
      });
    });
  });

  it('quarantines a whole unreadable file and still loads the others', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const gbk = Buffer.from([0x63, 0x6f, 0x6d, 0x70, 0x6c, 0x61, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x64, 0x0a, 0xc6, 0xc6, 0xcb, 0xf0, 0x0a]); // "complaint_id\n破损" in GBK
      writeFiles(inbox, {
        'complaints-garbage.csv': Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]),
        'complaints-gbk.csv': gbk,
        'orders-noheader.csv': 'O1,C1,2026-11-02T10:00:00+08:00,10\n',
        'orders-empty.csv': '',
        'products-1.csv': 'sku,title,category\nA,Alpha,toys\n',
        // the entity prefix is matched case-insensitively, like extensions and headers
        'Products_2026-11-20.CSV': 'sku,title,category\nB,Beta,toys\n',
        'notes.txt': 'not an inbox file',
        'returns-1.csv': 'return_id\nR1\n',
      });
      await withWarehouse(async (w) => {
        const reports = await ingestFolder(w, inbox);
        const status = Object.fromEntries(reports.map((r) => [r.fileName, r.status]));
        expect(status).toEqual({
          'complaints-garbage.csv': 'unreadable',
          'complaints-gbk.csv': 'unreadable',
          'notes.txt': 'unrecognized',
          'orders-empty.csv': 'unreadable',
          'orders-noheader.csv': 'unreadable',
          'products-1.csv': 'loaded',
          'Products_2026-11-20.CSV': 'loaded',
          'returns-1.csv': 'unrecognized',
        });
        expect(reports.find((r) => r.fileName === 'complaints-gbk.csv')!.error).toMatch(/not UTF-8 encoded/);
        expect(reports.find((r) => r.fileName === 'complaints-garbage.csv')!.error).toMatch(/binary/);
        expect(reports.find((r) => r.fileName === 'orders-noheader.csv')!.error).toMatch(
          /no usable header: required column\(s\) order_id, customer_id, ordered_at, total_amount missing/,
        );
        expect(await w.scalar(`select count(*) from quarantine where line_number is null and reason like 'whole file:%'`)).toBe(4);
        expect(await w.scalar(`select count(*) from raw_products`)).toBe(2);
      });
    });
  });
});
