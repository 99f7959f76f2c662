/**
 * The helpdesk's weekly complaint drops: the file and format of each drop (CSV or JSONL, the schema
 * drift between drops, boolean spellings) and a complaint record written as a CSV or JSONL line.
 */
import { formatCsvCell } from './chunked-file.ts';
import { findLocalDay, formatIsoWeek, type Notation } from './local-clock.ts';
import {
  COMPLAINT_COLUMNS,
  FIRST_WEEK_MINUTES,
  WEEK_COUNT,
  formatYuan,
  openFile,
  type ComplaintColumn,
  type ComplaintRecord,
  type DropFormat,
  type World,
} from './demo-world-state.ts';

/** The export of the first three weeks predates follow-ups and lists text last: the inbox keeps such drift. */
const OLD_EXPORT_COLUMNS: readonly ComplaintColumn[] = [
  'complaint_id',
  'channel',
  'opened_at',
  'order_id',
  'shipment_id',
  'sku',
  'status',
  'severity',
  'cause_code',
  'first_response_at',
  'resolved_at',
  'escalated',
  'reopened_count',
  'resolution',
  'compensation_amount',
  'csat',
  'updated_at',
  'text',
];
/** From week 9 on the helpdesk adds a column the contract does not know; loaders must ignore it. */
const TEAM_FROM_WEEK = 8;
const OLD_EXPORT_BEFORE_WEEK = 3;

function openComplaintDrop(world: World, drop: number | 'updates'): DropFormat {
  const firstWeekDay = findLocalDay(FIRST_WEEK_MINUTES);
  const weekName = formatIsoWeek(world.time.formatDay(firstWeekDay + (drop === 'updates' ? WEEK_COUNT - 1 : drop) * 7));
  const uniform = world.formats === 'parquet-ready';
  const json = world.formats === 'mixed' && typeof drop === 'number' && drop % 2 === 1;
  const columns: readonly ComplaintColumn[] = uniform
    ? COMPLAINT_COLUMNS
    : typeof drop === 'number' && drop < OLD_EXPORT_BEFORE_WEEK
      ? OLD_EXPORT_COLUMNS
      : typeof drop === 'number' && drop >= TEAM_FROM_WEEK
        ? [...COMPLAINT_COLUMNS, 'agent_team']
        : COMPLAINT_COLUMNS;
  const name = drop === 'updates' ? `complaints-${weekName}-updates.csv` : `complaints-${weekName}.${json ? 'jsonl' : 'csv'}`;
  const booleans: readonly [string, string] =
    uniform || typeof drop !== 'number' ? ['true', 'false'] : drop === 6 ? ['yes', 'no'] : drop === 10 ? ['1', '0'] : ['true', 'false'];
  return { file: openFile(world, name, json ? null : columns.join(',')), week: drop, hasBadRow: false, columns, json, booleans };
}

/** The drop's format, its file opened on first use. */
export function findComplaintDrop(world: World, drop: number | 'updates'): DropFormat {
  let format = world.drops.get(drop);
  if (!format) {
    format = openComplaintDrop(world, drop);
    world.drops.set(drop, format);
  }
  return format;
}

function formatTime(world: World, value: number | null, notation: Notation): string {
  return value === null ? '' : world.time.format(value, notation);
}

/** The record as a CSV line in the drop's column order. */
export function formatComplaintCsv(world: World, record: ComplaintRecord, format: DropFormat): string {
  let line = '';
  for (let i = 0; i < format.columns.length; i++) {
    if (i > 0) line += ',';
    line += formatComplaintCell(world, record, format, format.columns[i] as ComplaintColumn);
  }
  return line;
}

function formatComplaintCell(world: World, record: ComplaintRecord, format: DropFormat, column: ComplaintColumn): string {
  switch (column) {
    case 'opened_at':
    case 'first_response_at':
    case 'resolved_at':
    case 'followed_up_at':
    case 'updated_at':
      return formatTime(world, record[column], record.notation);
    case 'escalated':
      return record.escalated ? format.booleans[0] : format.booleans[1];
    case 'compensation_amount':
      return record.compensation_amount === null ? '' : formatYuan(record.compensation_amount);
    case 'csat':
    case 'reopened_count':
      return record[column] === null ? '' : String(record[column]);
    case 'text':
      return formatCsvCell(record.text);
    default:
      return record[column];
  }
}

/** A JSONL record: typed values (numbers, booleans), empty optional columns left out. */
export function formatComplaintJson(world: World, record: ComplaintRecord): string {
  const n = record.notation;
  const entries: [string, string | number | boolean | null][] = [
    ['complaint_id', record.complaint_id],
    ['order_id', record.order_id],
    ['shipment_id', record.shipment_id],
    ['sku', record.sku],
    ['channel', record.channel],
    ['opened_at', formatTime(world, record.opened_at, n)],
    ['first_response_at', formatTime(world, record.first_response_at, n)],
    ['resolved_at', formatTime(world, record.resolved_at, n)],
    ['status', record.status],
    ['severity', record.severity],
    ['cause_code', record.cause_code],
    ['text', record.text],
    ['escalated', record.escalated],
    ['reopened_count', record.reopened_count],
    ['resolution', record.resolution],
    ['compensation_amount', record.compensation_amount === null ? null : record.compensation_amount / 100],
    ['csat', record.csat],
    ['followed_up_at', formatTime(world, record.followed_up_at, n)],
    ['updated_at', formatTime(world, record.updated_at, n)],
  ];
  const object: Record<string, string | number | boolean> = {};
  for (const [key, value] of entries) if (value !== null && value !== '') object[key] = value;
  return JSON.stringify(object);
}
