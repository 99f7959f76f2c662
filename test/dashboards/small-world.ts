/**
 * A small hand-built world for the dashboard tests: two complete weeks before as_of (Monday
 * 2026-03-02 00:00 Asia/Shanghai), three carriers, one listing far above its category, an open
 * complaint past its target, two corrective actions, and hostile text in complaint texts and a
 * product title. Arithmetic the tests rely on:
 *
 * - Swift: 100 delivered per week, 15 damaged (transit_damage complaints) in each week →
 *   150 per 1,000, Wilson low ≈ 92.8 > 5 → flagged in the report week 2026-02-23, no action on it →
 *   one proposed action (transit_damage, carrier Swift).
 * - Calm: 100 per week, none damaged; Tiny: 10 per week, none damaged. So the carrier chart has
 *   exactly 3 bars, one per carrier.
 * - CREAM-X: 40 orders in the listing window, 8 with a not_as_described complaint (20 %); LOTION-Y and
 *   SOAP-Z 100 orders and 1 each, so CREAM-X's category rate is 2 / 200 = 1 % → flagged, no action on
 *   it → a second proposed action (not_as_described, sku CREAM-X).
 */
import { writeFiles } from '../helpers/warehouse.ts';

export const SMALL_WORLD_AS_OF = '2026-03-02T00:00:00+08:00';
export const SMALL_WORLD_REPORT_WEEK = '2026-02-23';
export const SMALL_WORLD_CARRIERS = ['Calm', 'Swift', 'Tiny'];

