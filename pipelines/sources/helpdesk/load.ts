/**
 * The helpdesk (Zendesk) as a pulled source of a run: page through the incremental ticket export into a
 * temp JSON-lines file (extract.ts, nothing written to the warehouse), then, inside the run's
 * transaction, load the complaint records through the inbox's JSONL reader and the shared loader (same
 * validation and quarantine; a ticket seen on two pages is one record, the later version winning), record
 * the batch in the ledger (source `helpdesk`) and only then store the export's cursor.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SafetyWords } from '../../../models/safety-words.ts';
import type { HelpdeskSourceConfig } from '../../core/config.ts';
import { configError, sourceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import type { IngestedFileReport } from '../inbox/load.ts';
import { loadPulledBatch } from '../pulled/load-pulled-batch.ts';
import { readCursorFrom, saveCursor } from '../pulled/source-cursors.ts';
import { fetchTickets } from './extract.ts';
import { HELPDESK_SOURCE, HELPDESK_STREAM } from './schema.ts';
import { CAUSE_CODES, CHANNELS, COMPLAINT_STATUSES, SEVERITIES } from '../../../models/entities.ts';

export interface HelpdeskSourceOptions {
  /** Environment to read the email and token from (default process.env). */
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  /** The config's severityRules, so a ticket's priority never hides a safety complaint. */
  safetyWords?: SafetyWords;
}

/** Checks the maps of the config against the contract's values (a ConfigError naming the key). */
function checkHelpdeskConfig(config: HelpdeskSourceConfig): void {
  const check = (key: string, map: Record<string, string>, allowed: readonly string[]) => {
    for (const [from, to] of Object.entries(map)) {
      if (!allowed.includes(to)) throw configError(`sources.helpdesk.${key}.${from} = '${to}' is not one of ${allowed.join(', ')}`);
    }
  };
  check('statusMap', config.statusMap, COMPLAINT_STATUSES);
  check('channelMap', config.channelMap, CHANNELS);
  check('priorityToSeverity', config.priorityToSeverity, SEVERITIES);
  check('causeValues', config.causeValues, CAUSE_CODES);
  check('causeTags', config.causeTags, CAUSE_CODES);
}

/** Basic auth with an API token: `{email}/token:{token}`. */
function buildAuthorization(config: HelpdeskSourceConfig, env: NodeJS.ProcessEnv): string {
  const email = env[config.emailEnv];
  const token = env[config.tokenEnv];
  const missing = [!email && config.emailEnv, !token && config.tokenEnv].filter(Boolean);
  if (missing.length) throw sourceError(`helpdesk: environment variable(s) ${missing.join(', ')} not set (sources.helpdesk.emailEnv / tokenEnv)`, false);
  return `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`;
}

export function createHelpdeskSource(config: HelpdeskSourceConfig, options: HelpdeskSourceOptions = {}) {
  checkHelpdeskConfig(config);
  if (!config.baseUrl) throw configError('sources.helpdesk.baseUrl is required (e.g. https://acme.zendesk.com)');
  return {
    name: HELPDESK_SOURCE,
    async pull(warehouse: Warehouse, context: { runId: string; log?: Pick<Logger, 'warn'> }): Promise<IngestedFileReport[]> {
      const authorization = buildAuthorization(config, options.env ?? process.env);
      // Zendesk's cursors belong to one account: another baseUrl starts from the beginning.
      const origin = new URL(config.baseUrl!).origin;
      const cursor = await readCursorFrom(warehouse, HELPDESK_STREAM, origin, (previous) =>
        context.log?.warn({ previous, now: origin }, `helpdesk now reads ${origin} (was ${previous}): pulling its tickets from the start`),
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-helpdesk-'));
      try {
        const fetched = await fetchTickets({
          config,
          authorization,
          cursor,
          dir,
          ...(options.sleep ? { sleep: options.sleep } : {}),
          ...(options.safetyWords ? { safetyWords: options.safetyWords } : {}),
        });
        const report = await loadPulledBatch(warehouse, context.runId, {
          source: HELPDESK_SOURCE,
          name: `helpdesk:tickets@${context.runId}`,
          entity: 'complaints',
          format: 'jsonl',
          file: fetched.file,
          records: fetched.records,
          recordProblems: fetched.schemaProblems,
        });
        // Deleted in the helpdesk (after a pull, or between two of its pages): gone from the warehouse too;
        // only its own rows (with complaintIdPrefix '' a PostgreSQL complaint may carry the same id).
        if (fetched.deletedComplaintIds.length) {
          const ids = JSON.stringify(fetched.deletedComplaintIds);
          const ofDeletedTickets = `complaint_id in (select unnest($1::json::varchar[]))
             and _file_id in (select file_id from ingested_files where source = '${HELPDESK_SOURCE}')`;
          const removed = await warehouse.scalar(`select count(*) from raw_complaints where ${ofDeletedTickets}`, [ids]);
          // Noted for the next build of fct_complaints, which rebuilds only the complaints that changed.
          await warehouse.run(
            `insert into raw_removed_rows (entity, key_value, order_id, removed_at) select 'complaints', complaint_id, order_id, now() from raw_complaints where ${ofDeletedTickets}`,
            [ids],
          );
          await warehouse.run(`delete from raw_complaints where ${ofDeletedTickets}`, [ids]);
          if (removed)
            context.log?.warn(
              { removed, deleted: fetched.deletedComplaintIds.length },
              `removed ${removed} complaint(s) whose tickets were deleted in the helpdesk`,
            );
        }
        // After the rows it covers, in the same transaction.
        await saveCursor(warehouse, HELPDESK_STREAM, fetched.nextCursor, new Date(), origin);
        return [report];
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
