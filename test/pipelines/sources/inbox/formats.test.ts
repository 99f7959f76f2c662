/**
 * Each of the six entities loads from each inbox format (CSV, JSONL, Parquet, Arrow IPC) with the same
 * typed result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tableFromJSON, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ENTITY_NAMES, type EntityName } from '../../../../models/entities.ts';
import { ingestFolder } from '../../../helpers/ingest.ts';
import { withTempDir, withWarehouse } from '../../../helpers/warehouse.ts';

const SAMPLE: Record<EntityName, Record<string, string>[]> = {
  orders: [
    { order_id: 'O1', customer_id: 'C1', ordered_at: '2026-11-02T10:00:00+08:00', total_amount: '399.00', currency: 'CNY', merchant_id: 'M1' },
    { order_id: 'O2', customer_id: 'C2', ordered_at: '2026-11-02T02:00:00Z', total_amount: '12.5', currency: '', merchant_id: '' },
  ],
  order_items: [
    { order_id: 'O1', line_no: '1', sku: 'SKU-1', quantity: '2', unit_price: '199.5' },
    { order_id: 'O1', line_no: '2', sku: 'SKU-2', quantity: '1', unit_price: '0' },
  ],
  shipments: [
    {
      shipment_id: 'S1',
      order_id: 'O1',
      carrier: 'Heron',
      shipped_at: '2026-11-02T18:00:00+08:00',
      promised_at: '2026-11-05T18:00:00+08:00',
      delivered_at: '2026-11-04T12:00:00+08:00',
      status: 'Delivered',
      origin_region: '广东',
      dest_region: '北京',
    },
    {
      shipment_id: 'S2',
      order_id: 'O9',
      carrier: 'Gull',
      shipped_at: '2026-11-02 18:00:00',
      promised_at: '2026-11-05 18:00',
      delivered_at: '',
      status: ' in_transit ',
      origin_region: '',
      dest_region: '',
    },
  ],
  products: [
    { sku: 'SKU-1', title: '组装式书架 Bookshelf', category: 'furniture', merchant_id: 'M1' },
    { sku: 'SKU-2', title: 'Face cream, "anti-wrinkle"', category: 'skincare', merchant_id: '' },
  ],
  complaints: [
    {
      complaint_id: 'K1',
      order_id: 'O1',
      shipment_id: 'S1',
      sku: '',
      channel: 'CHAT',
      opened_at: '2026-11-04T13:00:00+08:00',
      first_response_at: '2026-11-04T13:30:00+08:00',
      resolved_at: '',
      status: 'open',
      severity: 'important',
      cause_code: 'Transit_Damage | delivery_delay',
      text: '侧板有裂痕,\n一周才到',
      escalated: 'yes',
      reopened_count: '0',
      resolution: '',
      compensation_amount: '20',
      csat: '4',
      followed_up_at: '',
    },
  ],
  corrective_actions: [
    {
      action_id: 'A1',
      cause_code: 'transit_damage',
      scope_type: 'carrier',
      scope_value: 'Heron',
      title: 'Stronger cartons',
      owner: 'logistics',
      opened_at: '2026-11-01T09:00:00+08:00',
      implemented_at: '',
      due_at: '2026-12-01',
      status: 'open',
    },
  ],
};

function toCsv(rows: Record<string, string>[]): string {
  const columns = Object.keys(rows[0]!);
  const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c] ?? '')).join(','))].join('\n') + '\n';
}

async function writeInFormat(dir: string, entity: EntityName, format: 'csv' | 'jsonl' | 'parquet' | 'arrow'): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const rows = SAMPLE[entity];
  if (format === 'csv') fs.writeFileSync(path.join(dir, `${entity}-1.csv`), toCsv(rows));
  if (format === 'jsonl') fs.writeFileSync(path.join(dir, `${entity}-1.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  if (format === 'arrow') fs.writeFileSync(path.join(dir, `${entity}-1.arrow`), tableToIPC(tableFromJSON(rows), 'file'));
  if (format === 'parquet') {
    // Written by DuckDB from a CSV, as analytics teams export them.
    const csv = path.join(dir, '..', `${entity}.source.csv`);
    fs.writeFileSync(csv, toCsv(rows));
    await withWarehouse(async (w) => {
      await w.run(`copy (select * from read_csv('${csv}', all_varchar = true)) to '${path.join(dir, `${entity}-1.parquet`)}' (format parquet)`);
    });
  }
}

describe('inbox formats', () => {
  for (const format of ['csv', 'jsonl', 'parquet', 'arrow'] as const) {
    it(`loads all six entities from ${format}`, async () => {
      await withTempDir(async (dir) => {
        const inbox = path.join(dir, 'inbox');
        for (const entity of ENTITY_NAMES) await writeInFormat(inbox, entity, format);
        await withWarehouse(async (w) => {
          const reports = await ingestFolder(w, inbox);
          for (const r of reports) {
            expect(r.status, `${r.fileName}: ${r.error ?? ''}`).toBe('loaded');
            expect(r.rowsQuarantined, r.fileName).toBe(0);
          }
          for (const entity of ENTITY_NAMES) expect(await w.scalar(`select count(*) from raw_${entity}`), entity).toBe(SAMPLE[entity].length);

          const complaint = await w.one<Record<string, unknown>>(
            `select channel, cause_code, escalated, csat, text, epoch(opened_at) as opened from raw_complaints`,
          );
          expect(complaint).toMatchObject({
            channel: 'chat',
            cause_code: 'delivery_delay|transit_damage',
            escalated: true,
            csat: 4,
            text: '侧板有裂痕,\n一周才到',
          });
          expect(complaint!.opened).toBe(Date.parse('2026-11-04T05:00:00Z') / 1000);
          const shipment = await w.one<Record<string, unknown>>(`select status, epoch(promised_at) as promised from raw_shipments where shipment_id = 'S2'`);
          // "2026-11-05 18:00" without offset is Shanghai local time.
          expect(shipment).toMatchObject({ status: 'in_transit', promised: Date.parse('2026-11-05T10:00:00Z') / 1000 });
          expect(await w.scalar(`select total_amount from raw_orders where order_id = 'O2'`)).toBe(12.5);
          expect(await w.scalar(`select count(*) from raw_orders where currency is null`)).toBe(1);
        });
      });
    });
  }
});
