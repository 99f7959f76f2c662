/**
 * Renders chart SVGs for the site and the review on a worker thread (svg-worker.ts), one per process,
 * started early so vega is loaded by the time a run needs it; the run's main thread stays free for its
 * queries and pages while a second core draws. If the worker cannot start or dies, charts render on
 * this thread instead (render-svg.ts): the same output, only slower.
 */
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg.ts';
import type { RenderReply, RenderRequest } from './svg-worker.ts';

export interface SvgRenderer {
  render(spec: TopLevelSpec): Promise<string>;
}

interface Job {
  spec: TopLevelSpec;
  resolve(svg: string): void;
  reject(error: Error): void;
}

let shared: SvgRenderer | undefined;

/** The process's renderer, started on first call (call it early to give the worker time to warm up). */
export function startSvgRenderer(): SvgRenderer {
  shared ??= createWorkerRenderer();
  return shared;
}

function createWorkerRenderer(): SvgRenderer {
  const jobs = new Map<number, Job>();
  let nextId = 0;
  let worker: Worker | undefined;
  const fallBack = () => {
    worker = undefined;
    for (const [id, job] of jobs) {
      jobs.delete(id);
      renderSvg(job.spec).then(job.resolve, job.reject);
    }
  };
  try {
    worker = new Worker(new URL('./svg-worker-entry.mjs', import.meta.url));
    worker.on('message', (reply: RenderReply) => {
      const job = jobs.get(reply.id);
      if (!job) return;
      jobs.delete(reply.id);
      if ('svg' in reply) job.resolve(reply.svg);
      else job.reject(new Error(reply.error));
      if (jobs.size === 0) worker?.unref();
    });
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    // An idle worker must not keep the process alive; it is referenced only while jobs are out. (After
    // the listeners: adding a 'message' listener references the worker again.)
    worker.unref();
  } catch {
    worker = undefined;
  }
  return {
    render(spec) {
      const current = worker;
      if (!current) return renderSvg(spec);
      return new Promise<string>((resolve, reject) => {
        const id = nextId++;
        jobs.set(id, { spec, resolve, reject });
        current.ref();
        current.postMessage({ id, spec } satisfies RenderRequest);
      });
    },
  };
}
