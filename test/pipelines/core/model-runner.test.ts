/**
 * The model runner's plan setting (ModelDeclaration.joinsAsWritten): a model that asks for its joins as
 * written is built with DuckDB's build/probe side swap turned off, and the planner is restored after,
 * so the models built next plan as usual. A temp view model lives only on the run's connection and
 * replaces a table of its name that an older file kept.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../pipelines/core/config.ts';
import { buildModels, JOINS_AS_WRITTEN_SETTING } from '../../../pipelines/core/model-runner.ts';
import { prepareRunInputs } from '../../../pipelines/run/prepare-run-inputs.ts';
import { MODELS } from '../../../models/declarations.ts';
import { withWarehouse } from '../../helpers/warehouse.ts';

// The calendar spans the complaints' dates, so their staging view comes first.
const STAGED_COMPLAINTS = MODELS.find((m) => m.name === 'stg_complaints')!;

describe('model runner', () => {
  it('builds a model with its joins as written when it asks, and restores the planner after', async () => {
    await withWarehouse(async (warehouse) => {
      await prepareRunInputs(warehouse, defaultConfig(), new Date('2026-03-30T00:00:00+08:00'));
      const statements: string[] = [];
      const run = warehouse.run.bind(warehouse);
      warehouse.run = async (sql, params) => {
        statements.push(sql.trim());
        return run(sql, params);
      };
      const calendar = MODELS.find((m) => m.name === 'int_business_calendar')!;
      await buildModels(warehouse, [STAGED_COMPLAINTS, { ...calendar, joinsAsWritten: true }]);
      const creates = statements.flatMap((sql, i) => (sql.startsWith('create or replace temp table "int_business_calendar"') ? [i] : []));
      expect(creates).toHaveLength(1);
      expect(statements[creates[0]! - 1]).toBe(`set ${JOINS_AS_WRITTEN_SETTING}`);
      expect(statements[creates[0]! + 1]).toBe('reset disabled_optimizers');
      expect(await warehouse.one(`select current_setting('disabled_optimizers') as disabled`)).toEqual({ disabled: '' });
    });
  });

  it('builds a temp view only on the connection, dropping a table of the same name kept in the file', async () => {
    await withWarehouse(async (warehouse) => {
      await prepareRunInputs(warehouse, defaultConfig(), new Date('2026-03-30T00:00:00+08:00'));
      await warehouse.run('create table main.int_business_calendar as select 1 as n');
      const calendar = MODELS.find((m) => m.name === 'int_business_calendar')!;
      const [, built] = await buildModels(warehouse, [STAGED_COMPLAINTS, { ...calendar, materialized: 'temp view' }]);
      expect(built!.rows).toBeGreaterThan(1000);
      expect(await warehouse.all(`select temporary from duckdb_views() where view_name = 'int_business_calendar'`)).toEqual([{ temporary: true }]);
      expect(await warehouse.all(`select table_name from duckdb_tables() where table_name = 'int_business_calendar'`)).toEqual([]);
    });
  });
});
