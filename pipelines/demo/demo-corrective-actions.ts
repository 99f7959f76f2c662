/** The demo world's corrective_actions.csv: the quality team's fixed log of ten actions. */
import type { CauseCode } from '../../models/entities.ts';
import { formatCsvCell } from './chunked-file.ts';
import { toLocalMinutes } from './local-clock.ts';
import { PLANTED, openFile, type World } from './demo-world-state.ts';

interface ActionRow {
  action_id: string;
  cause_code: CauseCode;
  scope_type: string;
  scope_value: string;
  title: string;
  owner: string;
  opened_at: string;
  implemented_at: string;
  due_at: string;
  status: string;
}

/**
 * The quality team's action log. CA-2026-004 is planted story 1's fix (verdict effective); others are
 * open (pending), implemented too recently to judge (insufficient_data), abandoned, or ordinary.
 */
export function writeCorrectiveActions(world: World): void {
  const at = (date: string, hour = 0): string => world.time.format(toLocalMinutes(date, hour), 'offset');
  const rows: ActionRow[] = [
    {
      action_id: 'CA-2026-001',
      cause_code: 'packaging',
      scope_type: 'category',
      scope_value: 'furniture',
      title: '大件家具加装护角与蜂窝纸板 Corner protectors and honeycomb board for large furniture',
      owner: 'warehouse',
      opened_at: at('2026-08-05', 10),
      implemented_at: at('2026-08-24', 9),
      due_at: at('2026-08-31', 18),
      status: 'verified',
    },
    {
      action_id: 'CA-2026-002',
      cause_code: 'wrong_item',
      scope_type: 'merchant',
      scope_value: 'M07',
      title: '拣货扫码复核 Pick-and-scan verification',
      owner: 'warehouse',
      opened_at: at('2026-08-12', 14),
      implemented_at: at('2026-08-31', 9),
      due_at: at('2026-09-04', 18),
      status: 'implemented',
    },
    {
      action_id: 'CA-2026-003',
      cause_code: 'lost_parcel',
      scope_type: 'carrier',
      scope_value: 'JadeRiver',
      title: '丢件理赔快速通道 Fast-track lost-parcel claims',
      owner: 'logistics',
      opened_at: at('2026-08-20', 11),
      implemented_at: '',
      due_at: at('2026-09-15', 18),
      status: 'abandoned',
    },
    {
      action_id: PLANTED.carrierActionId,
      cause_code: 'transit_damage',
      scope_type: 'carrier',
      scope_value: PLANTED.damagedCarrier,
      title: 'HeronExpress 易碎品分拣规范与加固纸箱 Fragile-goods sorting rules and reinforced cartons',
      owner: 'logistics',
      opened_at: at('2026-09-14', 10),
      implemented_at: at('2026-09-28'),
      due_at: at('2026-09-30', 18),
      status: 'implemented',
    },
    {
      action_id: 'CA-2026-005',
      cause_code: 'delivery_delay',
      scope_type: 'carrier',
      scope_value: PLANTED.damagedCarrier,
      title: '华东分拨中心加开夜班 Extra night shift at the East China hub',
      owner: 'logistics',
      opened_at: at('2026-09-16', 15),
      implemented_at: at('2026-10-05'),
      due_at: at('2026-10-09', 18),
      status: 'verified',
    },
    {
      action_id: 'CA-2026-006',
      cause_code: 'quality_defect',
      scope_type: 'sku',
      scope_value: 'EL-3002',
      title: '快充充电器更换供应商批次 New supplier batch for the fast charger',
      owner: 'sourcing',
      opened_at: at('2026-09-02', 9),
      implemented_at: at('2026-09-21', 9),
      due_at: at('2026-09-25', 18),
      status: 'implemented',
    },
    {
      action_id: 'CA-2026-007',
      cause_code: 'refund_process',
      scope_type: 'global',
      scope_value: '',
      title: '小额退款自动审核 Auto-approve small refunds',
      owner: 'operations',
      opened_at: at('2026-09-25', 10),
      implemented_at: at('2026-10-12', 9),
      due_at: at('2026-10-16', 18),
      status: 'implemented',
    },
    {
      action_id: 'CA-2026-008',
      cause_code: 'customer_expectation',
      scope_type: 'category',
      scope_value: 'apparel',
      title: '服装尺码表改版 Size chart redesign',
      owner: 'merchandising',
      opened_at: at('2026-10-14', 16),
      implemented_at: at('2026-11-02', 9),
      due_at: at('2026-11-06', 18),
      status: 'implemented',
    },
    {
      action_id: 'CA-2026-009',
      cause_code: 'service_attitude',
      scope_type: 'channel',
      scope_value: PLANTED.slowChannel,
      title: '邮件工单分派与首响提醒 Email triage and first-response alerts',
      owner: 'customer_service',
      opened_at: at('2026-11-02', 10),
      implemented_at: at('2026-11-09', 9),
      due_at: at('2026-11-13', 18),
      status: 'implemented',
    },
    {
      action_id: 'CA-2026-010',
      cause_code: 'not_as_described',
      scope_type: 'sku',
      scope_value: PLANTED.overclaimingSku,
      title: '删除面霜夸大功效宣传 Remove exaggerated anti-wrinkle claims from the listing',
      owner: 'merchandising',
      opened_at: at('2026-11-12', 11),
      implemented_at: '',
      due_at: at('2026-11-20', 18),
      status: 'open',
    },
  ];
  const columns = [
    'action_id',
    'cause_code',
    'scope_type',
    'scope_value',
    'title',
    'owner',
    'opened_at',
    'implemented_at',
    'due_at',
    'status',
    'updated_at',
  ] as const;
  const file = openFile(world, 'corrective_actions.csv', columns.join(','));
  for (const row of rows) {
    const updatedAt = [row.implemented_at, row.opened_at].find((value) => value !== '') ?? '';
    const values: Record<(typeof columns)[number], string> = { ...row, updated_at: updatedAt };
    file.pushLine(columns.map((column) => formatCsvCell(values[column])).join(','));
    world.counts.corrective_actions = (world.counts.corrective_actions as number) + 1;
  }
}
