// The exported mart files as users get them (CONTRACT §5): every contract column, in order, in the header;
// RFC 4180 quoting; booleans true/false; null as an empty cell; timestamps ISO 8601 with the local offset;
// text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) escaped with a
// leading apostrophe, while numbers, negative ones included, are written as numbers. And: the same inputs
// give byte-identical files across two fresh runs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORTED_MARTS } from '../../models/declarations.ts';
import { parseCsv, runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

const CONTRACT_COLUMNS: Record<string, string[]> = {
  fct_complaints: [
    'complaint_id',
    'opened_at',
    'channel',
    'severity',
    'severity_method',
    'causes',
    'cause_method',
    'responsible_parties',
    'shipment_id',
    'sku',
    'first_response_minutes',
    'sla_target_minutes',
    'sla_clock',
    'sla_breached',
    'resolution_hours',
  ],
  mart_carrier_weekly: [
    'carrier',
    'week',
    'delivered_shipments',
    'damaged_shipments',
    'breakage_per_1000',
    'breakage_ci_low_per_1000',
    'breakage_ci_high_per_1000',
    'on_time_shipments',
    'on_time_rate',
    'avg_delay_hours',
    'flagged',
  ],
  mart_listing_flags: [
    'sku',
    'category',
    'window_start',
    'window_end',
    'orders',
    'nad_orders',
    'nad_rate',
    'category_rate',
    'p_value',
    'q_value',
    'flagged',
    'top_excerpt',
  ],
  mart_sla_weekly: [
    'week',
    'channel',
    'severity',
    'complaints',
    'responded',
    'breached',
    'breach_rate',
    'median_first_response_minutes',
    'p90_first_response_minutes',
    'median_resolution_hours',
    'escalation_rate',
    'reopen_rate',
    'followup_rate',
    'csat_avg',
  ],
  mart_cause_weekly: ['week', 'cause_code', 'responsible_party', 'complaints', 'share', 'rank', 'cumulative_share', 'wow_change'],
  mart_action_effectiveness: [
    'action_id',
    'cause_code',
    'scope_type',
    'scope_value',
    'status',
    'implemented_at',
    'before_exposures',
    'before_events',
    'before_rate',
    'after_exposures',
    'after_events',
    'after_rate',
    'p_value',
    'verdict',
  ],
};

/** docs/marts.md: per `## mart` heading, its table's columns in order, each with whether it is marked contract. */
function documentedColumns(markdown: string): Map<string, { column: string; contract: boolean }[]> {
  const marts = new Map<string, { column: string; contract: boolean }[]>();
  let current: { column: string; contract: boolean }[] | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## (\w+)$/.exec(line);
    if (heading) marts.set(heading[1]!, (current = []));
    const row = /^\| `(\w+)` \|[^|]*\| *(contract)? *\|/.exec(line);
    if (row && current) current.push({ column: row[1]!, contract: row[2] === 'contract' });
  }
  return marts;
}

const QUOTED_TEXT = 'He said "fine", then\nnothing, at all';
const FORMULA_TEXT = '=HYPERLINK("http://example.test","click")';

