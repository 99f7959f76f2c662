/**
 * The demo world's promises, checked from the files it writes (never from its internals): determinism,
 * linear volume, parseable files with exactly the planted bad rows, and the planted stories recomputed
 * here by the contract's definitions (Wilson intervals, pooled z-test, exact binomial + BH, SLA clocks).
 * Untagged complaint texts are classified with the keyword anchors below; a test checks the anchors
 * separate the causes on every tagged text, so that shortcut is sound.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoWorld, type DemoWorldSummary } from '../../pipelines/demo/demo-world.ts';

const AS_OF_MS = Date.parse('2026-11-16T00:00:00+08:00');
const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;
const Z_95 = 1.959963984540054;

const CHANNELS = new Set(['chat', 'hotline', 'app', 'email', 'social', 'other']);
const COMPLAINT_STATUSES = new Set(['open', 'in_progress', 'resolved', 'closed', 'reopened']);
const SEVERITIES = new Set(['general', 'important', 'major', 'crisis']);
const SHIPMENT_STATUSES = new Set(['in_transit', 'delivered', 'lost', 'returned', 'exception']);
const RESOLUTIONS = new Set(['refund', 'reship', 'exchange', 'repair', 'compensation', 'apology', 'none']);

/** Words that mark each cause in the demo texts; disjoint by construction (checked below). */
const ANCHORS: Record<string, RegExp> = {
  transit_damage: /破损|压坏|裂痕|裂开|碎了|摔坏|凹陷|磕坏|broken|cracked|crushed|dented|smashed|shattered|damaged/i,
  delivery_delay: /延误|晚到|晚了|超时|迟迟|\blate\b|delay|overdue/i,
  lost_parcel: /丢件|丢失|没有收到|没收到|未收到|never arrived|never received|\blost\b/i,
  packaging: /包装|泡沫|缓冲|气泡膜|packaging|packed|padding|bubble wrap/i,
  wrong_item: /发错|少发|漏发|缺件|不是我买的|不是我下单的|wrong|instead of|missing/i,
  not_as_described: /描述不符|虚假宣传|夸大|货不对板|和图片不一样|not as described|misleading|false advertising|exaggerated|nothing like/i,
  quality_defect: /质量|次品|瑕疵|defect|faulty|quality|stopped working/i,
  service_attitude: /客服|态度|推诿|敷衍|没人理|\bagent\b|rude|dismissive|unhelpful|ignored/i,
  refund_process: /退款|退货|售后|refund|return/i,
  customer_expectation: /我以为|是我自己|没注意|没看清|不会用|误会|I (just )?thought|I assumed|my mistake|my fault|did not realise/i,
  other: /发票|优惠券|积分|专票|贺卡|invoice|coupon|points|receipt|loyalty/i,
};
const CAUSE_CODES = new Set(Object.keys(ANCHORS));
const SAFETY_WORDS = /\b(allergy|allergic|injury|injured|burn|burned|burnt|fire)\b|过敏|受伤|烫伤|起火|爆炸/i;
const SLA_TARGET: Record<string, number> = { crisis: 60, major: 120, important: 240, general: 480 };

// ---------------------------------------------------------------------------------------------------
// reading the inbox

type Row = Record<string, string>;

/** RFC 4180 records with their physical line numbers (quoted fields may hold line breaks). */
function parseCsv(text: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n') {
      fields.push(field);
      records.push({ fields, line: recordLine });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ fields, line: recordLine });
  }
  return records;
}

/** ISO 8601 to epoch ms; no offset means Shanghai local time. NaN when unparseable. */
function parseTime(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s, zone] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (zone === undefined) return wall - SHANGHAI_MS;
  if (zone === 'Z') return wall;
  const sign = zone.startsWith('-') ? -1 : 1;
  return wall - sign * (Number(zone.slice(1, 3)) * 3_600_000 + Number(zone.slice(4, 6)) * 60_000);
}

