/**
 * What the service dashboard reads: the SLA mart and, from fct_complaints, first-response times binned
 * per week/channel/severity, the complaints still waiting for a first response past their target, and
 * the crisis complaints of the recent weeks.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { CrisisComplaintRow, SlaWeekRow } from '../mart-rows.ts';
import { shiftWeek } from '../shared/weeks.ts';

/** The crisis complaints read: those of the report week and the weeks before it, and of the week after. */
export const CRISIS_WEEKS = 4;

/** Upper edges (minutes) of the first-response bins; the last bin is open-ended. Labels: labels.service.responseBins. */
export const RESPONSE_BIN_EDGES_MINUTES = [15, 30, 60, 120, 240, 480, 1440] as const;

export interface ResponseBinRow {
  week: string;
  channel: string;
  severity: string;
  response_bin: number;
  is_breached: boolean;
  complaints: number;
}

export interface WaitingComplaintRow {
  complaint_id: string;
  week: string;
  channel: string;
  severity: string;
  status: string;
  opened_at: string;
  /** Calendar hours from opened_at to as_of. */
  age_hours: number;
  sla_target_minutes: number;
  elapsed_minutes_at_as_of: number;
  excerpt: string | null;
}

export interface ServiceData {
  slaWeeks: SlaWeekRow[];
  responseBins: ResponseBinRow[];
  waiting: WaitingComplaintRow[];
  /** Crisis complaints opened since CRISIS_WEEKS − 1 weeks before the report week, oldest first. */
  crisis: CrisisComplaintRow[];
}

export async function querySlaWeeks(warehouse: Warehouse): Promise<SlaWeekRow[]> {
  return warehouse.all<SlaWeekRow>(
    `select strftime(week, '%Y-%m-%d') as week, channel, severity, complaints::integer as complaints, responded::integer as responded,
       breached::integer as breached, breach_rate, median_first_response_minutes, p90_first_response_minutes,
       awaiting_within_target::integer as awaiting_within_target, median_resolution_hours, escalation_rate, reopen_rate, followup_rate, csat_avg
     from mart_sla_weekly
     order by week, channel, severity`,
  );
}

export async function queryResponseBins(warehouse: Warehouse): Promise<ResponseBinRow[]> {
  const binCase = `case ${RESPONSE_BIN_EDGES_MINUTES.map((edge, i) => `when first_response_minutes < ${edge} then ${i}`).join(' ')} else ${RESPONSE_BIN_EDGES_MINUTES.length} end`;
  return warehouse.all<ResponseBinRow>(
    `select strftime(week, '%Y-%m-%d') as week, channel, severity, ${binCase} as response_bin,
       coalesce(sla_breached, false) as is_breached, count(*)::integer as complaints
     from fct_complaints
     where first_response_minutes is not null
     group by all
     order by week, channel, severity, response_bin`,
  );
}

/** Complaints still open at as_of, without a first response, past their SLA target; oldest first. */
export async function queryWaitingComplaints(warehouse: Warehouse, asOf: Date): Promise<WaitingComplaintRow[]> {
  return warehouse.all<WaitingComplaintRow>(
    `select complaint_id, strftime(week, '%Y-%m-%d') as week, channel, severity, status, iso_local(opened_at) as opened_at,
       date_diff('minute', opened_at, $1::timestamptz) / 60.0 as age_hours,
       sla_target_minutes::integer as sla_target_minutes, elapsed_minutes_at_as_of, left(text, 120) as excerpt
     from fct_complaints
     where first_response_minutes is null and sla_breached and status in ('open', 'in_progress', 'reopened')
     order by opened_at, complaint_id`,
    [asOf],
  );
}

/** Crisis complaints opened in the weeks from `fromWeek` through `toWeek` (Mondays, YYYY-MM-DD), oldest first. */
export async function queryCrisisComplaints(warehouse: Warehouse, fromWeek: string, toWeek: string): Promise<CrisisComplaintRow[]> {
  return warehouse.all<CrisisComplaintRow>(
    `select complaint_id, strftime(week, '%Y-%m-%d') as week, iso_local(opened_at) as opened_at, channel, status, severity_method,
       causes, sku, first_response_minutes, sla_target_minutes::integer as sla_target_minutes, coalesce(sla_breached, false) as sla_breached,
       elapsed_minutes_at_as_of, left(text, 120) as excerpt
     from fct_complaints
     where severity = 'crisis' and week between $1::date and $2::date
     order by opened_at, complaint_id`,
    [fromWeek, toWeek],
  );
}

export async function queryServiceData(warehouse: Warehouse, asOf: Date, reportWeek: string): Promise<ServiceData> {
  return {
    slaWeeks: await querySlaWeeks(warehouse),
    responseBins: await queryResponseBins(warehouse),
    waiting: await queryWaitingComplaints(warehouse, asOf),
    // the week after the report week is the one as_of falls in: its crisis complaints are the newest
    crisis: await queryCrisisComplaints(warehouse, shiftWeek(reportWeek, -(CRISIS_WEEKS - 1)), shiftWeek(reportWeek, 1)),
  };
}
