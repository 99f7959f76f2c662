/**
 * Decides how this run builds fct_complaints: whole, or only the complaints whose row can have changed
 * since the last build (the rest of the table stays as it is). At benchmark scale L (1 M complaints)
 * the complaint chain (causes, attribution, SLA clocks, the fact table) took ~10 s of the run's ~21 s
 * of models; a daily run touches a few thousand complaints.
 *
 * A complaint's row depends on its own record, on the items and shipments of its order and the
 * product of its SKU (attribution), on as_of (whether a response, resolution or follow-up has happened
 * yet; the minutes waited while there is no response) and on everything else besides records: the
 * config, the rules, the SQL. So the build is incremental only when the last one (model_build_state)
 * saw the same inputs fingerprint and an as_of no later than this run's; it then rebuilds:
 *   - complaints whose record was loaded since (a file id above the last build's),
 *   - complaints opened after the last build's as_of (they were not there yet),
 *   - complaints still moving with as_of: no first response, or a response, resolution or follow-up
 *     after the last build's as_of,
 *   - complaints whose attributed order got items or shipments since, whose attributed or named
 *     shipment got a version since, whose SKU's product got a version since,
 *   - complaints that left the raw tables or whose order lost a shipment (raw_removed_rows).
 * Anything else (first build, another fingerprint, an earlier as_of, a missing table) builds it whole.
 * An equivalence test (test/models/incremental-facts.test.ts) holds both ways to the same rows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.ts';
import { SQL_DIR, type Warehouse } from '../core/warehouse.ts';
import { crisisTextMacroSql } from '../../models/safety-words.ts';
import { causeRuleSet, CHANGED_COMPLAINTS, loadShippedCauseRules, matchedCausesMacroSql } from './prepare-run-inputs.ts';

export const COMPLAINT_FACTS = 'fct_complaints';

export interface ComplaintFactPlan {
  mode: 'full' | 'incremental';
  /** Why: for the run log and whoever wonders why a run took longer than the last. */
  reason: string;
  /** Complaints rebuilt by an incremental build (opened up to as_of or not); null for a full build. */
  changedComplaints: number | null;
  fingerprint: string;
}

/**
 * Everything besides the records that shapes fct_complaints: the whole config (simpler to trust than a
 * hand-kept list of the settings that matter; a config edit is rare and costs one full build), the
 * SQL of every model and macro, the shipped cause rules and the macros the run generates from them.
 */
export function complaintFactInputsFingerprint(config: Config): string {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify(config));
  for (const layer of ['macros', 'staging', 'intermediate', 'marts']) {
    const dir = path.join(SQL_DIR, layer);
    for (const file of fs.readdirSync(dir).sort()) hash.update(`\n-- ${layer}/${file}\n`).update(fs.readFileSync(path.join(dir, file)));
  }
  hash.update(crisisTextMacroSql(config.severityRules));
  hash.update(matchedCausesMacroSql(causeRuleSet(loadShippedCauseRules(), config.causeRules)));
  return hash.digest('hex');
}

interface BuildState {
  inputs_fingerprint: string;
  as_of: Date;
  last_file_id: number;
}

async function lastBuildOf(warehouse: Warehouse, model: string): Promise<BuildState | undefined> {
  return warehouse.one<BuildState>('select inputs_fingerprint, as_of, last_file_id from model_build_state where model = $1', [model]);
}

async function tableExists(warehouse: Warehouse, name: string): Promise<boolean> {
  return (await warehouse.scalar(`select count(*) from duckdb_tables() where not temporary and schema_name = 'main' and table_name = $1`, [name])) > 0;
}

/**
 * Plans the build and prepares what int_complaints_to_build reads: the variable `complaint_facts_build`
 * ('full' or 'incremental') and the run table of changed complaints. Call after prepareRunInputs
 * (which sets as_of, creates the table and defaults to a full build), before the models.
 */
export async function planComplaintFacts(warehouse: Warehouse, config: Config, asOf: Date): Promise<ComplaintFactPlan> {
  const fingerprint = complaintFactInputsFingerprint(config);
  await warehouse.run(`delete from ${CHANGED_COMPLAINTS}`);
  const full = async (reason: string): Promise<ComplaintFactPlan> => {
    await warehouse.run(`set variable complaint_facts_build = 'full'`);
    return { mode: 'full', reason, changedComplaints: null, fingerprint };
  };
  const last = await lastBuildOf(warehouse, COMPLAINT_FACTS);
  if (!last) return full('no earlier build');
  if (!(await tableExists(warehouse, COMPLAINT_FACTS))) return full(`${COMPLAINT_FACTS} is missing`);
  if (last.inputs_fingerprint !== fingerprint) return full('the config, the rules or the SQL changed since the last build');
  if (asOf < last.as_of) return full(`as_of ${asOf.toISOString()} is before the last build's (${last.as_of.toISOString()})`);

  const params = [last.last_file_id, last.as_of];
  const newSince = (table: string) => `select * from ${table} where _file_id > $1`;
  await warehouse.run(
    `insert into ${CHANGED_COMPLAINTS}
     select complaint_id from raw_complaints where _file_id > $1
     union
     select complaint_id from raw_complaints
     where opened_at <= getvariable('as_of')
       and (opened_at > $2 or first_response_at is null or first_response_at > $2 or resolved_at > $2 or followed_up_at > $2)
     union
     select complaint_id from ${COMPLAINT_FACTS} where order_id in (
       select order_id from (${newSince('raw_order_items')})
       union select order_id from (${newSince('raw_shipments')})
       union select order_id from raw_removed_rows where entity = 'shipments')
     union
     select complaint_id from ${COMPLAINT_FACTS} where shipment_id in (select shipment_id from (${newSince('raw_shipments')}))
     union
     select complaint_id from ${COMPLAINT_FACTS} where sku in (select sku from (${newSince('raw_products')}))
     union
     select key_value from raw_removed_rows where entity = 'complaints'`,
    params,
  );
  await warehouse.run(`set variable complaint_facts_build = 'incremental'`);
  const changed = await warehouse.scalar(`select count(*) from ${CHANGED_COMPLAINTS}`);
  return {
    mode: 'incremental',
    reason: `${changed} complaint(s) changed since the build for ${last.as_of.toISOString()}`,
    changedComplaints: changed,
    fingerprint,
  };
}

/** Notes what the build just made saw (after the models, inside the run's transaction). */
export async function recordComplaintFacts(warehouse: Warehouse, plan: ComplaintFactPlan, asOf: Date): Promise<void> {
  await warehouse.run(`delete from model_build_state where model = $1`, [COMPLAINT_FACTS]);
  await warehouse.run(`insert into model_build_state select $1, $2, $3::timestamptz, coalesce((select max(file_id) from ingested_files), 0), now()`, [
    COMPLAINT_FACTS,
    plan.fingerprint,
    asOf,
  ]);
  await warehouse.run(`delete from raw_removed_rows`);
}
