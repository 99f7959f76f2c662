/**
 * `rootloop status`: what a person on call needs at a glance: the last runs and failures, rows per
 * table, quarantined rows by reason with an example, unreadable files, freshness per entity and mart,
 * attribution gaps and the share of untagged complaints the text rules left `other`.
 */
import fs from 'node:fs';
import type { Config } from '../core/config.ts';
import { databaseLockedError, inputError, isRootloopError } from '../core/errors.ts';
import { describeLockHolder, isLockOwnerAlive, readLockHolder } from '../core/lock.ts';
import { readSchedulerLock } from '../scheduling/scheduler-lock.ts';
import { formatLocalTime } from '../scheduling/zoned-time.ts';
import { Warehouse } from '../core/warehouse.ts';
import { ENTITY_NAMES } from '../../models/entities.ts';
import { EXPORTED_MARTS } from '../../models/declarations.ts';

export interface StatusReport {
  databaseFile: string;
  /** The config's time zone: the text report shows every instant in it (the JSON keeps ISO UTC). */
  timeZone: string;
  lockedBy?: string;
  /** A run whose process died after its commit, before its outputs were all published (a stale lock). */
  unpublishedRun?: string;
  /** The scheduler running the jobs of this database, if any (a stale lock says so). */
  scheduler?: string;
  runs: {
    run_id: string;
    job: string;
    status: string;
    started_at: string;
    ended_at: string | null;
    as_of: string | null;
    error_code: string | null;
    error_message: string | null;
  }[];
  tables: { table: string; rows: number }[];
  files: { files: number; rows_read: number; rows_loaded: number; rows_quarantined: number; rows_duplicate: number; unreadable: number; unrecognized: number };
  /** Per reason (its quoted values masked, so one reason groups many rows): the latest example, with its own value. */
  quarantine: { entity: string | null; reason: string; rows: number; example_file: string; example_line: number | null; example_reason: string }[];
  /** The latest inbox files that were not loaded because their name says no entity or format, with why. */
  unrecognisedFiles: { file_name: string; reason: string | null }[];
  freshness: { entity: string; last_ingested_at: string | null; age_hours: number | null }[];
  marts: { mart: string; built_at: string | null; age_hours: number | null }[];
  attribution: { complaints: number; without_shipment: number; without_sku: number } | null;
  untaggedLeftOther: { untagged: number; other: number; share: number | null } | null;
  /**
   * The newest complaint in the marts against the as-of of the last successful run: ingestion times say
   * files arrived, not that they held new complaints (a feed re-sending old rows, fresh products hiding
   * stale complaints).
   */
  newestComplaint?: { opened_at: string; as_of: string; hours_before_as_of: number } | null;
  /** Pulled sources: each stream's cursor, last success, lag (now − last success) and a failure since then. */
  sources: { source: string; cursor_value: string | null; last_success_at: string | null; lag_hours: number | null; last_failure: string | null }[];
  /** Per job of the run log (refresh, weekly-review, run, …): its last run, last success and the failures since. */
  jobs: JobStatus[];
}

export interface JobStatus {
  job: string;
  last_run_id: string;
  last_status: string;
  last_started_at: string;
  last_error: string | null;
  last_success_at: string | null;
  age_hours: number | null;
  failures_since_success: number;
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value));
const hoursSince = (value: unknown, now: Date) => (value instanceof Date ? (now.getTime() - value.getTime()) / 3_600_000 : null);

