/**
 * The SQL of pipelines/run/prepare-run-inputs.ts as one batch of literal statements (variables, the
 * regex macros, the cfg_* tables), for the bare-engine reference. The benchmark writes it to a file
 * before starting bare-engine.ts, so that script does not load rootloop's modules (config, zod,
 * kysely …) and its start-up stays that of a bare DuckDB script.
 */
import type { Config } from '../pipelines/core/config.ts';
import { asOfVariableSql, runInputsOf } from '../pipelines/run/prepare-run-inputs.ts';

export function buildRunInputsSql(config: Config, asOf: Date): string {
  return [asOfVariableSql(asOf), ...runInputsOf(config).flatMap((input) => input.statements)].join(';\n');
}
