/**
 * The SQL of pipelines/run/prepare-run-inputs.ts as one batch of literal statements (variables, the
 * regex macros, the cfg_* tables, every model's build mode 'full' and its empty table of changed
 * keys, which the models' SQL names either way), for the bare-engine reference. The benchmark writes it to a file
 * before starting bare-engine.ts, so that script does not load rootloop's modules (config, zod,
 * kysely …) and its start-up stays that of a bare DuckDB script.
 */
import type { Config } from '../pipelines/core/config.ts';
import { asOfVariableSql, runInputsOf, wholeBuildStatements } from '../pipelines/run/prepare-run-inputs.ts';

export function buildRunInputsSql(config: Config, asOf: Date): string {
  return [asOfVariableSql(asOf), ...runInputsOf(config).flatMap((input) => input.statements), ...wholeBuildStatements()].join(';\n');
}