export async function collectStatus(databaseFile: string, config: Config, now = new Date()): Promise<StatusReport> {
  if (!fs.existsSync(databaseFile)) throw inputError(`no warehouse at ${databaseFile} yet: run \`rootloop run\` or \`rootloop demo\` first`);
  let warehouse: Warehouse;
  try {
    warehouse = await Warehouse.open(databaseFile, { timezone: config.timezone, readOnly: true, migrate: false });
  } catch (error) {
    if (isRootloopError(error) && error.code === 'DatabaseLockedError')
      throw databaseLockedError(describeLockHolder(databaseFile, readLockHolder(databaseFile)));
    throw error;
  }
  try {
    const db = await warehouse.kysely();
    const runs = (await db.selectFrom('runs').selectAll().orderBy('started_at', 'desc').limit(10).execute()).map((r) => ({
      run_id: String(r.run_id),
      job: String(r.job),
      status: String(r.status),
      started_at: iso(r.started_at) ?? '',
      ended_at: iso(r.ended_at),
      as_of: iso(r.as_of),
      error_code: (r.error_code as string | null) ?? null,
      error_message: (r.error_message as string | null) ?? null,
    }));
    const tableNames = [...ENTITY_NAMES.map((e) => `raw_${e}`), 'quarantine', ...EXPORTED_MARTS];
    const tables = [];
    for (const table of tableNames)
      if (await warehouse.tableExists(table)) tables.push({ table, rows: await warehouse.scalar(`select count(*) from "${table}"`) });
    const files = (await warehouse.one<StatusReport['files']>(`
      select count(*) as files, coalesce(sum(rows_read), 0) as rows_read, coalesce(sum(rows_loaded), 0) as rows_loaded,
        coalesce(sum(rows_quarantined), 0) as rows_quarantined, coalesce(sum(rows_duplicate), 0) as rows_duplicate,
        count(*) filter (where status = 'unreadable') as unreadable, count(*) filter (where status = 'unrecognized') as unrecognized
      from ingested_files`))!;
    const unrecognisedFiles = await warehouse.all<StatusReport['unrecognisedFiles'][number]>(
      `select file_name, error as reason from ingested_files where status = 'unrecognized' order by file_id desc limit 10`,
    );
    const quarantine = await warehouse.all<StatusReport['quarantine'][number]>(`
      select entity, regexp_replace(reason, '''[^'']*''', '''…''', 'g') as reason, count(*) as rows,
        arg_max(file_name, (file_id, line_number)) as example_file, arg_max(line_number, (file_id, line_number)) as example_line,
        arg_max(reason, (file_id, line_number)) as example_reason
      from quarantine group by all order by rows desc limit 20`);
    const freshnessRows = await warehouse.all<{ entity: string; last: Date | null }>(
      // fresh data is rows that loaded: a drop whose every row was quarantined (or a header-only file)
      // leaves the entity as stale as before
      `select entity, max(ingested_at) as last from ingested_files where status = 'loaded' and rows_loaded > 0 group by entity`,
    );
    const freshness = ENTITY_NAMES.map((entity) => {
      const row = freshnessRows.find((r) => r.entity === entity);
      return { entity, last_ingested_at: iso(row?.last ?? null), age_hours: hoursSince(row?.last ?? null, now) };
    });
    const lastSuccess = await db
      .selectFrom('runs')
      .select((eb) => eb.fn.max('ended_at').as('ended_at'))
      .where('status', '=', 'succeeded')
      .executeTakeFirst();
    const marts = [];
    for (const mart of EXPORTED_MARTS) {
      const exists = await warehouse.tableExists(mart);
      marts.push({
        mart,
        built_at: exists ? iso(lastSuccess?.ended_at ?? null) : null,
        age_hours: exists ? hoursSince(lastSuccess?.ended_at ?? null, now) : null,
      });
    }
    let newestComplaint: StatusReport['newestComplaint'] = null;
    let attribution: StatusReport['attribution'] = null;
    let untaggedLeftOther: StatusReport['untaggedLeftOther'] = null;
    if (await warehouse.tableExists('fct_complaints')) {
      const newest = await warehouse.one<{ opened_at: Date | null; as_of: Date | null }>(
        `select (select max(opened_at) from fct_complaints) as opened_at,
           (select as_of from runs where status = 'succeeded' order by ended_at desc limit 1) as as_of`,
      );
      if (newest?.opened_at instanceof Date && newest.as_of instanceof Date)
        newestComplaint = {
          opened_at: newest.opened_at.toISOString(),
          as_of: newest.as_of.toISOString(),
          hours_before_as_of: (newest.as_of.getTime() - newest.opened_at.getTime()) / 3_600_000,
        };
      attribution = (await warehouse.one<NonNullable<StatusReport['attribution']>>(
        `select count(*) as complaints, count(*) filter (where shipment_id is null) as without_shipment, count(*) filter (where sku is null) as without_sku from fct_complaints`,
      ))!;
      const other = (await warehouse.one<{ untagged: number; other: number }>(
        `select count(*) filter (where cause_method <> 'tagged') as untagged, count(*) filter (where cause_method = 'unclassified') as other from fct_complaints`,
      ))!;
      untaggedLeftOther = { ...other, share: other.untagged ? other.other / other.untagged : null };
    }
    // A failed pull is a failed `pull:<source>` (or `pull:<source>:<table>`) step of a run that still succeeded (run-pipeline.ts).
    const sources = (
      await warehouse.all(`
        select c.source, c.cursor_value, c.last_success_at,
          (select s.started_at::varchar || ': ' || coalesce(s.error_message, s.error_code, 'failed') from run_steps s
           where s.step in ('pull:' || split_part(c.source, ':', 1), 'pull:' || c.source) and s.status = 'failed' and (c.last_success_at is null or s.started_at > c.last_success_at)
           order by s.started_at desc limit 1) as last_failure
        from source_cursors c
        union all
        -- a source that never succeeded has no cursor yet: still show its last failure
        -- (a step names a whole source, pull:postgres, or one of its tables, pull:postgres:products)
        select substr(s.step, 6), null, null, arg_max(s.started_at::varchar || ': ' || coalesce(s.error_message, s.error_code, 'failed'), s.started_at)
        from run_steps s
        where s.step like 'pull:%' and s.status = 'failed'
          and not exists (select 1 from source_cursors c where c.source = substr(s.step, 6) or split_part(c.source, ':', 1) = substr(s.step, 6))
        group by 1
        order by 1`)
    ).map((r) => ({
      source: String(r.source),
      cursor_value: (r.cursor_value as string | null) ?? null,
      last_success_at: iso(r.last_success_at),
      lag_hours: hoursSince(r.last_success_at, now),
      last_failure: (r.last_failure as string | null) ?? null,
    }));
    const jobs = (
      await warehouse.all(`
        with last_success as (select job, max(ended_at) as at from runs where status = 'succeeded' group by job)
        select r.job, arg_max(r.run_id, r.started_at) as last_run_id, arg_max(r.status, r.started_at) as last_status, max(r.started_at) as last_started_at,
          arg_max(coalesce(r.error_code || ': ', '') || r.error_message, r.started_at) as last_error, any_value(s.at) as last_success_at,
          count(*) filter (where r.status in ('failed', 'interrupted') and (s.at is null or r.started_at > s.at)) as failures_since_success
        from runs r left join last_success s using (job) group by r.job order by max(r.started_at) desc`)
    ).map((r) => ({
      job: String(r.job),
      last_run_id: String(r.last_run_id),
      last_status: String(r.last_status),
      last_started_at: iso(r.last_started_at) ?? '',
      last_error: (r.last_error as string | null) ?? null,
      last_success_at: iso(r.last_success_at),
      age_hours: hoursSince(r.last_success_at, now),
      failures_since_success: Number(r.failures_since_success),
    }));
    const lockHolder = readLockHolder(databaseFile);
    const schedulerHolder = readSchedulerLock(databaseFile);
    const scheduler = schedulerHolder
      ? `pid ${schedulerHolder.pid} on ${schedulerHolder.host} since ${formatLocalTime(new Date(schedulerHolder.startedAt), config.timezone)}${isLockOwnerAlive(schedulerHolder) ? '' : ' (stale: that process is gone; the next `rootloop schedule` takes it over)'}`
      : undefined;
    return {
      databaseFile,
      timeZone: config.timezone,
      ...(lockHolder && !isLockOwnerAlive(lockHolder) && runs.some((r) => r.run_id === lockHolder.runId && r.status === 'succeeded')
        ? { unpublishedRun: lockHolder.runId }
        : {}),
      ...(lockHolder
        ? {
            lockedBy: isLockOwnerAlive(lockHolder)
              ? describeLockHolder(databaseFile, lockHolder)
              : `stale lock of run ${lockHolder.runId} (pid ${lockHolder.pid} is gone; ${
                  runs.some((r) => r.run_id === lockHolder.runId) ? 'it died after its run landed' : 'that run did not land'
                }, and the next run takes the lock over)`,
          }
        : {}),
      ...(scheduler ? { scheduler } : {}),
      runs,
      tables,
      files,
      quarantine,
      unrecognisedFiles,
      freshness,
      marts,
      attribution,
      untaggedLeftOther,
      newestComplaint,
      sources,
      jobs,
    };
  } finally {
    await warehouse.close();
  }
}

