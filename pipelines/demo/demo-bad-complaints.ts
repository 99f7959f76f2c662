/** Planted story 4 in the complaint drops: one row that breaks the contract in each of five weekly drops. */
import { MINUTES_PER_DAY } from './local-clock.ts';
import { FIRST_WEEK_MINUTES, type ComplaintRecord, type DropFormat, type World } from './demo-world-state.ts';
import { findComplaintDrop, formatComplaintCsv, formatComplaintJson } from './demo-complaint-drops.ts';

/** One bad complaint row in each listed weekly drop, written after its first lines (mid-file at scale 1). */
export const BAD_COMPLAINTS: readonly { week: number; kind: 'extraField' | 'unknownChannel' | 'badTime' | 'missingKey' | 'unknownCause' }[] = [
  { week: 2, kind: 'extraField' },
  { week: 5, kind: 'unknownChannel' },
  { week: 8, kind: 'badTime' },
  { week: 11, kind: 'missingKey' },
  { week: 12, kind: 'unknownCause' },
];
export const BAD_ROW_AFTER_LINES = 40;

/** Writes the week's planted bad row, if the week has one (never in a `parquet-ready` world). */
export function writePlantedBadComplaint(world: World, week: number): void {
  if (world.formats === 'parquet-ready') return;
  const planted = BAD_COMPLAINTS.find((bad) => bad.week === week);
  if (!planted) return;
  // Thursday 10:00 of the drop's week.
  const openedAt = FIRST_WEEK_MINUTES + (week * 7 + 3) * MINUTES_PER_DAY + 10 * 60;
  const record: ComplaintRecord = {
    complaint_id: `K${String(++world.nextComplaint).padStart(8, '0')}`,
    order_id: world.nextOrder > 0 ? `O${String(world.nextOrder).padStart(8, '0')}` : '',
    shipment_id: '',
    sku: '',
    channel: 'chat',
    opened_at: openedAt,
    first_response_at: openedAt + 15,
    resolved_at: null,
    status: 'in_progress',
    severity: 'general',
    cause_code: '',
    text: '请问发票什么时候能开好',
    escalated: false,
    reopened_count: 0,
    resolution: '',
    compensation_amount: null,
    csat: null,
    followed_up_at: null,
    updated_at: openedAt + 15,
    agent_team: 'T1',
    notation: 'offset',
  };
  const format = findComplaintDrop(world, planted.week);
  let line: string;
  switch (planted.kind) {
    case 'extraField': {
      // A text with an unquoted comma: one field too many (only a CSV drop can hold this).
      record.text = 'Parcel left at the gate, nobody rang';
      const cells = formatComplaintCsv(world, { ...record, text: 'PLACEHOLDER' }, format);
      line = cells.replace('PLACEHOLDER', record.text);
      break;
    }
    case 'unknownChannel':
      record.channel = 'fax';
      line = writeBadRow(world, record, format);
      break;
    case 'missingKey':
      record.complaint_id = '';
      line = writeBadRow(world, record, format);
      break;
    case 'unknownCause':
      record.cause_code = 'bad_weather';
      line = writeBadRow(world, record, format);
      break;
    case 'badTime':
      line = writeBadRow(world, record, format).replace(world.time.format(openedAt, 'offset'), 'yesterday');
      break;
  }
  format.file.pushLine(line);
  format.hasBadRow = true;
  world.counts.bad_rows = (world.counts.bad_rows as number) + 1;
}

function writeBadRow(world: World, record: ComplaintRecord, format: DropFormat): string {
  return format.json ? formatComplaintJson(world, record) : formatComplaintCsv(world, record, format);
}
