/**
 * The `rootloop` command line (CONTRACT §1). Every command has --help, exits 0 on success and non-zero
 * with a one-line reason on failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { defaultConfig, loadConfigFile, type Config } from './core/config.ts';
import { inputError, isRootloopError, messageOf } from './core/errors.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { parseAsOf } from './run/as-of.ts';
import { runPipeline } from './run/run-pipeline.ts';
import { defaultPublishers } from './run/publishers.ts';
import { configuredSources } from './sources/configured-sources.ts';
import { assertInboxFolder } from './sources/inbox/load.ts';
import { collectStatusWhenFree, formatStatus, evaluateStatusCheck } from './run/status.ts';

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(seconds)) throw new InvalidArgumentError(`'${value}' is not a whole number of seconds`);
  return seconds;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`'${value}' is not a TCP port`);
  return port;
}

/** Fails before a run, not after it, when the output folder cannot be written. */
function assertWritableFolder(dir: string): void {
  try {
    // Created level by level: Node 20's recursive mkdir spins forever on some paths (under /proc).
    const missing: string[] = [];
    for (let level = dir; !fs.existsSync(level); level = path.dirname(level)) missing.unshift(level);
    for (const level of missing) fs.mkdirSync(level);
    if (!fs.statSync(dir).isDirectory()) throw new Error('it exists and is not a folder');
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw inputError(`output folder ${dir} cannot be written (--out, or paths.out in the config): ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * SIGINT / SIGTERM during a run: the running statement is cancelled and the run rolls back, is
 * recorded as interrupted and releases its lock (as under `rootloop schedule`). A second signal exits
 * at once; DuckDB discards the uncommitted run when the file is next opened.
 */
function stopOnSignals(logger: Logger): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    logger.info({ signal }, `${signal} received: stopping the run (a second ${signal} exits at once)`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function readConfig(file: string | undefined): Promise<Config> {
  return file ? loadConfigFile(file) : defaultConfig();
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('rootloop')
    .description('Complaint root-cause analytics: ingest, model, publish dashboards and the weekly review.')
    // One line (CONTRACT §1): the hint joins the reason instead of following it on a line of its own.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (run with --help for usage)\n`) });

  program
    .command('run')
    .description('one full run: ingest everything new in the inbox, rebuild the models, export the marts, render dashboards and the weekly report')
    .option('--inbox <dir>', 'inbox folder (default: config paths.inbox, else ./inbox)')
    .option('--db <file>', 'DuckDB warehouse file (default: config paths.db, else ./rootloop.duckdb)')
    .option('--out <dir>', 'output folder for marts, site and report (default: config paths.out, else ./out)')
    .option('--as-of <timestamp>', 'fix "now" (ISO 8601; without an offset: local time in the configured timezone)')
    .option('--config <file>', 'config file (JSON, or TypeScript with a default export)')
    .option('--full-rebuild', 'build every model whole, not only the rows whose inputs changed since the last build')
    .option('--quiet', 'only warnings and errors')
    .action(async (options: { inbox?: string; db?: string; out?: string; asOf?: string; config?: string; fullRebuild?: boolean; quiet?: boolean }) => {
      const config = await readConfig(options.config);
      const logger = createLogger({ quiet: options.quiet ?? false });
      const outDir = path.resolve(options.out ?? config.paths.out);
      const asOf = options.asOf === undefined ? undefined : await parseAsOf(options.asOf, config.timezone);
      const inboxDir = path.resolve(options.inbox ?? config.paths.inbox);
      const sources = configuredSources(config);
      // Checked again by the run; here before the warehouse file is created.
      assertInboxFolder(inboxDir, sources.length > 0);
      assertWritableFolder(outDir);
      const stop = stopOnSignals(logger);
      const summary = await runPipeline({
        inboxDir,
        databaseFile: path.resolve(options.db ?? config.paths.db),
        outDir,
        config,
        logger,
        ...(asOf ? { asOf } : {}),
        publishers: defaultPublishers(),
        sources,
        signal: stop.signal,
        fullRebuild: options.fullRebuild === true,
      }).finally(() => stop.dispose());
      const loaded = summary.files.filter((f) => f.status !== 'skipped');
      const quarantined = loaded.reduce((n, f) => n + f.rowsQuarantined, 0);
      // Files that loaded nothing are easy to miss in a row count: name them by kind.
      const setAside = (['unreadable', 'unrecognized'] as const)
        .map((status) => [status, loaded.filter((f) => f.status === status).length] as const)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} file(s) ${status === 'unreadable' ? 'unreadable (quarantined whole)' : 'not recognised by name'}`);
      // A source that failed leaves the run successful with the others (its cursor waits): say so here too.
      const failedSources = summary.sourceFailures.length
        ? `; source(s) FAILED and will be pulled again next run: ${summary.sourceFailures.map((f) => `${f.source} (${f.error})`).join('; ')}`
        : '';
      process.stdout.write(
        `run ${summary.runId} succeeded in ${summary.seconds.toFixed(1)} s: ${loaded.length} new file(s), ${loaded.reduce((n, f) => n + f.rowsLoaded, 0)} rows loaded, ${quarantined} quarantined${setAside.length ? `, ${setAside.join(', ')} (see rootloop status)` : ''}${failedSources}; marts in ${path.join(outDir, 'marts')}\n`,
      );
    });

  program
    .command('status')
    .description('last runs, rows per table, quarantined rows by reason, data freshness')
    .option('--db <file>', 'DuckDB warehouse file (default: config paths.db, else ./rootloop.duckdb)')
    .option('--config <file>', 'config file (JSON, or TypeScript with a default export)')
    .option(
      '--check',
      'exit 1 with a one-line reason when the last run failed, data or marts are stale, or no new complaint has arrived for too long (for monitoring; docs/operations.md lists every condition)',
    )
    .option('--json', 'print the status as JSON')
    .option('--wait <seconds>', 'while a run writes, wait up to this long for it (default: 45 with --check, else 0)', parseSeconds)
    .action(async (options: { db?: string; config?: string; check?: boolean; json?: boolean; wait?: number }) => {
      const config = await readConfig(options.config);
      const databaseFile = path.resolve(options.db ?? config.paths.db);
      // 45 s: under the 60 s a monitor (Nagios, Zabbix) gives a check before calling it dead.
      const waitSeconds = options.wait ?? (options.check ? 45 : 0);
      let status;
      try {
        status = await collectStatusWhenFree(databaseFile, config, waitSeconds);
      } catch (error) {
        // A run still writing is no failure: monitoring conventions (Nagios, Zabbix) read 3 as "unknown, try later".
        if (!(options.check && isRootloopError(error) && error.code === 'DatabaseLockedError')) throw error;
        process.stderr.write(`status check unknown: ${error.message} (waited ${waitSeconds} s)\n`);
        process.exitCode = 3;
        return;
      }
      const problems = options.check ? evaluateStatusCheck(status, config, new Date()) : null;
      // with --json the verdict is part of the document, for a monitor that parses it
      const document = problems ? { ...status, check: { ok: problems.length === 0, problems } } : status;
      process.stdout.write(options.json ? JSON.stringify(document, null, 2) + '\n' : formatStatus(status));
      if (problems) {
        // one line either way, so a monitor's log says what it saw
        process.stderr.write(problems.length ? `status check failed: ${problems.join('; ')}\n` : 'status check ok\n');
        if (problems.length) process.exitCode = 1;
      }
    });

  program
    .command('demo')
    .description('generate a seeded sample data set into an inbox, run the whole pipeline once, print where the dashboards are')
    .option('--out <dir>', 'folder for the demo: inbox/, rootloop.duckdb and the outputs (marts/, site/, report/)', 'rootloop-demo')
    .option(
      '--scale <n>',
      'size multiplier (1 ≈ 40 k order lines)',
      (v) => {
        const n = Number(v);
        if (!(n > 0)) throw new InvalidArgumentError(`'${v}' is not a positive number`);
        return n;
      },
      1,
    )
    .option('--seed <n>', 'random seed (an integer)', (v) => {
      if (!/^[+-]?\d+$/.test(v.trim())) throw new InvalidArgumentError(`'${v}' is not an integer`);
      return Number(v);
    })
    .option('--quiet', 'only warnings and errors')
    .action(async (options: { out: string; scale: number; seed?: number; quiet?: boolean }) => {
      const { runDemo } = await import('./run/demo.ts');
      const stop = stopOnSignals(createLogger({ quiet: options.quiet ?? false }));
      try {
        await runDemo({
          outDir: path.resolve(options.out),
          scale: options.scale,
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          quiet: options.quiet ?? false,
          signal: stop.signal,
        });
      } finally {
        stop.dispose();
      }
    });

  program
    .command('serve')
    .description('serve the dashboards (OUT/site) on 127.0.0.1')
    .option('--out <dir>', 'output folder holding site/ (default: config paths.out, else ./out)')
    .option('--port <n>', 'TCP port', parsePort, 8080)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--config <file>', 'config file (JSON, or TypeScript with a default export)')
    .action(async (options: { out?: string; port: number; host: string; config?: string }) => {
      const config = await readConfig(options.config);
      const { serveSite } = await import('../dashboards/site/serve.ts');
      const server = await serveSite({ siteDir: path.join(path.resolve(options.out ?? config.paths.out), 'site'), port: options.port, host: options.host });
      process.stdout.write(`serving ${server.siteDir} at ${server.url}\n`);
      // Ctrl-C or `systemctl stop` is the normal way to end it: close and exit 0, not die by the signal.
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.once(signal, () => {
          process.stdout.write(`stopped serving (${signal})\n`);
          void server.close().finally(() => process.exit(0));
        });
      // Served anyway: under `rootloop schedule` the first run may simply not have finished yet.
      if (!fs.existsSync(path.join(server.siteDir, 'index.html')))
        process.stderr.write(`rootloop: no site in ${server.siteDir} yet (pages answer 404 until a run writes it); check --out\n`);
    });

  program
    .command('schedule')
    .description("long-running: run the config's jobs on their cron schedules")
    .option('--config <file>', 'config file (JSON, or TypeScript with a default export)')
    .option('--dry-run', 'print the next runs of each job and exit')
    .action(async (options: { config?: string; dryRun?: boolean }) => {
      const config = await readConfig(options.config);
      const { startScheduler, describeNextRuns } = await import('./schedule.ts');
      if (options.dryRun) {
        process.stdout.write(describeNextRuns(config, new Date()));
        return;
      }
      await startScheduler({ config, logger: createLogger() });
    });

  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  const reason = isRootloopError(error) ? `${error.code}: ${error.message}` : messageOf(error).split('\n')[0];
  process.stderr.write(`rootloop: ${reason}\n`);
  if (!isRootloopError(error) && process.env.ROOTLOOP_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  process.exitCode = process.exitCode || 2;
});
