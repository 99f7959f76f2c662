/**
 * The model runner's plan setting (ModelDeclaration.joinsAsWritten): a model that asks for its joins as
 * written is built with DuckDB's build/probe side swap turned off, and the planner is restored after,
 * so the models built next plan as usual. A temp view model lives only on the run's connection and
 * replaces a table of its name that an older file kept. An incremental build replaces the rows of the
 * changed keys only, and refuses rows of any other key; it re-clocks rows in place only where each
 * listed key has its row.
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
      expect(built!.rows).toBeNull(); // not counted: that would compute the view
      expect(await warehouse.scalar(`select count(*) from int_business_calendar`)).toBeGreaterThan(1000);
      expect(await warehouse.all(`select temporary from duckdb_views() where view_name = 'int_business_calendar'`)).toEqual([{ temporary: true }]);
      expect(await warehouse.all(`select table_name from duckdb_tables() where table_name = 'int_business_calendar'`)).toEqual([]);
    });
  });

  it('rebuilds only the rows of the changed keys, and refuses a rebuild that strays beyond them', async () => {
    await withWarehouse(async (warehouse) => {
      await prepareRunInputs(warehouse, defaultConfig(), new Date('2026-03-30T00:00:00+08:00'));
      await warehouse.run(
        `insert into raw_products (sku, category, _file_id, _line, _version_at) values ('PA', 'home', 1, 1, now()), ('PB', 'toys', 1, 2, now())`,
      );
      await warehouse.run(
        `insert into raw_order_items (order_id, line_no, sku, _file_id, _line, _version_at) values ('O1', 1, 'PA', 1, 1, now()), ('O2', 1, 'PB', 1, 2, now())`,
      );
      const chain = ['stg_orders', 'stg_order_items', 'stg_products', 'int_order_categories'].map((name) => MODELS.find((m) => m.name === name)!);
      const categories = () => warehouse.all(`select order_id, category from int_order_categories order by order_id`);
      await buildModels(warehouse, chain);
      expect(await categories()).toEqual([
        { order_id: 'O1', category: 'home' },
        { order_id: 'O2', category: 'toys' },
      ]);

      await warehouse.run(`update raw_products set category = 'garden'`);
      await warehouse.run(`insert into run_changed_orders values ('O1')`);
      const incremental = { planner: { decide: async () => true } };
      // the model's select still reads every order (its build variable says 'full'): O2 strays
      await expect(buildModels(warehouse, chain, undefined, incremental)).rejects.toThrow(
        'model int_order_categories: 1 rebuilt row(s) have a order_id not listed in run_changed_orders',
      );
      expect(await categories()).toEqual([
        { order_id: 'O1', category: 'home' },
        { order_id: 'O2', category: 'toys' },
      ]);
      await warehouse.run(`set variable build_int_order_categories = 'incremental'`);
      await buildModels(warehouse, chain, undefined, incremental);
      expect(await categories()).toEqual([
        { order_id: 'O1', category: 'garden' },
        { order_id: 'O2', category: 'toys' },
      ]);
      // the rows replaced are kept for the run's change queries downstream (the delivery weeks read them)
      const replacedTables = () => warehouse.all(`select table_name from duckdb_tables() where table_name = 'replaced_int_order_categories'`);
      expect(await warehouse.all(`select order_id, category from replaced_int_order_categories`)).toEqual([{ order_id: 'O1', category: 'home' }]);
      // …unless the declaration says no change query reads them
      await warehouse.run(`drop table replaced_int_order_categories`);
      await warehouse.run(`update raw_products set category = 'tools'`);
      const keepingNone = chain.map((m) => (m.incremental ? { ...m, incremental: { ...m.incremental, replacedColumns: [] } } : m));
      await buildModels(warehouse, keepingNone, undefined, incremental);
      expect(await categories()).toEqual([
        { order_id: 'O1', category: 'tools' },
        { order_id: 'O2', category: 'toys' },
      ]);
      expect(await replacedTables()).toEqual([]);
    });
  });

  it('re-clocks the rows listed in place, and refuses a listed key without a row', async () => {
    await withWarehouse(async (warehouse) => {
      await prepareRunInputs(warehouse, defaultConfig(), new Date('2026-03-30T00:00:00+08:00'));
      // Mon 03-23 10:00 local, unanswered: 5 business days of 540 minutes to as_of less the first hour
      await warehouse.run(
        `insert into raw_complaints (complaint_id, channel, opened_at, status, severity, text, _file_id, _line, _version_at)
         values ('K1', 'app', '2026-03-23T02:00:00Z', 'open', 'general', 'where is my answer', 1, 1, now())`,
      );
      const chain = MODELS.filter((m) => m.name === 'fct_complaints' || m.name.startsWith('int_complaint') || m.name === 'int_business_calendar').concat(
        ['complaints', 'orders', 'order_items', 'shipments', 'products'].map((e) => MODELS.find((m) => m.name === `stg_${e}`)!),
      );
      await buildModels(warehouse, chain);
      expect(await warehouse.all(`select elapsed_minutes_at_as_of as waited from fct_complaints`)).toEqual([{ waited: 2640 }]);

      // a day later, K1 is re-clocked: 540 minutes more
      await prepareRunInputs(warehouse, defaultConfig(), new Date('2026-03-31T00:00:00+08:00'));
      for (const model of chain.filter((m) => m.incremental)) await warehouse.run(`set variable build_${model.name} = 'incremental'`);
      await warehouse.run(`insert into run_reclocked_complaints values ('K1')`);
      const incremental = { planner: { decide: async () => true } };
      // (the temp views stay from the first build: they read the run tables when queried)
      const tables = chain.filter((m) => m.materialized !== 'temp view' && m.materialized !== 'view');
      await buildModels(warehouse, tables, undefined, incremental);
      expect(await warehouse.all(`select elapsed_minutes_at_as_of as waited from fct_complaints`)).toEqual([{ waited: 3180 }]);

      // a key listed without a row (a complaint fct_complaints lacks) fails the build
      await warehouse.run(`insert into run_reclocked_complaints values ('K2')`);
      await warehouse.run(
        `insert into raw_complaints (complaint_id, channel, opened_at, status, severity, text, _file_id, _line, _version_at)
         values ('K2', 'app', '2026-03-24T02:00:00Z', 'open', 'general', 'and mine', 1, 2, now())`,
      );
      await expect(buildModels(warehouse, tables, undefined, incremental)).rejects.toThrow(
        'model fct_complaints: 2 key(s) listed in run_reclocked_complaints to re-clock, 1 row(s) updated',
      );
    });
  });
});
