/**
 * Where the week's causes come from: for each cause, its complaints by carrier (causes a carrier is
 * responsible for) or by SKU (the others), so the review names the carrier or listing behind a rising
 * cause instead of only the party. Also the week's unclassified complaints, with a few texts, which are
 * the rule set's gaps. Read from fct_complaints, the mart that holds the attribution.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';

export interface CauseSourceRow {
  cause_code: string;
  /** A carrier or a SKU; null = the complaint is attributed to none. */
  source: string | null;
  complaints: number;
}

export interface CauseSources {
  byCarrier: CauseSourceRow[];
  bySku: CauseSourceRow[];
  unclassified: number;
  /** The week's complaints without an agent's cause tag: the ones the rules classify (as `status` counts them). */
  untagged: number;
  /** Up to three texts of the week's unclassified complaints, the latest first. */
  unclassifiedExamples: string[];
}

/** One scan of the week: each cause by carrier and by SKU (grouping sets), then the unclassified. */
export async function queryCauseSources(warehouse: Warehouse, week: string): Promise<CauseSources> {
  const rows = await warehouse.all<CauseSourceRow & { by_sku: boolean }>(
    `select cause_code, coalesce(carrier, sku) as source, count(*)::integer as complaints, grouping(carrier) = 1 as by_sku
     from (select unnest(string_split(causes, '|')) as cause_code, carrier, sku from fct_complaints where week = $1::date)
     group by grouping sets ((cause_code, carrier), (cause_code, sku))
     order by by_sku, cause_code, complaints desc, source nulls last`,
    [week],
  );
  const unclassified = (await warehouse.one<{ n: number; untagged: number; examples: string[] | null }>(
    `select count(*) filter (where cause_method = 'unclassified')::integer as n,
       count(*) filter (where cause_method <> 'tagged')::integer as untagged,
       list(left(text, 120) order by opened_at desc, complaint_id) filter (where cause_method = 'unclassified' and trim(text) <> '')[1:3] as examples
     from fct_complaints where week = $1::date`,
    [week],
  ))!;
  const source = ({ cause_code, source, complaints }: CauseSourceRow): CauseSourceRow => ({ cause_code, source, complaints });
  return {
    byCarrier: rows.filter((row) => !row.by_sku).map(source),
    bySku: rows.filter((row) => row.by_sku).map(source),
    unclassified: unclassified.n,
    untagged: unclassified.untagged,
    unclassifiedExamples: unclassified.examples ?? [],
  };
}