/** Monday (local date) of the Shanghai week holding an instant. */
function findWeek(ms: number): string {
  const local = new Date(ms + SHANGHAI_MS);
  const monday = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - ((local.getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(monday).toISOString().slice(0, 10);
}

interface Inbox {
  /** Good rows per entity; `_file` and `_line` say where each was read. */
  rows: Record<string, Row[]>;
  badRows: { file: string; line: number; reason: string }[];
  duplicates: number;
}

/** Reads every file of the inbox, separating rows that break the contract (with a reason). */
function readInbox(dir: string): Inbox {
  const inbox: Inbox = { rows: {}, badRows: [], duplicates: 0 };
  for (const file of fs.readdirSync(dir).sort()) {
    const entity = /^(order_items|orders|shipments|products|complaints|corrective_actions)[-._]/.exec(file)?.[1];
    if (!entity) throw new Error(`unexpected file ${file}`);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const records: { row: Row; line: number; raw: string }[] = [];
    if (file.endsWith('.csv')) {
      const [header, ...rest] = parseCsv(text);
      if (!header) throw new Error(`${file}: empty`);
      for (const record of rest) {
        if (record.fields.length !== header.fields.length) {
          inbox.badRows.push({ file, line: record.line, reason: `${record.fields.length} fields, header has ${header.fields.length}` });
          continue;
        }
        records.push({
          row: Object.fromEntries(header.fields.map((name, i) => [name, record.fields[i] ?? ''])),
          line: record.line,
          raw: record.fields.join('\u0001'),
        });
      }
    } else {
      text.split('\n').forEach((lineText, i) => {
        if (lineText === '') return;
        const object = JSON.parse(lineText) as Record<string, unknown>;
        const row = Object.fromEntries(Object.entries(object).map(([key, value]) => [key, value === null ? '' : String(value)]));
        records.push({ row, line: i + 1, raw: lineText });
      });
    }
    const seen = new Set<string>();
    for (const { row, line, raw } of records) {
      if (seen.has(raw)) {
        inbox.duplicates++;
        continue;
      }
      seen.add(raw);
      const reason = findViolation(entity, row);
      if (reason) inbox.badRows.push({ file, line, reason });
      else (inbox.rows[entity] ??= []).push({ ...row, _file: file, _line: String(line) });
    }
  }
  return inbox;
}

function findViolation(entity: string, row: Row): string | null {
  const time = (column: string, required: boolean): string | null => {
    const value = row[column] ?? '';
    if (value === '') return required ? `${column} missing` : null;
    return Number.isNaN(parseTime(value)) ? `${column} unparseable: ${value}` : null;
  };
  const required = (...columns: string[]): string | null => columns.map((c) => ((row[c] ?? '') === '' ? `${c} missing` : null)).find((r) => r) ?? null;
  switch (entity) {
    case 'orders':
      return required('order_id', 'customer_id', 'total_amount') ?? time('ordered_at', true);
    case 'order_items':
      return required('order_id', 'line_no', 'sku') ?? (Number(row.quantity) > 0 ? null : `quantity ${row.quantity}`);
    case 'shipments':
      if (!SHIPMENT_STATUSES.has(row.status ?? '')) return `status ${row.status}`;
      return required('shipment_id', 'order_id', 'carrier') ?? time('shipped_at', true) ?? time('promised_at', true) ?? time('delivered_at', false);
    case 'products':
      return required('sku', 'title', 'category');
    case 'complaints': {
      if (!CHANNELS.has(row.channel ?? '')) return `channel ${row.channel}`;
      if (!COMPLAINT_STATUSES.has(row.status ?? '')) return `status ${row.status}`;
      if (row.severity && !SEVERITIES.has(row.severity)) return `severity ${row.severity}`;
      if (row.resolution && !RESOLUTIONS.has(row.resolution)) return `resolution ${row.resolution}`;
      if (row.cause_code && !row.cause_code.split('|').every((code) => CAUSE_CODES.has(code))) return `cause_code ${row.cause_code}`;
      if (row.csat && !/^[1-5]$/.test(row.csat)) return `csat ${row.csat}`;
      const times = ['first_response_at', 'resolved_at', 'followed_up_at', 'updated_at'].map((c) => time(c, false)).find((r) => r);
      return required('complaint_id', 'text') ?? time('opened_at', true) ?? times ?? null;
    }
    default:
      return required('action_id', 'cause_code', 'scope_type', 'title', 'status') ?? time('opened_at', true) ?? time('implemented_at', false);
  }
}

// ---------------------------------------------------------------------------------------------------
// the contract's arithmetic, written independently of the generator

function wilson(events: number, trials: number): [number, number] {
  const p = events / trials;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** P(X >= k), X ~ Binomial(n, p). */
function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  let pmf = Math.pow(1 - p, n);
  let tail = 0;
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += pmf;
    pmf *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.min(1, tail);
}

/** Business minutes (Mon–Fri 09:00–18:00 Shanghai) between two instants, day by day. */
function countBusinessMinutes(fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  const firstMidnight = Math.floor((fromMs + SHANGHAI_MS) / DAY_MS) * DAY_MS - SHANGHAI_MS;
  for (let midnight = firstMidnight; midnight < toMs; midnight += DAY_MS) {
    const weekday = new Date(midnight + SHANGHAI_MS).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const from = Math.max(fromMs, midnight + 9 * 3_600_000);
    const to = Math.min(toMs, midnight + 18 * 3_600_000);
    if (to > from) total += to - from;
  }
  return total / 60_000;
}

function findCauses(complaint: Row): string[] {
  if (complaint.cause_code) return complaint.cause_code.split('|');
  return Object.entries(ANCHORS)
    .filter(([, anchor]) => anchor.test(complaint.text ?? ''))
    .map(([cause]) => cause);
}

/** Latest version per complaint id (by updated_at, then file order), opened up to as_of. */
function findLatestComplaints(inbox: Inbox): Row[] {
  const latest = new Map<string, Row>();
  for (const row of inbox.rows.complaints ?? []) {
    const id = row.complaint_id as string;
    const previous = latest.get(id);
    if (!previous || parseTime(row.updated_at ?? '') >= parseTime(previous.updated_at ?? '')) latest.set(id, row);
  }
  return [...latest.values()].filter((row) => parseTime(row.opened_at as string) <= AS_OF_MS);
}

interface Facts {
  carrierWeeks: Map<string, { carrier: string; week: string; delivered: number; damaged: number }>;
  carrierDeliveries: { carrier: string; deliveredMs: number; damaged: boolean }[];
  listing: Map<string, { sku: string; category: string; orders: number; nad: number }>;
  channels: Map<string, { complaints: number; breached: number }>;
}

/** The planted stories' numbers, computed by the contract's definitions from the inbox rows. */
function computeFacts(inbox: Inbox): Facts {
  const complaints = findLatestComplaints(inbox);
  const shipmentsByOrder = new Map<string, string[]>();
  for (const s of inbox.rows.shipments ?? [])
    shipmentsByOrder.set(s.order_id as string, [...(shipmentsByOrder.get(s.order_id as string) ?? []), s.shipment_id as string]);
  const skusByOrder = new Map<string, Set<string>>();
  for (const item of inbox.rows.order_items ?? []) {
    const skus = skusByOrder.get(item.order_id as string) ?? new Set<string>();
    skus.add(item.sku as string);
    skusByOrder.set(item.order_id as string, skus);
  }
  const attributedShipment = (c: Row): string | undefined => {
    if (c.shipment_id) return c.shipment_id;
    const shipments = shipmentsByOrder.get(c.order_id ?? '');
    return shipments?.length === 1 ? shipments[0] : undefined;
  };
  const attributedSku = (c: Row): string | undefined => {
    if (c.sku) return c.sku;
    const skus = skusByOrder.get(c.order_id ?? '');
    return skus?.size === 1 ? [...skus][0] : undefined;
  };

  const damagedShipments = new Set<string>();
  const nadOrderSkus = new Set<string>();
  const channels = new Map<string, { complaints: number; breached: number }>();
  for (const c of complaints) {
    const causes = findCauses(c);
    if (causes.includes('transit_damage')) {
      const shipment = attributedShipment(c);
      if (shipment) damagedShipments.add(shipment);
    }
    if (causes.includes('not_as_described') && c.order_id) {
      const sku = attributedSku(c);
      if (sku) nadOrderSkus.add(`${c.order_id}|${sku}`);
    }
    const severity = c.severity || (SAFETY_WORDS.test(c.text ?? '') ? 'crisis' : /^(true|1|yes)$/i.test(c.escalated ?? '') ? 'major' : 'general');
    const target = SLA_TARGET[severity] as number;
    const opened = parseTime(c.opened_at as string);
    const answered = c.first_response_at ? parseTime(c.first_response_at) : Number.NaN;
    const until = answered <= AS_OF_MS ? answered : AS_OF_MS;
    const minutes = severity === 'crisis' ? Math.max(0, until - opened) / 60_000 : countBusinessMinutes(opened, until);
    const stats = channels.get(c.channel as string) ?? { complaints: 0, breached: 0 };
    stats.complaints++;
    if (minutes > target) stats.breached++;
    channels.set(c.channel as string, stats);
  }

  const carrierWeeks: Facts['carrierWeeks'] = new Map();
  const carrierDeliveries: Facts['carrierDeliveries'] = [];
  for (const s of inbox.rows.shipments ?? []) {
    if (s.status !== 'delivered' || !s.delivered_at) continue;
    const deliveredMs = parseTime(s.delivered_at);
    if (deliveredMs > AS_OF_MS) continue;
    const damaged = damagedShipments.has(s.shipment_id as string);
    carrierDeliveries.push({ carrier: s.carrier as string, deliveredMs, damaged });
    const key = `${s.carrier}|${findWeek(deliveredMs)}`;
    const week = carrierWeeks.get(key) ?? { carrier: s.carrier as string, week: findWeek(deliveredMs), delivered: 0, damaged: 0 };
    week.delivered++;
    if (damaged) week.damaged++;
    carrierWeeks.set(key, week);
  }

  const categoryOf = new Map((inbox.rows.products ?? []).map((p) => [p.sku as string, p.category as string]));
  const windowStart = AS_OF_MS - 28 * DAY_MS;
  const listing: Facts['listing'] = new Map();
  for (const order of inbox.rows.orders ?? []) {
    const at = parseTime(order.ordered_at as string);
    if (!(at > windowStart && at <= AS_OF_MS)) continue;
    for (const sku of skusByOrder.get(order.order_id as string) ?? []) {
      const entry = listing.get(sku) ?? { sku, category: categoryOf.get(sku) ?? '', orders: 0, nad: 0 };
      entry.orders++;
      if (nadOrderSkus.has(`${order.order_id}|${sku}`)) entry.nad++;
      listing.set(sku, entry);
    }
  }
  return { carrierWeeks, carrierDeliveries, listing, channels };
}

/** mart_listing_flags' rule: pooled category rate, exact binomial p, BH q over all tested SKUs. */
function findFlaggedSkus(listing: Facts['listing']): string[] {
  const entries = [...listing.values()];
  const tested = entries
    .map((entry) => {
      const others = entries.filter((o) => o.category === entry.category && o.sku !== entry.sku);
      const otherOrders = others.reduce((sum, o) => sum + o.orders, 0);
      const categoryRate = otherOrders ? others.reduce((sum, o) => sum + o.nad, 0) / otherOrders : Number.NaN;
      const p = entry.orders >= 20 && !Number.isNaN(categoryRate) ? binomialUpperTail(entry.nad, entry.orders, categoryRate) : Number.NaN;
      return { ...entry, categoryRate, p, q: Number.NaN };
    })
    .filter((entry) => !Number.isNaN(entry.p))
    .sort((a, b) => a.p - b.p);
  let running = 1;
  for (let i = tested.length - 1; i >= 0; i--) {
    const entry = tested[i] as (typeof tested)[number];
    running = Math.min(running, (entry.p * tested.length) / (i + 1));
    entry.q = running;
  }
  return tested.filter((e) => e.q < 0.05 && e.nad >= 3 && e.nad / e.orders >= 2 * e.categoryRate).map((e) => e.sku);
}

function hashFiles(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((file) => [
        file,
        createHash('sha256')
          .update(fs.readFileSync(path.join(dir, file)))
          .digest('hex'),
      ]),
  );
}

// ---------------------------------------------------------------------------------------------------

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-demo-world-'));
const dirA = path.join(tempRoot, 'a');
let summary: DemoWorldSummary;
let inbox: Inbox;
let facts: Facts;

beforeAll(async () => {
  summary = await writeDemoWorld({ dir: dirA });
  inbox = readInbox(dirA);
  facts = computeFacts(inbox);
});

afterAll(() => {
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe('demo world: shape', () => {
  it('is byte-identical for the same seed and scale, and differs for another seed', async () => {
    const dirB = path.join(tempRoot, 'b');
    const again = await writeDemoWorld({ dir: dirB, seed: 20261116, scale: 1 });
    expect(again).toEqual(summary);
    expect(hashFiles(dirB)).toEqual(hashFiles(dirA));
    const dirC = path.join(tempRoot, 'c');
    await writeDemoWorld({ dir: dirC, seed: 7, scale: 0.2 });
    await writeDemoWorld({ dir: path.join(tempRoot, 'd'), seed: 8, scale: 0.2 });
    expect(hashFiles(dirC)['orders-2026-08.csv']).not.toEqual(hashFiles(path.join(tempRoot, 'd'))['orders-2026-08.csv']);
  });

  it('covers the 16 weeks before as_of with scale-1 volumes', () => {
    expect(summary.asOf).toBe('2026-11-16T00:00:00+08:00');
    expect(summary.firstWeek).toBe('2026-07-27');
    const { counts } = summary;
    expect(counts.order_items).toBeGreaterThan(36_000);
    expect(counts.order_items).toBeLessThan(44_000);
    expect(counts.orders).toBeGreaterThan(28_000);
    expect(counts.shipments).toBeGreaterThan(28_000);
    expect(counts.complaints).toBeGreaterThan(3_500);
    expect(counts.complaints).toBeLessThan(4_600);
    expect(counts.products).toBe(120);
    expect(counts.corrective_actions).toBe(10);
    const ordered = (inbox.rows.orders ?? []).map((o) => parseTime(o.ordered_at as string));
    expect(Math.min(...ordered)).toBeGreaterThanOrEqual(Date.parse('2026-07-27T00:00:00+08:00'));
    expect(Math.max(...ordered)).toBeLessThan(AS_OF_MS);
    expect(new Set((inbox.rows.products ?? []).map((p) => p.category))).toEqual(
      new Set(['furniture', 'skincare', 'electronics', 'apparel', 'kitchen', 'toys']),
    );
    expect(new Set((inbox.rows.shipments ?? []).map((s) => s.carrier)).size).toBe(5);
    // Nothing in the world happens after as_of.
    expect(Math.max(...(inbox.rows.complaints ?? []).map((c) => parseTime(c.updated_at as string)))).toBeLessThan(AS_OF_MS);
  });

  it('grows linearly with scale', async () => {
    const dir = path.join(tempRoot, 'scale-2');
    const doubled = await writeDemoWorld({ dir, scale: 2 });
    const ratio = (key: string): number => (doubled.counts[key] as number) / (summary.counts[key] as number);
    expect(ratio('order_items')).toBeGreaterThan(1.9);
    expect(ratio('order_items')).toBeLessThan(2.1);
    expect(ratio('complaints')).toBeGreaterThan(1.8);
    expect(ratio('complaints')).toBeLessThan(2.2);
    const itemLines = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('order_items-'))
      .reduce((sum, f) => sum + fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).length, 0);
    expect(itemLines).toBe((doubled.counts.order_items as number) + 1); // + the planted quantity-0 line
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes CSV and JSONL per entity, several files each, every one parseable', () => {
    const files = summary.files;
    expect(files).toEqual(fs.readdirSync(dirA).sort());
    expect(files).toContain('products.csv');
    expect(files).toContain('corrective_actions.csv');
    expect(files.filter((f) => /^orders-2026-\d\d\.csv$/.test(f)).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => /^order_items-2026-\d\d\.jsonl$/.test(f)).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => /^shipments-.*\.csv$/.test(f)).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => /^complaints-.*\.csv$/.test(f)).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => /^complaints-.*\.jsonl$/.test(f)).length).toBeGreaterThanOrEqual(4);
    const unparseable: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(dirA, file), 'utf8');
      if (file.endsWith('.csv')) expect(text.split('\n', 1)[0]).toMatch(/^[a-z_]+(,[a-z_]+)+$/);
      else
        text
          .split('\n')
          .filter(Boolean)
          .forEach((line, i) => {
            try {
              JSON.parse(line);
            } catch {
              unparseable.push(`${file}:${i + 1}`);
            }
          });
    }
    expect(unparseable).toEqual([]);
  });

  it('breaks the contract in exactly the planted rows, one of each kind, plus one exact duplicate', () => {
    const reasons = inbox.badRows.map((b) => b.reason).sort();
    expect(inbox.badRows.length).toBe(summary.planted.badRows);
    expect(summary.planted.badRows).toBe(6);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cause_code bad_weather/),
        expect.stringMatching(/^channel fax/),
        expect.stringMatching(/^complaint_id missing/),
        expect.stringMatching(/^opened_at unparseable: yesterday/),
        expect.stringMatching(/^quantity 0/),
        expect.stringMatching(/^(\d+) fields, header has (?!\1)\d+$/),
      ]),
    );
    // Bad rows sit inside their files, not at the end, as in a real export.
    for (const bad of inbox.badRows) {
      const lines = fs.readFileSync(path.join(dirA, bad.file), 'utf8').split('\n').filter(Boolean).length;
      expect(bad.line).toBeLessThan(lines);
    }
    expect(inbox.duplicates).toBe(1);
    expect(summary.counts.duplicate_rows).toBe(1);
  });

  it('mixes timestamp notations: +08:00, Z and naive, with and without seconds', () => {
    const stamps = [...(inbox.rows.complaints ?? []).map((c) => c.opened_at as string), ...(inbox.rows.shipments ?? []).map((s) => s.shipped_at as string)];
    expect(stamps.some((s) => s.endsWith('+08:00') && s.length === 25)).toBe(true);
    expect(stamps.some((s) => s.endsWith('+08:00') && s.length === 22)).toBe(true);
    expect(stamps.some((s) => s.endsWith('Z'))).toBe(true);
    expect(stamps.some((s) => s.length === 19)).toBe(true);
    expect(stamps.some((s) => s.length === 16)).toBe(true);
  });

  it('writes only CSV with formats csv, and one clean schema with formats parquet-ready', async () => {
    const csvDir = path.join(tempRoot, 'csv');
    const csv = await writeDemoWorld({ dir: csvDir, scale: 0.3, formats: 'csv' });
    expect(csv.files.every((f) => f.endsWith('.csv'))).toBe(true);
    expect(readInbox(csvDir).badRows.length).toBe(csv.planted.badRows);
    const readyDir = path.join(tempRoot, 'parquet-ready');
    const ready = await writeDemoWorld({ dir: readyDir, scale: 0.3, formats: 'parquet-ready' });
    expect(ready.planted.badRows).toBe(0);
    const readyInbox = readInbox(readyDir);
    expect(readyInbox.badRows).toEqual([]);
    expect(readyInbox.duplicates).toBe(0);
    const headers = new Set(
      ready.files.filter((f) => f.startsWith('complaints-')).map((f) => fs.readFileSync(path.join(readyDir, f), 'utf8').split('\n', 1)[0]),
    );
    expect(headers.size).toBe(1);
    for (const s of readyInbox.rows.shipments ?? []) expect(s.shipped_at).toMatch(/T\d\d:\d\d:\d\d\+08:00$/);
  });
});

