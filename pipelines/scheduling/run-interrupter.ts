/**
 * Graceful shutdown of a run in progress, through runPipeline's own extension points: the first
 * pulled source of a scheduled run receives the run's warehouse, and from then until the commit
 * begins a shutdown cancels the running DuckDB statement (`interrupt`), so the run fails and rolls
 * back (database, marts, site and report stay as the previous run left them). The ingest step before
 * it finishes first. Once the commit has begun the run is let finish: it then lands whole.
 *
 * The commit is watched by wrapping that one warehouse object's `commit` (nothing global): a shutdown
 * requested before the commit turns it into a rollback.
 */
import type { Logger } from '../core/logger.ts';
import type { Warehouse } from '../core/warehouse.ts';
import type { OutputPublisher, PulledSource, RunContext } from '../run/run-pipeline.ts';
import { interruptedError } from './clock.ts';

const INTERRUPT_EVERY_MS = 50;

export class RunInterrupter {
  /** The run this interrupter watched, once its warehouse was handed over. */
  runId: string | undefined;
  private warehouse: Warehouse | undefined;
  private settled = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.interruptUntilSettled();

  constructor(
    private readonly signal: AbortSignal,
    private readonly logger: Logger,
    /** Told when the model phase starts (progress bars). */
    private readonly onModelsStart?: (context: RunContext) => void,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Goes first in the run's `sources`: it pulls nothing, it attaches the run. */
  readonly source: PulledSource = {
    name: 'shutdown-check',
    pull: async (warehouse: Warehouse, context: RunContext) => {
      this.runId = context.runId;
      if (this.signal.aborted) throw interruptedError('stopped before the models were built: the run rolls back');
      this.attach(warehouse);
      this.logger.debug({ run: context.runId }, 'ingest done; building models (a shutdown now rolls the run back)');
      this.onModelsStart?.(context);
      return [];
    },
  };

  /** Each publisher refuses to start once a shutdown is requested. */
  wrapPublishers(publishers: readonly OutputPublisher[]): OutputPublisher[] {
    return publishers.map((publisher) => ({
      name: publisher.name,
      target: (outDir: string) => publisher.target(outDir),
      render: async (warehouse, stagingDir, context) => {
        if (this.signal.aborted) throw interruptedError(`stopped before ${publisher.name}: the run rolls back`);
        await publisher.render(warehouse, stagingDir, context);
      },
    }));
  }

  /** Each pulled source refuses to start once a shutdown is requested. */
  wrapSources(sources: readonly PulledSource[]): PulledSource[] {
    return sources.map((source) => ({
      name: source.name,
      pull: async (warehouse, context) => {
        if (this.signal.aborted) throw interruptedError(`stopped before pulling ${source.name}: the run rolls back`);
        return source.pull(warehouse, context);
      },
    }));
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    this.signal.removeEventListener('abort', this.onAbort);
  }

  private attach(warehouse: Warehouse): void {
    // runPipeline may start over within one run (a file DuckDB cannot read is set aside): same warehouse, fresh transaction.
    this.settled = false;
    if (this.warehouse !== warehouse) {
      this.warehouse = warehouse;
      const commit = warehouse.commit.bind(warehouse);
      const rollback = warehouse.rollback.bind(warehouse);
      warehouse.commit = async () => {
        if (this.signal.aborted) throw interruptedError('stopped before the commit: the run rolls back');
        this.settle();
        await commit();
      };
      // Once the run rolls back the interrupts have done their work; its failure is then recorded undisturbed.
      warehouse.rollback = async () => {
        this.settle();
        await rollback();
      };
    }
    if (this.signal.aborted) this.interruptUntilSettled();
  }

  private settle(): void {
    this.settled = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * DuckDB's interrupt cancels the statement running at that moment and is forgotten when none runs,
   * so it is repeated until the run rolls back or reaches its commit.
   */
  private interruptUntilSettled(): void {
    const warehouse = this.warehouse;
    if (!warehouse || this.settled || this.disposed || this.timer) return;
    this.logger.info({ run: this.runId }, 'interrupting the running step; the run rolls back');
    const interrupt = () => {
      if (this.settled || this.disposed) return this.settle();
      warehouse.interrupt();
    };
    interrupt();
    this.timer = setInterval(interrupt, INTERRUPT_EVERY_MS);
  }
}
