/**
 * What a dashboard module hands to the site renderer: its charts (a typed Vega-Lite spec each), its
 * tables (already formatted plain text; the page escapes it) and the filters its charts bind to.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Config } from '../../pipelines/core/config.ts';

/** What a run gives an output renderer (structurally the run pipeline's RunContext). */
export interface RenderContext {
  runId: string;
  asOf: Date;
  config: Config;
  outDir: string;
}

export type DashboardId = 'quality' | 'logistics' | 'merchandising' | 'service';

export const DASHBOARD_IDS: readonly DashboardId[] = ['quality', 'logistics', 'merchandising', 'service'];

export interface ChartDefinition {
  kind: 'chart';
  /** Unique within its dashboard; names the SVG and spec files. */
  id: string;
  title: string;
  description: string;
  spec: TopLevelSpec;
  /** Spans the whole row: for a chart whose width grows with its data (a column per region, say). */
  wide?: boolean;
}

/** A table column: numbers align right and stay whole; other cells wrap as `wrap` says. */
export interface TableColumn {
  header: string;
  numeric?: boolean;
  /**
   * Where a cell may wrap. Chinese wraps between any two characters and a date or id at its hyphens,
   * so a wide table squeezed its short columns (包装问题, 已实施, 2026-08-24) to a few characters a
   * line. `never`: one line (ids, dates, codes); `spaces`: only at spaces and punctuation, so 包装问题
   * stays whole and "Customer expectation" may still take two lines. Default: anywhere.
   */
  wrap?: 'never' | 'spaces';
}

export interface TableDefinition {
  kind: 'table';
  id: string;
  title: string;
  description?: string;
  columns: TableColumn[];
  rows: string[][];
}

export type FilterId = 'week-from' | 'week-to' | 'carrier' | 'category' | 'channel';

/** A page-level `<select>`; the charts' Vega-Lite params bind to it by id. */
export interface FilterControl {
  id: FilterId;
  label: string;
  options: { value: string; label: string }[];
  value: string;
}

export interface Dashboard {
  id: DashboardId;
  title: string;
  question: string;
  filters: FilterControl[];
  sections: (ChartDefinition | TableDefinition)[];
}

/** What every dashboard gets besides its rows (assemble*Dashboard). */
export interface DashboardContext {
  asOf: Date;
  labels: import('./labels.ts').Labels;
  format: import('./format.ts').Formatter;
  /** The latest complete week before as_of. */
  reportWeek: string;
  breakageTargetPer1000: number;
  controlChart: Config['controlChart'];
}
