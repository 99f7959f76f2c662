/**
 * Server-side rendering of a Vega-Lite spec to a static SVG: compile to Vega, run a headless View
 * (renderer 'none', so no canvas or DOM is needed) and serialise its scenegraph. Params start at their
 * `value`, i.e. the page's initial filter state.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_WIDTH } from './chart-theme.ts';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

/** vega and vega-lite, imported once on first use (they take a while to load and most commands never render). */
export function loadVegaModules(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    // Without a canvas Vega guesses every character at 0.8 em, which clips Chinese legends (1 em per
    // character) and wastes room on Latin text; a per-character estimate keeps layouts close to the browser's.
    const metrics = (vega as unknown as { textMetrics: { width: (item: { text?: unknown; fontSize?: number }, text?: unknown) => number } }).textMetrics;
    metrics.width = (item, text) => estimateTextWidth(String(flattenText(text ?? item.text)), item.fontSize ?? 11);
    return [vega, vegaLite];
  });
  return modules;
}

function flattenText(text: unknown): string {
  return Array.isArray(text) ? text.join(' ') : text === null || text === undefined ? '' : String(text);
}

/** Width in pixels of `text` at `fontSize`: full-width (CJK) characters 1 em, narrow ones less. */
export function estimateTextWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0x2e80 && code <= 0xffef) ems += 1;
    else if (/[ilIj.,:;'|!]/.test(char)) ems += 0.3;
    else if (char === ' ') ems += 0.3;
    else if (/[A-Z]|[mwMW@%]/.test(char)) ems += 0.68;
    else ems += 0.56;
  }
  return Math.ceil(ems * fontSize);
}

/** Messages Vega-Lite and Vega log while compiling and running a spec. */
export interface RenderLog {
  warnings: string[];
  errors?: string[];
}

/** A logger for vega-lite's compile and vega's View that keeps warnings instead of printing them. */
function createCollectingLogger(log: RenderLog) {
  let level = 0;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      (log.errors ??= []).push(args.map(String).join(' '));
      return logger;
    },
    warn(...args: readonly unknown[]) {
      log.warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Compiles a Vega-Lite spec to a Vega spec; throws on an invalid spec, collects warnings into `log`. */
export async function compileToVega(spec: TopLevelSpec, log: RenderLog = { warnings: [] }) {
  const [, vegaLite] = await loadVegaModules();
  return vegaLite.compile(fixContainerWidth(spec), { logger: createCollectingLogger(log) }).spec;
}

/**
 * A container-wide spec at a fixed width: a headless view has no container to measure. The plot gets
 * CHART_WIDTH less room for axes and legends, without autosize "fit", which would lay the chart out twice.
 */
export function fixContainerWidth(spec: TopLevelSpec, width = CHART_WIDTH): TopLevelSpec {
  if (!('width' in spec) || spec.width !== 'container') return spec;
  const { autosize: _, ...rest } = spec;
  return { ...rest, width: width - STATIC_AXIS_ROOM } as TopLevelSpec;
}

/** Pixels of CHART_WIDTH left to the y axis and a legend in a static render. */
const STATIC_AXIS_ROOM = 110;

/**
 * The chart as a standalone SVG document. Warnings (an empty data set, say) go to `log`, not to the
 * run's output; errors throw.
 */
export async function renderSvg(spec: TopLevelSpec, log: RenderLog = { warnings: [] }): Promise<string> {
  const [vega] = await loadVegaModules();
  const runtime = vega.parse(await compileToVega(spec, log));
  const view = new vega.View(runtime, { renderer: 'none', logger: createCollectingLogger(log) as never, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    if (log.errors?.length) throw new Error(`chart failed to render: ${log.errors.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}
