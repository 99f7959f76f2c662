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
  /** Up to three texts of the week's unclassified complaints, the latest first. */
  unclassifiedExamples: string[];
}

const perCause = (column: 'carrier' | 'sku') =>
  `select cause_code, ${column} as source, count(*)::integer as complaints
   from (select unnest(string_split(causes, '|')) as cause_code, ${column} from fct_complaints where week = $1::date)
   group by all
   order by cause_code, complaints desc, source nulls last`;

export async function queryCauseSources(warehouse: Warehouse, week: string): Promise<CauseSources> {
  const unclassified = await warehouse.all<{ text: string | null }>(
    `select left(text, 120) as text from fct_complaints where week = $1::date and cause_method = 'unclassified' order by opened_at desc, complaint_id`,
    [week],
  );
  return {
    byCarrier: await warehouse.all<CauseSourceRow>(perCause('carrier'), [week]),
    bySku: await warehouse.all<CauseSourceRow>(perCause('sku'), [week]),
    unclassified: unclassified.length,
    unclassifiedExamples: unclassified
      .map((row) => row.text)
      .filter((text): text is string => !!text && text.trim() !== '')
      .slice(0, 3),
  };
}