/** Problems that make `status --check` fail: a failed last run, stale data or marts. */
export function evaluateStatusCheck(status: StatusReport, config: Config, now: Date): string[] {
  const problems: string[] = [];
  const last = status.runs[0];
  if (!last) problems.push('no run recorded yet');
  else if (last.status !== 'succeeded') problems.push(`last run ${last.run_id} ${last.status}${last.error_message ? `: ${last.error_message}` : ''}`);
  else if (last.error_message) problems.push(`last run ${last.run_id} landed, but: ${last.error_message}`);
  if (status.unpublishedRun)
    problems.push(`run ${status.unpublishedRun} landed but died before publishing; OUT may be partly old until the next run publishes again`);
  const succeeded = status.runs.find((r) => r.status === 'succeeded');
  const age = succeeded?.ended_at ? (now.getTime() - Date.parse(succeeded.ended_at)) / 3_600_000 : Infinity;
  if (age > config.maxDataAgeHours)
    problems.push(Number.isFinite(age) ? `marts are ${age.toFixed(1)} h old (limit ${config.maxDataAgeHours} h)` : 'marts were never built');
  const newestData = Math.min(...status.freshness.map((f) => f.age_hours ?? Infinity));
  if (newestData > config.maxDataAgeHours)
    problems.push(
      Number.isFinite(newestData)
        ? `newest ingested data is ${newestData.toFixed(1)} h old (limit ${config.maxDataAgeHours} h)`
        : 'no data ingested yet (no file has loaded a row)',
    );
  const newest = status.newestComplaint;
  // Marts built over other entities but no complaint at all: a complaints feed that never delivered
  // is the same alarm as one that stopped.
  if (status.attribution?.complaints === 0) problems.push('the marts hold no complaint at all: has the complaints feed ever delivered?');
  if (newest && newest.hours_before_as_of > config.maxComplaintGapHours)
    problems.push(
      `the newest complaint was opened ${newest.hours_before_as_of.toFixed(1)} h before the last run's as-of (limit ${config.maxComplaintGapHours} h, maxComplaintGapHours): has the complaints feed stopped?`,
    );
  // A scheduled job whose latest run failed, even when other jobs succeeded since (a missing weekly review).
  for (const job of status.jobs ?? []) {
    if (job.job === last?.job || job.last_status === 'succeeded' || !config.schedule.jobs.some((j) => j.name === job.job)) continue;
    problems.push(`last ${job.job} run ${job.last_run_id} ${job.last_status}${job.last_error ? `: ${job.last_error}` : ''}`);
  }
  // A pulled source that keeps failing while the runs themselves succeed.
  for (const source of status.sources) {
    if (source.lag_hours !== null && source.lag_hours > config.maxDataAgeHours)
      problems.push(`source ${source.source} last pulled ${source.lag_hours.toFixed(1)} h ago (limit ${config.maxDataAgeHours} h)`);
    if (source.last_success_at === null && source.last_failure)
      problems.push(`source ${source.source} has never been pulled successfully: ${source.last_failure}`);
  }
  return problems;
}

