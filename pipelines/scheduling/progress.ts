/**
 * A progress bar over a run's steps, for a person watching a terminal: shown only when stderr is a
 * terminal and CI is unset (never in services or CI logs), and only once a phase has lasted a second
 * (short runs get no bar). Fed by runPipeline's `onProgress`.
 */
import cliProgress from 'cli-progress';
import type { RunProgress } from '../run/run-pipeline.ts';

export function shouldShowProgress(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI;
}

const SHOW_AFTER_MS = 1000;

export interface RunProgressBar {
  update(progress: RunProgress): void;
  stop(): void;
}

/** A bar per phase with a known number of steps (models); phases of unknown length show none. */
export function createRunProgressBar(options: { enabled: boolean; label?: string }): RunProgressBar {
  let bar: cliProgress.SingleBar | undefined;
  let phase: string | undefined;
  let phaseStartedAt = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(progress) {
      if (!options.enabled) return;
      if (progress.phase !== phase) {
        stop();
        phase = progress.phase;
        phaseStartedAt = Date.now();
      }
      if (progress.total === 0) return;
      if (!bar) {
        if (Date.now() - phaseStartedAt < SHOW_AFTER_MS) return;
        bar = new cliProgress.SingleBar(
          {
            format: `${options.label ?? 'run'} ${progress.phase} [{bar}] {value}/{total} {step}`,
            hideCursor: true,
            clearOnComplete: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(progress.total, progress.done, { step: progress.step });
        return;
      }
      bar.update(progress.done, { step: progress.step });
    },
    stop,
  };
}