/** Hostile texts: each must stay text on every page and in the review. */
export const HOSTILE_TEXTS = [
  '<script>alert(1)</script> 商品与描述不符',
  'Not as described </script><script>alert(2)</script>',
  '"><img src=x onerror=alert(3)> 包装破损 damaged',
  '\'); alert(4); (\' =HYPERLINK("http://x")',
];
export const HOSTILE_TITLE = 'Cream <b>bold</b></script><script>alert(5)</script>';

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const toCsv = (columns: string[], rows: Record<string, unknown>[]) =>
  [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n') + '\n';

/** Local Shanghai wall time → ISO with offset. */
const at = (date: string, hour: number, minute = 0) => `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export function writeSmallWorld(inboxDir: string): void {
  const orders: Record<string, unknown>[] = [];
  const items: Record<string, unknown>[] = [];
  const shipments: Record<string, unknown>[] = [];
  const complaints: Record<string, unknown>[] = [];
  let hostile = 0;
  const nextHostile = () => HOSTILE_TEXTS[hostile++ % HOSTILE_TEXTS.length]!;

  const weeks = ['2026-02-16', SMALL_WORLD_REPORT_WEEK];
  const plan = [
    { carrier: 'Swift', perWeek: 100, damaged: 15, late: 10 },
    { carrier: 'Calm', perWeek: 100, damaged: 0, late: 5 },
    { carrier: 'Tiny', perWeek: 10, damaged: 0, late: 0 },
  ];
  let n = 0;
  for (const week of weeks) {
    for (const { carrier, perWeek, damaged, late } of plan) {
      for (let i = 0; i < perWeek; i++) {
        n++;
        const day = addDays(week, i % 7);
        const delivered = at(day, 9 + (i % 9), i % 60);
        const orderId = `O${n}`;
        orders.push({ order_id: orderId, customer_id: `C${n % 50}`, ordered_at: at(addDays(day, -3), 10), total_amount: '99.00', merchant_id: 'M1' });
        items.push({ order_id: orderId, line_no: 1, sku: 'BOX-1', quantity: 1, unit_price: 99 });
        const isLate = i < late;
        shipments.push({
          shipment_id: `S${n}`,
          order_id: orderId,
          carrier,
          shipped_at: at(addDays(day, -2), 8),
          promised_at: isLate ? at(addDays(day, -1 - (i % 3)), 9) : at(addDays(day, 1), 9),
          delivered_at: delivered,
          status: 'delivered',
          origin_region: i % 2 ? 'Guangdong' : 'Zhejiang',
          dest_region: i % 3 ? 'Beijing' : 'Shanghai',
        });
        if (i < damaged) {
          complaints.push({
            complaint_id: `D${n}`,
            order_id: orderId,
            shipment_id: `S${n}`,
            channel: i % 2 ? 'chat' : 'hotline',
            opened_at: at(day, 20),
            first_response_at: at(addDays(day, 1), 10),
            status: 'resolved',
            severity: 'important',
            cause_code: 'transit_damage',
            text: i % 3 === 0 ? nextHostile() : '运输途中破损 arrived broken',
          });
        }
      }
    }
  }
  // Listings: orders inside the window (as_of − 28 d, as_of].
  const listings = [
    { sku: 'CREAM-X', orders: 40, nad: 8 },
    { sku: 'LOTION-Y', orders: 100, nad: 1 },
    { sku: 'SOAP-Z', orders: 100, nad: 1 },
  ];
  for (const { sku, orders: count, nad } of listings) {
    for (let i = 0; i < count; i++) {
      n++;
      const day = addDays('2026-02-03', i % 26);
      const orderId = `O${n}`;
      orders.push({ order_id: orderId, customer_id: `C${n % 50}`, ordered_at: at(day, 11), total_amount: '59.00', merchant_id: 'M2' });
      items.push({ order_id: orderId, line_no: 1, sku, quantity: 1, unit_price: 59 });
      if (i < nad) {
        complaints.push({
          complaint_id: `N${n}`,
          order_id: orderId,
          sku,
          channel: i % 2 ? 'email' : 'chat',
          opened_at: at(addDays(day, 1), 15),
          first_response_at: at(addDays(day, 1), 16),
          status: 'resolved',
          severity: 'general',
          cause_code: 'not_as_described',
          text: nextHostile(),
        });
      }
    }
  }
  // Service: one email complaint still waiting at as_of, past its 480-minute business-hours target.
  complaints.push({
    complaint_id: 'WAIT1',
    channel: 'email',
    opened_at: at('2026-02-24', 10),
    status: 'open',
    severity: 'general',
    cause_code: 'service_attitude',
    text: HOSTILE_TEXTS[1],
  });
  // and one answered late.
  complaints.push({
    complaint_id: 'LATE1',
    channel: 'hotline',
    opened_at: at('2026-02-25', 10),
    first_response_at: at('2026-02-26', 17),
    status: 'resolved',
    severity: 'important',
    cause_code: 'service_attitude',
    text: '客服推诿',
  });

  const products = [
    { sku: 'BOX-1', title: '收纳箱 Storage box', category: 'home', merchant_id: 'M1' },
    { sku: 'CREAM-X', title: HOSTILE_TITLE, category: 'skincare', merchant_id: 'M2' },
    { sku: 'LOTION-Y', title: '乳液 Lotion', category: 'skincare', merchant_id: 'M2' },
    { sku: 'SOAP-Z', title: '香皂 Soap', category: 'skincare', merchant_id: 'M2' },
  ];
  const actions = [
    {
      action_id: 'B1',
      cause_code: 'delivery_delay',
      scope_type: 'carrier',
      scope_value: 'Calm',
      title: 'Calm: earlier line-haul',
      owner: 'logistics',
      opened_at: at('2026-01-20', 9),
      implemented_at: at('2026-02-16', 0),
      status: 'implemented',
    },
    {
      action_id: 'B2',
      cause_code: 'service_attitude',
      scope_type: 'channel',
      scope_value: 'email',
      title: 'Email: answer within a business day',
      owner: 'cs',
      opened_at: at('2026-02-20', 9),
      due_at: at('2026-03-04', 18),
      status: 'open',
    },
  ];
  writeFiles(inboxDir, {
    'products.csv': toCsv(['sku', 'title', 'category', 'merchant_id'], products),
    'orders.csv': toCsv(['order_id', 'customer_id', 'ordered_at', 'total_amount', 'merchant_id'], orders),
    'order_items.jsonl': items.map((row) => JSON.stringify(row)).join('\n') + '\n',
    'shipments.csv': toCsv(
      ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status', 'origin_region', 'dest_region'],
      shipments,
    ),
    'complaints.csv': toCsv(
      ['complaint_id', 'order_id', 'shipment_id', 'sku', 'channel', 'opened_at', 'first_response_at', 'status', 'severity', 'cause_code', 'text'],
      complaints,
    ),
    'corrective_actions.csv': toCsv(
      ['action_id', 'cause_code', 'scope_type', 'scope_value', 'title', 'owner', 'opened_at', 'implemented_at', 'due_at', 'status'],
      actions,
    ),
  });
}