describe('demo world: complaint texts', () => {
  it('tags about half the complaints, some with two codes, the rest Chinese (~60 %) or English free text', () => {
    const complaints = inbox.rows.complaints ?? [];
    const tagged = complaints.filter((c) => c.cause_code).length / complaints.length;
    expect(tagged).toBeGreaterThan(0.4);
    expect(tagged).toBeLessThan(0.6);
    expect(complaints.some((c) => c.cause_code?.includes('|'))).toBe(true);
    const untagged = complaints.filter((c) => !c.cause_code);
    const chinese = untagged.filter((c) => /[\u4e00-\u9fff]/.test(c.text ?? '')).length / untagged.length;
    expect(chinese).toBeGreaterThan(0.5);
    expect(chinese).toBeLessThan(0.7);
    expect(complaints.filter((c) => !c.severity && SAFETY_WORDS.test(c.text ?? '')).length).toBeGreaterThan(3);
  });

  it('keeps each cause to its own words, so a text names only the cause it was written for', () => {
    const singles = (inbox.rows.complaints ?? []).filter((c) => c.cause_code && !c.cause_code.includes('|'));
    const mismatches = singles
      .map((c) => ({ text: c.text, tagged: c.cause_code, matched: findCauses({ text: c.text ?? '' }).join('|') }))
      .filter((c) => c.matched !== c.tagged);
    expect(mismatches).toEqual([]);
    expect(new Set(singles.map((c) => c.cause_code))).toEqual(CAUSE_CODES);
  });

  it('names products without words that signal a cause (碎花 would read as 碎, breakage)', () => {
    const noisy = (inbox.rows.products ?? []).filter((p) => findCauses({ text: p.title ?? '' }).length > 0 || /碎|裂|坏|丢/.test(p.title ?? ''));
    expect(noisy.map((p) => p.title)).toEqual([]);
  });

  it('updates some complaints in a later drop: same id, later updated_at, now resolved', () => {
    const versions = new Map<string, Row[]>();
    for (const c of inbox.rows.complaints ?? []) versions.set(c.complaint_id as string, [...(versions.get(c.complaint_id as string) ?? []), c]);
    const updated = [...versions.values()].filter((v) => v.length > 1);
    expect(updated.length).toBe(summary.counts.complaint_updates);
    expect(updated.length).toBeGreaterThanOrEqual(10);
    for (const [first, second] of updated as [Row, Row][]) {
      expect(first.status).toBe('in_progress');
      expect(['resolved', 'closed']).toContain(second.status);
      expect(parseTime(second.updated_at as string)).toBeGreaterThan(parseTime(first.updated_at as string));
      expect(second._file).toMatch(/-updates\.csv$/);
    }
  });
});

