/**
 * Everything the weekly review reads: the headline numbers, the week's causes and movers, carrier rows,
 * listing flags, SLA rows, waiting complaints and action verdicts, taken from the run's mart snapshot
 * (the same rows the site's pages show).
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { ListingRow } from '../merchandising/merchandising-queries.ts';
import type { ActionEffectRow, CarrierWeekRow, CauseWeekRow, CrisisComplaintRow, OrdersWeekRow, SlaWeekRow } from '../mart-rows.ts';
import { queryMartSnapshot, summarizeSnapshotHeadline, type MartSnapshot } from '../mart-snapshot.ts';
import type { CauseMoverRow } from '../quality/quality-queries.ts';
import { queryCrisisComplaints } from '../service/service-queries.ts';
import type { Headline } from '../shared/headline.ts';
import { queryCauseSources, type CauseSources } from './cause-sources.ts';

export interface ReviewData {
  reportWeek: string;
  asOfText: string;
  /** The newest complaint's opened_at, null when none was loaded. */
  latestComplaintAt: string | null;
  headline: Headline;
  causeWeeks: CauseWeekRow[];
  movers: CauseMoverRow[];
  complaintsPerWeek: { week: string; complaints: number }[];
  ordersPerWeek: OrdersWeekRow[];
  carrierWeeks: CarrierWeekRow[];
  listings: ListingRow[];
  slaWeeks: SlaWeekRow[];
  waitingPastTarget: number;
  /** The report week's crisis complaints, oldest first. */
  crisis: CrisisComplaintRow[];
  actions: ActionEffectRow[];
  /** Of the snapshot's report week (empty for another week). */
  causeSources: CauseSources;
}

/** The review of `reportWeek` (by default the snapshot's) from a snapshot. */
export function selectReviewData(snapshot: MartSnapshot, reportWeek = snapshot.reportWeek): ReviewData {
  const { quality } = snapshot;
  return {
    reportWeek,
    asOfText: snapshot.asOfText,
    latestComplaintAt: snapshot.latestComplaintAt,
    headline: summarizeSnapshotHeadline(snapshot, reportWeek),
    causeWeeks: quality.causeWeeks,
    movers: quality.movers,
    complaintsPerWeek: quality.complaintsPerWeek,
    ordersPerWeek: quality.ordersPerWeek,
    carrierWeeks: snapshot.logistics.carrierWeeks,
    listings: snapshot.listings,
    slaWeeks: snapshot.service.slaWeeks,
    waitingPastTarget: snapshot.service.waiting.length,
    crisis: snapshot.service.crisis.filter((row) => row.week === reportWeek),
    actions: quality.actions,
    causeSources:
      reportWeek === snapshot.reportWeek ? snapshot.causeSources : { byCarrier: [], bySku: [], unclassified: 0, untagged: 0, unclassifiedExamples: [] },
  };
}

/** Reads a fresh snapshot for the review of `reportWeek` (outside a run, e.g. in tests). */
export async function queryReviewData(warehouse: Warehouse, asOf: Date, reportWeek: string): Promise<ReviewData> {
  const snapshot = await queryMartSnapshot(warehouse, asOf);
  const data = selectReviewData(snapshot, reportWeek);
  // the snapshot holds the cause sources and crisis complaints of its own report week (and its neighbours) only
  if (reportWeek === snapshot.reportWeek) return data;
  return { ...data, causeSources: await queryCauseSources(warehouse, reportWeek), crisis: await queryCrisisComplaints(warehouse, reportWeek, reportWeek) };
}
