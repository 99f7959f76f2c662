/**
 * The contract's input entities (CONTRACT §2), defined once. Both the set-based SQL validation of bulk
 * files (`entity-checks.ts`) and the zod schemas for small inputs (API payloads, tests) derive from
 * these definitions, so a rejected row reads the same reason wherever it was rejected.
 */

export const SHIPMENT_STATUSES = ['in_transit', 'delivered', 'lost', 'returned', 'exception'] as const;
export const CHANNELS = ['chat', 'hotline', 'app', 'email', 'social', 'other'] as const;
export const COMPLAINT_STATUSES = ['open', 'in_progress', 'resolved', 'closed', 'reopened'] as const;
export const SEVERITIES = ['general', 'important', 'major', 'crisis'] as const;
export const RESOLUTIONS = ['refund', 'reship', 'exchange', 'repair', 'compensation', 'apology', 'none'] as const;
export const SCOPE_TYPES = ['carrier', 'sku', 'category', 'merchant', 'channel', 'global'] as const;
export const ACTION_STATUSES = ['open', 'implemented', 'verified', 'abandoned'] as const;

/** Cause codes and the party responsible for each (CONTRACT §4). */
export const CAUSES = {
  transit_damage: 'carrier',
  delivery_delay: 'carrier',
  lost_parcel: 'carrier',
  packaging: 'warehouse',
  wrong_item: 'warehouse',
  not_as_described: 'merchandising',
  quality_defect: 'supplier',
  service_attitude: 'customer_service',
  refund_process: 'operations',
  customer_expectation: 'customer',
  other: 'unknown',
} as const;
export type CauseCode = keyof typeof CAUSES;
export const CAUSE_CODES = Object.keys(CAUSES) as CauseCode[];

export type Severity = (typeof SEVERITIES)[number];
export type Channel = (typeof CHANNELS)[number];

/**
 * How a column is read from text:
 * - `text`: trimmed; empty is null
 * - `integer` / `decimal`: numeric, with optional bounds
 * - `timestamp`: ISO 8601; without an offset it is local time in the configured timezone
 * - `boolean`: true/false, 1/0, yes/no (case-insensitive)
 * - `enum`: one of `values`, trimmed and matched case-insensitively
 * - `enum_list`: one or more of `values` separated by `|`
 */
export type ColumnType = 'text' | 'integer' | 'decimal' | 'timestamp' | 'boolean' | 'enum' | 'enum_list';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly values?: readonly string[];
  /** Inclusive lower bound for numbers. */
  readonly min?: number;
  /** Exclusive lower bound for numbers (quantity > 0). */
  readonly greaterThan?: number;
  readonly max?: number;
}

export interface EntityDef {
  readonly name: EntityName;
  readonly key: readonly string[];
  readonly columns: readonly ColumnDef[];
}

const req = (name: string, type: ColumnType, extra: Partial<ColumnDef> = {}): ColumnDef => ({ name, type, required: true, ...extra });
const opt = (name: string, type: ColumnType, extra: Partial<ColumnDef> = {}): ColumnDef => ({ name, type, required: false, ...extra });

export const ENTITY_NAMES = ['orders', 'order_items', 'shipments', 'products', 'complaints', 'corrective_actions'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

export const ENTITIES: Record<EntityName, EntityDef> = {
  orders: {
    name: 'orders',
    key: ['order_id'],
    columns: [
      req('order_id', 'text'),
      req('customer_id', 'text'),
      req('ordered_at', 'timestamp'),
      req('total_amount', 'decimal'),
      opt('currency', 'text'),
      opt('merchant_id', 'text'),
      opt('updated_at', 'timestamp'),
    ],
  },
  order_items: {
    name: 'order_items',
    key: ['order_id', 'line_no'],
    columns: [
      req('order_id', 'text'),
      req('line_no', 'integer'),
      req('sku', 'text'),
      req('quantity', 'integer', { greaterThan: 0 }),
      req('unit_price', 'decimal'),
    ],
  },
  shipments: {
    name: 'shipments',
    key: ['shipment_id'],
    columns: [
      req('shipment_id', 'text'),
      req('order_id', 'text'),
      req('carrier', 'text'),
      req('shipped_at', 'timestamp'),
      req('promised_at', 'timestamp'),
      opt('delivered_at', 'timestamp'),
      req('status', 'enum', { values: SHIPMENT_STATUSES }),
      opt('origin_region', 'text'),
      opt('dest_region', 'text'),
      opt('updated_at', 'timestamp'),
    ],
  },
  products: {
    name: 'products',
    key: ['sku'],
    columns: [req('sku', 'text'), req('title', 'text'), req('category', 'text'), opt('merchant_id', 'text'), opt('updated_at', 'timestamp')],
  },
  complaints: {
    name: 'complaints',
    key: ['complaint_id'],
    columns: [
      req('complaint_id', 'text'),
      opt('order_id', 'text'),
      opt('shipment_id', 'text'),
      opt('sku', 'text'),
      req('channel', 'enum', { values: CHANNELS }),
      req('opened_at', 'timestamp'),
      opt('first_response_at', 'timestamp'),
      opt('resolved_at', 'timestamp'),
      req('status', 'enum', { values: COMPLAINT_STATUSES }),
      opt('severity', 'enum', { values: SEVERITIES }),
      opt('cause_code', 'enum_list', { values: CAUSE_CODES }),
      req('text', 'text'),
      opt('escalated', 'boolean'),
      opt('reopened_count', 'integer', { min: 0 }),
      opt('resolution', 'enum', { values: RESOLUTIONS }),
      opt('compensation_amount', 'decimal', { min: 0 }),
      opt('csat', 'integer', { min: 1, max: 5 }),
      opt('followed_up_at', 'timestamp'),
      opt('updated_at', 'timestamp'),
    ],
  },
  corrective_actions: {
    name: 'corrective_actions',
    key: ['action_id'],
    columns: [
      req('action_id', 'text'),
      req('cause_code', 'enum', { values: CAUSE_CODES }),
      req('scope_type', 'enum', { values: SCOPE_TYPES }),
      opt('scope_value', 'text'),
      req('title', 'text'),
      opt('owner', 'text'),
      req('opened_at', 'timestamp'),
      opt('implemented_at', 'timestamp'),
      opt('due_at', 'timestamp'),
      req('status', 'enum', { values: ACTION_STATUSES }),
      opt('updated_at', 'timestamp'),
    ],
  },
};

/** The entity a file belongs to, from its name's prefix (`complaints-2026-11-20.csv` → complaints). */
export function findEntityOfFileName(fileName: string): EntityName | undefined {
  // Longest names first so `order_items-…` is never read as `orders`. Case-insensitive, as extensions,
  // headers and mapping patterns are: `Complaints_2026-11-20.csv` is a complaints drop.
  const lower = fileName.toLowerCase();
  const byLength = [...ENTITY_NAMES].sort((a, b) => b.length - a.length);
  return byLength.find((name) => {
    if (!lower.startsWith(name)) return false;
    const next = lower.charAt(name.length);
    return next === '.' || next === '-' || next === '_';
  });
}
