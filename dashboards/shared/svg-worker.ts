/**
 * The SVG rendering worker: renders the specs the main thread posts ({ id, spec } → { id, svg } or
 * { id, error }). It loads vega as soon as it starts, which overlaps the run's ingest and model builds
 * (DuckDB's threads). Warming the JIT with sample charts as well was measured and bought nothing.
 */
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { loadVegaModules, renderSvg } from './render-svg.ts';

export interface RenderRequest {
  id: number;
  spec: TopLevelSpec;
}

export type RenderReply = { id: number; svg: string } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (request: RenderRequest) => {
    renderSvg(request.spec).then(
      (svg) => port.postMessage({ id: request.id, svg } satisfies RenderReply),
      (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies RenderReply),
    );
  });
  loadVegaModules().catch(() => undefined);
}
