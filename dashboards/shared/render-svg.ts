/**
 * Server-side rendering of a Vega-Lite spec to a static SVG: compile to Vega, run a headless View
 * (renderer 'none', so no canvas or DOM is needed) and serialise its scenegraph. Params start at their
 * `value`, i.e. the page's initial filter state.
 */
import type { TopLevelSpec } from 'vega-lite';

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

/** Compiles a Vega-Lite spec to a Vega spec; throws on an invalid spec. */
export async function compileToVega(spec: TopLevelSpec) {
  const [, vegaLite] = await loadVegaModules();
  return vegaLite.compile(spec).spec;
}

/** The chart as a standalone SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await loadVegaModules();
  const runtime = vega.parse(vegaLite.compile(spec).spec);
  const view = new vega.View(runtime, { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
