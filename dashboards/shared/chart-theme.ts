/**
 * Shared look of every chart: fonts that carry Chinese glyphs in the browser and in the server-side
 * renderers (resvg picks the first family it has, so the CJK families come before the generic one),
 * the colours that mean something (alert, ok, neutral), and the frame every spec starts from.
 */
import type { Config, TopLevelSpec } from 'vega-lite';

export const CHART_FONT = '"PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif';

export const COLORS = {
  primary: '#4c78a8',
  alert: '#c0392b',
  warn: '#e67e22',
  ok: '#2e8b57',
  neutral: '#95a5a6',
  muted: '#bdc3c7',
  target: '#7f8c8d',
} as const;

export const VERDICT_COLORS: Record<string, string> = {
  effective: COLORS.ok,
  not_effective: COLORS.alert,
  insufficient_data: COLORS.neutral,
  pending: COLORS.muted,
};

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 260;

export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 180 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  title: { fontSize: 14 },
};

/** One entry of a top-level `layer`. */
export type LayerItem = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** Named inline data sets of a spec (the site lifts them into one block per page). */
export type Datasets = Record<string, readonly object[]>;

export interface SpecFrame {
  $schema: string;
  config: Config;
  width: number | 'container' | { step: number };
  height: number | { step: number };
  autosize?: { type: 'fit-x'; contains: 'padding' };
  datasets: NonNullable<TopLevelSpec['datasets']>;
}

/**
 * The frame every spec starts from: schema, look, size and its named data sets. Charts fill their
 * container's width in the browser; the server-side renderers use CHART_WIDTH instead (render-svg.ts).
 */
export function createSpecFrame(datasets: Datasets, size: { width?: number | { step: number }; height?: number | { step: number } } = {}): SpecFrame {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: size.width ?? 'container',
    height: size.height ?? CHART_HEIGHT,
    ...(size.width === undefined ? { autosize: { type: 'fit-x', contains: 'padding' } } : {}),
    datasets: datasets as unknown as NonNullable<TopLevelSpec['datasets']>,
  };
}