// The world: carriers, SKUs, ids and texts that look like formulas; a negative week-on-week change.
//   mart_cause_weekly: transit_damage has 2 complaints in week 03-16 (K3, K4) and 1 in 03-23 (K1)
//   → wow_change 1 − 2 = −1, a number: written -1, not '-1
function buildWorld(): Record<string, string> {
  const SHIPMENT_HEADER = ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status'];
  const shipment = (id: string, carrier: string, delivered: string | null) => [
    id,
    `O-${id}`,
    carrier,
    '2026-03-20T10:00:00+08:00',
    '2026-03-25T00:00:00+08:00',
    delivered,
    'delivered',
  ];
  return {
    'products-1.csv': toCsv(
      ['sku', 'title', 'category'],
      [
        ['-5', 'minus five', '=cat'],
        ['@sku', 'at sku', '=cat'],
      ],
    ),
    'orders-1.csv': toCsv(
      ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
      [
        ['O1', 'C1', '2026-03-20T10:00:00+08:00', '10'],
        ['O2', 'C2', '2026-03-21T10:00:00+08:00', '10'],
      ],
    ),
    'order_items-1.csv': toCsv(
      ['order_id', 'line_no', 'sku', 'quantity', 'unit_price'],
      [
        ['O1', '1', '-5', '1', '10'],
        ['O2', '1', '@sku', '1', '10'],
      ],
    ),
    'shipments-1.csv': toCsv(SHIPMENT_HEADER, [
      shipment('S1', '=SUM(A1)', '2026-03-24T10:00:00+08:00'),
      shipment('S2', '+plus', '2026-03-24T10:00:00+08:00'),
      shipment('S3', '-minus', '2026-03-26T10:00:00+08:00'),
      shipment('S4', '@at', '2026-03-24T10:00:00+08:00'),
      shipment('S7', 'plain, with comma', null),
    ]),
    // tab and CR at the start of a value travel more naturally in JSON
    'shipments-2.jsonl':
      [shipment('S5', '\tTab', '2026-03-24T10:00:00+08:00'), shipment('S6', '\rCR', '2026-03-24T10:00:00+08:00')]
        .map((row) => JSON.stringify(Object.fromEntries(SHIPMENT_HEADER.map((name, i) => [name, row[i]]))))
        .join('\n') + '\n',
    'complaints-1.csv': toCsv(
      ['complaint_id', 'order_id', 'shipment_id', 'sku', 'channel', 'opened_at', 'first_response_at', 'status', 'severity', 'cause_code', 'text'],
      [
        ['=K1', null, 'S1', null, 'chat', '2026-03-24T12:00:00+08:00', '2026-03-24T12:30:00+08:00', 'open', 'general', 'transit_damage', QUOTED_TEXT],
        ['K2', 'O1', null, '-5', 'chat', '2026-03-25T12:00:00+08:00', null, 'open', 'general', 'not_as_described', FORMULA_TEXT],
        ['K3', null, null, null, 'chat', '2026-03-17T12:00:00+08:00', '2026-03-17T12:10:00+08:00', 'open', 'general', 'transit_damage', 'one'],
        ['K4', null, null, null, 'chat', '2026-03-18T12:00:00+08:00', '2026-03-18T12:10:00+08:00', 'open', 'general', 'transit_damage', 'two'],
      ],
    ),
    'corrective_actions-1.csv': toCsv(
      ['action_id', 'cause_code', 'scope_type', 'scope_value', 'title', 'opened_at', 'implemented_at', 'status'],
      [['-A1', 'transit_damage', 'carrier', '=SUM(A1)', '+title', '2026-03-01T10:00:00+08:00', '2026-03-02T09:30:00Z', 'implemented']],
    ),
  };
}

let first: GoldenWorld;
let second: GoldenWorld;

beforeAll(async () => {
  first = await runGoldenWorld(buildWorld());
  second = await runGoldenWorld(buildWorld());
});

afterAll(() => {
  first?.cleanup();
  second?.cleanup();
});