/**
 * collectStatus, waiting up to `waitSeconds` while a run holds the database (status opens it read-only,
 * which DuckDB refuses while another process writes). Runs take seconds to minutes; a check fired
 * during one should report on it once it has landed, not fail.
 */
export async function collectStatusWhenFree(databaseFile: string, config: Config, waitSeconds: number): Promise<StatusReport> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      return await collectStatus(databaseFile, config);
    } catch (error) {
      if (!(isRootloopError(error) && error.code === 'DatabaseLockedError') || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now()))));
    }
  }
}

const pad = (value: unknown, width: number) => String(value ?? '').padEnd(width);

/** Text status is read by people working in the configured zone; instants are shown there, with the offset. */
export function formatStatus(status: StatusReport): string {
  const local = (value: string | null) => (value ? formatLocalTime(new Date(value), status.timeZone) : value);
  const lines: string[] = [`warehouse ${status.databaseFile}  (times in ${status.timeZone})`];
  if (status.lockedBy) lines.push(`lock: ${status.lockedBy}`);
  if (status.scheduler) lines.push(`scheduler: ${status.scheduler}`);
  lines.push('', 'last runs:');
  for (const r of status.runs)
    lines.push(
      `  ${pad(r.run_id, 24)} ${pad(r.job, 14)} ${pad(r.status, 12)} ${local(r.started_at)}${r.as_of ? `  as of ${local(r.as_of)}` : ''}${r.error_message ? `  ${r.error_code}: ${r.error_message}` : ''}`,
    );
  if (!status.runs.length) lines.push('  (none)');
  if (status.jobs?.length) {
    lines.push('', 'jobs:');
    for (const j of status.jobs) {
      const success = j.last_success_at ? `last success ${local(j.last_success_at)} (${j.age_hours?.toFixed(1)} h ago)` : 'never succeeded';
      lines.push(
        `  ${pad(j.job, 16)} last ${pad(j.last_status, 12)} ${success}${j.failures_since_success ? `; ${j.failures_since_success} failure(s) since` : ''}`,
      );
      if (j.last_status !== 'succeeded' && j.last_error) lines.push(`  ${pad('', 16)} ${j.last_error}`);
    }
  }
  lines.push('', 'rows per table:');
  for (const t of status.tables) lines.push(`  ${pad(t.table, 28)} ${t.rows}`);
  const f = status.files;
  lines.push(
    '',
    `files: ${f.files} (${f.unreadable} unreadable, ${f.unrecognized} unrecognised); rows read ${f.rows_read} = loaded ${f.rows_loaded} + quarantined ${f.rows_quarantined} + duplicate ${f.rows_duplicate}`,
  );
  lines.push('', 'quarantine by reason:');
  for (const q of status.quarantine)
    lines.push(
      `  ${pad(q.rows, 7)} ${pad(q.entity ?? '-', 18)} ${q.reason}  (latest: ${q.example_file}${q.example_line ? `:${q.example_line}` : ''}: ${q.example_reason})`,
    );
  if (!status.quarantine.length) lines.push('  (none)');
  if (status.unrecognisedFiles.length) {
    lines.push('', `files not loaded, name not recognised (latest ${status.unrecognisedFiles.length}):`);
    for (const u of status.unrecognisedFiles) lines.push(`  ${u.file_name}${u.reason ? `: ${u.reason}` : ''}`);
  }
  lines.push('', 'freshness (last ingested):');
  for (const e of status.freshness)
    lines.push(`  ${pad(e.entity, 20)} ${local(e.last_ingested_at) ?? 'never'}${e.age_hours !== null ? ` (${e.age_hours.toFixed(1)} h ago)` : ''}`);
  lines.push('', 'marts (last built):');
  for (const m of status.marts)
    lines.push(`  ${pad(m.mart, 28)} ${local(m.built_at) ?? 'never'}${m.age_hours !== null ? ` (${m.age_hours.toFixed(1)} h ago)` : ''}`);
  if (status.attribution)
    lines.push(
      '',
      `attribution: ${status.attribution.without_shipment} of ${status.attribution.complaints} complaints without a shipment, ${status.attribution.without_sku} without a SKU`,
    );
  if (status.newestComplaint)
    lines.push(
      `newest complaint: opened ${local(status.newestComplaint.opened_at)}, ${status.newestComplaint.hours_before_as_of.toFixed(1)} h before the last run's as-of`,
    );
  if (status.untaggedLeftOther) {
    const u = status.untaggedLeftOther;
    lines.push(
      `untagged complaints left 'other' by the text rules: ${u.other} of ${u.untagged}${u.share !== null ? ` (${(100 * u.share).toFixed(1)} %)` : ''}`,
    );
  }
  if (status.sources.length) {
    lines.push('', 'sources:');
    for (const s of status.sources) {
      const lag = s.lag_hours === null ? '' : ` (lag ${s.lag_hours < 1 ? `${Math.round(s.lag_hours * 60)} min` : `${s.lag_hours.toFixed(1)} h`})`;
      lines.push(`  ${pad(s.source, 22)} cursor ${s.cursor_value ?? '-'}  last success ${local(s.last_success_at) ?? 'never'}${lag}`);
      if (s.last_failure) lines.push(`  ${pad('', 22)} failing since last success: ${s.last_failure}`);
    }
  }
  return lines.join('\n') + '\n';
}