describe('demo world: planted stories', () => {
  const heronWeeks = (): { week: string; delivered: number; damaged: number }[] =>
    [...facts.carrierWeeks.values()].filter((w) => w.carrier === summary.planted.damagedCarrier).sort((a, b) => a.week.localeCompare(b.week));

  it('1. the damaged carrier breaks > 5/1000 (Wilson low) in weeks 4–9 only; every other carrier stays under', () => {
    const spike = new Set(['2026-08-17', '2026-08-24', '2026-08-31', '2026-09-07', '2026-09-14', '2026-09-21']);
    const weeks = heronWeeks();
    expect(weeks.length).toBe(16);
    for (const w of weeks) {
      const [low] = wilson(w.damaged, w.delivered);
      if (spike.has(w.week)) {
        expect(w.delivered).toBeGreaterThan(400);
        expect(low * 1000, `week ${w.week}: ${w.damaged}/${w.delivered}`).toBeGreaterThan(5);
        expect((1000 * w.damaged) / w.delivered).toBeGreaterThan(15);
      } else {
        expect(low * 1000, `week ${w.week}: ${w.damaged}/${w.delivered}`).toBeLessThanOrEqual(5);
      }
    }
    for (const w of facts.carrierWeeks.values()) {
      if (w.carrier === summary.planted.damagedCarrier) continue;
      expect(wilson(w.damaged, w.delivered)[0] * 1000, `${w.carrier} ${w.week}`).toBeLessThanOrEqual(5);
    }
  });

  it('1. the carrier action is implemented at the start of week 10 and judged effective', () => {
    const actions = inbox.rows.corrective_actions ?? [];
    const action = actions.find((a) => a.action_id === summary.planted.carrierActionId);
    expect(action).toMatchObject({ cause_code: 'transit_damage', scope_type: 'carrier', scope_value: summary.planted.damagedCarrier, status: 'implemented' });
    const implemented = parseTime(action?.implemented_at as string);
    expect(implemented).toBe(Date.parse('2026-09-28T00:00:00+08:00'));
    const mine = facts.carrierDeliveries.filter((d) => d.carrier === summary.planted.damagedCarrier);
    const span = (from: number, to: number): [number, number] => {
      const inside = mine.filter((d) => d.deliveredMs >= from && d.deliveredMs < to);
      return [inside.length, inside.filter((d) => d.damaged).length];
    };
    const [beforeN, beforeX] = span(implemented - 56 * DAY_MS, implemented);
    const [afterN, afterX] = span(implemented + 7 * DAY_MS, Math.min(implemented + 63 * DAY_MS, AS_OF_MS));
    expect(beforeN).toBeGreaterThanOrEqual(200);
    expect(afterN).toBeGreaterThanOrEqual(200);
    const pooled = (beforeX + afterX) / (beforeN + afterN);
    const z = (afterX / afterN - beforeX / beforeN) / Math.sqrt(pooled * (1 - pooled) * (1 / beforeN + 1 / afterN));
    expect(z).toBeLessThan(-3); // p far below 0.05
    expect((1000 * afterX) / afterN).toBeLessThan(4);
  });

  it('2. the over-claiming cream draws NAD on >= 6 % of its window orders and is the only flagged SKU', () => {
    const cream = facts.listing.get(summary.planted.overclaimingSku);
    expect(cream?.category).toBe('skincare');
    expect(cream?.orders).toBeGreaterThanOrEqual(40);
    expect((cream?.nad ?? 0) / (cream?.orders ?? 1)).toBeGreaterThanOrEqual(0.06);
    const otherSkincare = [...facts.listing.values()].filter((e) => e.category === 'skincare' && e.sku !== summary.planted.overclaimingSku);
    const pooled = otherSkincare.reduce((s, e) => s + e.nad, 0) / otherSkincare.reduce((s, e) => s + e.orders, 0);
    expect(pooled).toBeLessThan(0.012);
    expect(findFlaggedSkus(facts.listing)).toEqual([summary.planted.overclaimingSku]);
    const products = inbox.rows.products ?? [];
    expect(products.find((p) => p.sku === summary.planted.overclaimingSku)?.title).toBe('珍稀植物抗皱面霜 Anti-wrinkle cream');
  });

  it('3. the slow channel breaches its first-response SLA far more often than the others', () => {
    const rate = (channel: string): number => {
      const stats = facts.channels.get(channel);
      return stats ? stats.breached / stats.complaints : 0;
    };
    const slow = rate(summary.planted.slowChannel);
    expect(slow).toBeGreaterThan(0.4);
    for (const channel of CHANNELS) {
      if (channel === summary.planted.slowChannel) continue;
      expect(rate(channel), channel).toBeLessThan(0.15);
      expect(slow).toBeGreaterThan(3 * rate(channel));
    }
  });
});