describe('exported mart files', () => {
  it('name every contract column, in the contract order, before any extra column', () => {
    for (const [mart, columns] of Object.entries(CONTRACT_COLUMNS)) {
      const header = parseCsv(first.csvText(mart))[0]!;
      expect(header.slice(0, columns.length), mart).toEqual(columns);
      expect(fs.existsSync(path.join(first.outDir, 'marts', `${mart}.parquet`)), `${mart}.parquet`).toBe(true);
    }
  });

  it('are each described in docs/marts.md: every column, in order, the contract ones marked', () => {
    const documented = documentedColumns(fs.readFileSync(path.join(import.meta.dirname, '../../docs/marts.md'), 'utf8'));
    expect([...documented.keys()].sort()).toEqual([...EXPORTED_MARTS].sort());
    for (const mart of EXPORTED_MARTS) {
      const columns = documented.get(mart)!;
      expect(
        columns.map((c) => c.column),
        mart,
      ).toEqual(parseCsv(first.csvText(mart))[0]);
      expect(
        columns.filter((c) => c.contract).map((c) => c.column),
        mart,
      ).toEqual(CONTRACT_COLUMNS[mart] ?? []);
    }
  });

  it('escape formula-looking text with a leading apostrophe in every text column', () => {
    const carriers = first.csv('mart_carrier_weekly').map((r) => r.carrier);
    expect(carriers.sort()).toEqual(["'\rCR", "'\tTab", "'+plus", "'-minus", "'=SUM(A1)", "'@at"].sort());
    const listing = first.csvBy('mart_listing_flags', 'sku');
    expect([...listing.keys()]).toEqual(["'-5", "'@sku"]);
    expect(listing.get("'-5")!.category).toBe("'=cat");
    expect(listing.get("'-5")!.top_excerpt).toBe(`'${FORMULA_TEXT}`);
    const fct = first.csvBy('fct_complaints', 'complaint_id');
    expect(fct.get("'=K1")!.shipment_id).toBe('S1');
    const action = first.csv('mart_action_effectiveness')[0]!;
    expect([action.action_id, action.scope_value]).toEqual(["'-A1", "'=SUM(A1)"]);
    // the raw text shows the apostrophe inside RFC 4180 quotes where the cell needs quoting
    expect(first.csvText('mart_listing_flags')).toContain(`"'=HYPERLINK(""http://example.test"",""click"")"`);
  });

  it('write numbers as numbers: a negative week-on-week change is not escaped', () => {
    const causes = first.csvBy('mart_cause_weekly', 'week', 'cause_code');
    expect(causes.get('2026-03-16|transit_damage')!.wow_change).toBe('2');
    expect(causes.get('2026-03-23|transit_damage')!.wow_change).toBe('-1');
    expect(first.csvText('mart_cause_weekly')).toMatch(/^2026-03-23,transit_damage,carrier,1,[0-9.]+,[0-9]+,[0-9.]+,-1$/m);
    // counts carry no decimal point
    expect(first.csv('mart_carrier_weekly').every((r) => /^\d+$/.test(r.delivered_shipments!))).toBe(true);
  });

  it('quote text holding commas, quotes and line breaks (RFC 4180)', () => {
    const text = first.csvText('fct_complaints');
    expect(text).toContain('"He said ""fine"", then\nnothing, at all"');
    expect(first.csvBy('fct_complaints', 'complaint_id').get("'=K1")!.text).toBe(QUOTED_TEXT);
  });

  it('write timestamps as ISO 8601 with the local offset, booleans as true/false, null as an empty cell', () => {
    const fct = first.csvBy('fct_complaints', 'complaint_id');
    expect(fct.get("'=K1")!.opened_at).toBe('2026-03-24T12:00:00+08:00');
    expect(fct.get("'=K1")!.sla_breached).toBe('false');
    expect(fct.get('K2')!.first_response_minutes).toBe('');
    expect(fct.get('K2')!.resolution_hours).toBe('');
    expect(first.csv('mart_action_effectiveness')[0]!.implemented_at).toBe('2026-03-02T17:30:00+08:00');
    const listing = first.csv('mart_listing_flags')[0]!;
    expect([listing.window_start, listing.window_end]).toEqual(['2026-03-02T00:00:00+08:00', '2026-03-30T00:00:00+08:00']);
    const carriers = first.csvBy('mart_carrier_weekly', 'carrier', 'week');
    expect(carriers.get("'=SUM(A1)|2026-03-23")!.flagged).toBe('true');
    expect(carriers.get("'+plus|2026-03-23")!.flagged).toBe('false');
    expect(carriers.get("'+plus|2026-03-23")!.avg_delay_hours).toBe('');
    for (const mart of Object.keys(CONTRACT_COLUMNS)) {
      const text = first.csvText(mart);
      expect(text, mart).not.toMatch(/\bnull\b|\bNULL\b|\bNaN\b/);
      // every timestamp-looking cell carries an offset
      for (const match of text.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[^,\n]*/g))
        expect(match[0], mart).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
    }
  });

  it('are byte-identical across two fresh runs of the same inputs', () => {
    const files = fs.readdirSync(path.join(first.outDir, 'marts')).sort();
    expect(files).toEqual(fs.readdirSync(path.join(second.outDir, 'marts')).sort());
    expect(files.filter((f) => f.endsWith('.csv'))).toHaveLength(10); // the six of CONTRACT §5 and the four the dashboards add;
    for (const file of files) {
      const a = fs.readFileSync(path.join(first.outDir, 'marts', file));
      const b = fs.readFileSync(path.join(second.outDir, 'marts', file));
      expect(a.equals(b), `${file} differs between two runs`).toBe(true);
    }
  });
});
