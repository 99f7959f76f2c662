/**
 * The page-level filters (week range, carrier, category, channel). Each is one `<select>` on the page;
 * every chart that honours a filter declares a Vega-Lite param bound directly to that element, so one
 * control drives all charts of the page. The predicates below are fixed expressions over params and
 * fields: values from the data never become expression text.
 */
import type { Binding } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { FilterControl, FilterId } from './dashboard-types.ts';
import type { Labels } from './labels.ts';

/** A variable param as Vega-Lite's top-level `params` holds it. */
export type ChartParam = NonNullable<TopLevelSpec['params']>[number];

export interface FilterState {
  weekFrom: string;
  weekTo: string;
  carrier: string;
  category: string;
  channel: string;
}

const PARAM_OF_FILTER: Record<FilterId, keyof FilterState> = {
  'week-from': 'weekFrom',
  'week-to': 'weekTo',
  carrier: 'carrier',
  category: 'category',
  channel: 'channel',
};

/** The element id of a filter's `<select>`. */
export function filterElementId(id: FilterId): string {
  return `filter-${id}`;
}

/**
 * Binds to the existing `<select>` of the page. Vega accepts a CSS selector for a direct binding; its
 * typings only name Element, hence the cast.
 */
function bindToElement(id: FilterId): Binding {
  return { element: `#${filterElementId(id)}` as unknown as Element };
}

/** The Vega-Lite params for `filters`, starting at `state` (the same value the page's selects start at). */
export function buildFilterParams(filters: readonly FilterId[], state: FilterState): ChartParam[] {
  return filters.map((id) => ({ name: PARAM_OF_FILTER[id], value: state[PARAM_OF_FILTER[id]], bind: bindToElement(id) }));
}

/** Rows whose `week` lies in the selected range. */
export const WEEK_RANGE_TEST = 'datum.week >= weekFrom && datum.week <= weekTo';
/** Rows of the week selected as "to" (movers). */
export const WEEK_TO_TEST = 'datum.week === weekTo';
/** An empty selection means all. */
export const CARRIER_TEST = "carrier === '' || datum.carrier === carrier";
export const CATEGORY_TEST = "category === '' || datum.category === category";
export const CHANNEL_TEST = "channel === '' || datum.channel === channel";

/**
 * The initial filter state for a page: weeks from up to 12 weeks before the latest complete week to that
 * week (the week in progress would mislead), everything else "all".
 */
export function createInitialFilterState(weeks: readonly string[], reportWeek: string): FilterState {
  const complete = weeks.filter((week) => week <= reportWeek);
  const to = complete.at(-1) ?? weeks.at(-1) ?? reportWeek;
  const from = complete.at(-13) ?? complete[0] ?? weeks[0] ?? reportWeek;
  return { weekFrom: from, weekTo: to, carrier: '', category: '', channel: '' };
}

/** The `<select>` controls of a page. */
export function buildFilterControls(
  filters: readonly FilterId[],
  state: FilterState,
  labels: Labels,
  choices: { weeks?: readonly string[]; carriers?: readonly string[]; categories?: readonly string[]; channels?: readonly { value: string; label: string }[] },
): FilterControl[] {
  const all = { value: '', label: labels.site.all };
  const plain = (values: readonly string[] | undefined) => (values ?? []).map((value) => ({ value, label: value }));
  const weekOptions = plain(choices.weeks);
  const make = (id: FilterId): FilterControl => {
    const value = state[PARAM_OF_FILTER[id]];
    switch (id) {
      case 'week-from':
        return { id, label: labels.filter.weekFrom, options: weekOptions, value };
      case 'week-to':
        return { id, label: labels.filter.weekTo, options: weekOptions, value };
      case 'carrier':
        return { id, label: labels.filter.carrier, options: [all, ...plain(choices.carriers)], value };
      case 'category':
        return { id, label: labels.filter.category, options: [all, ...plain(choices.categories)], value };
      case 'channel':
        return { id, label: labels.filter.channel, options: [all, ...(choices.channels ?? [])], value };
    }
  };
  return filters.map(make);
}
