/**
 * Everything the site and the weekly review read from the warehouse, read once per run. The four
 * dashboards, the overview's headline and the review show overlapping facts (orders per week feeds the
 * p-chart, the headline and the review's p-chart; carrier weeks feed a page, the headline and the
 * review); reading each mart once and sharing the rows keeps the figures identical across outputs and
 * the render's time in JavaScript rather than in repeated queries.
 */
import type { Warehouse } from '../pipelines/core/warehouse.ts';
import { queryLogisticsData, type LogisticsData } from './logistics/logistics-queries.ts';
import { queryListings, type ListingRow } from './merchandising/merchandising-queries.ts';
import { queryQualityData, type QualityData } from './quality/quality-queries.ts';
import { queryServiceData, type ServiceData } from './service/service-queries.ts';
import type { RenderContext } from './shared/dashboard-types.ts';
import { summarizeHeadline, type Headline } from './shared/headline.ts';
import { queryLatestCompleteWeek, queryLocalTimestamp } from './shared/weeks.ts';
import { queryCauseSources, type CauseSources } from './report/cause-sources.ts';

export interface MartSnapshot {
  /** The latest complete week before as_of: the week of the headline and the review. */
  reportWeek: string;
  /** as_of as local ISO 8601. */
  asOfText: string;
  /** The newest complaint's opened_at (local ISO 8601), null when there is none: how fresh the data is. */
  latestComplaintAt: string | null;
  quality: QualityData;
  logistics: LogisticsData;
  listings: ListingRow[];
  service: ServiceData;
  /** The report week's causes by carrier and SKU, and its unclassified complaints. */
  causeSources: CauseSources;
}

/** Reads the marts the outputs show, each once. */
export async function queryMartSnapshot(warehouse: Warehouse, asOf: Date): Promise<MartSnapshot> {
  const reportWeek = await queryLatestCompleteWeek(warehouse, asOf);
  return {
    reportWeek,
    asOfText: await queryLocalTimestamp(warehouse, asOf),
    latestComplaintAt: (await warehouse.one<{ at: string | null }>(`select iso_local(max(opened_at)) as at from fct_complaints`))?.at ?? null,
    quality: await queryQualityData(warehouse, asOf),
    logistics: await queryLogisticsData(warehouse),
    listings: await queryListings(warehouse),
    service: await queryServiceData(warehouse, asOf, reportWeek),
    causeSources: await queryCauseSources(warehouse, reportWeek),
  };
}

const snapshots = new WeakMap<RenderContext, Promise<MartSnapshot>>();

/**
 * The snapshot of this run: read on first call for a context, then shared by the site and report
 * publishers (nothing writes to the warehouse between them).
 */
export function readMartSnapshot(warehouse: Warehouse, context: RenderContext): Promise<MartSnapshot> {
  let snapshot = snapshots.get(context);
  if (!snapshot) {
    snapshot = queryMartSnapshot(warehouse, context.asOf);
    snapshots.set(context, snapshot);
  }
  return snapshot;
}

/** The headline of `week` (by default the report week) from the snapshot's rows. */
export function summarizeSnapshotHeadline(snapshot: MartSnapshot, week = snapshot.reportWeek): Headline {
  return summarizeHeadline(
    {
      complaintsPerWeek: snapshot.quality.complaintsPerWeek,
      ordersPerWeek: snapshot.quality.ordersPerWeek,
      carrierWeeks: snapshot.logistics.carrierWeeks,
      slaWeeks: snapshot.service.slaWeeks,
      listings: snapshot.listings,
      // The service page lists exactly the complaints the headline counts.
      waitingPastTarget: snapshot.service.waiting.length,
      actions: snapshot.quality.actions,
    },
    week,
  );
}
