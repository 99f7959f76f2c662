/**
 * Model invariants (pipelines/core/model-runner.ts): each rule catches its violation with the count of
 * offending rows, a clean table passes, and views are left to the ingestion guarantees.
 */
import { describe, expect, it } from 'vitest';
import { checkModelInvariants, type ModelDeclaration } from '../../../pipelines/core/model-runner.ts';
import { withWarehouse } from '../../helpers/warehouse.ts';

const model = (extra: Partial<ModelDeclaration>): ModelDeclaration => ({
  name: 'm',
  layer: 'marts',
  inputs: [],
  grain: 'test',
  materialized: 'table',
  key: ['carrier', 'week'],
  rates: ['rate'],
  partsOfWholes: [['part', 'whole']],
  ...extra,
});

const CLEAN = `('A', 1, 0.5, 1, 2), ('A', 2, 0.0, 0, 0), ('B', 1, 1.0, 3, 3), ('B', 2, null, null, 4)`;

async function violationOf(rows: string, declaration = model({})): Promise<string | undefined> {
  return withWarehouse(async (w) => {
    await w.run(`create table m as select * from (values ${rows}) as v(carrier, week, rate, part, whole)`);
    try {
      await checkModelInvariants(w, declaration);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  });
}

describe('model invariants', () => {
  it('a table that keeps every rule passes', async () => {
    expect(await violationOf(CLEAN)).toBeUndefined();
  });

  it('a repeated key is caught with the number of surplus rows', async () => {
    expect(await violationOf(`${CLEAN}, ('A', 1, 0.1, 1, 1), ('A', 1, 0.2, 1, 1)`)).toMatch(/model m: key \(carrier, week\) is unique fails on 2 row\(s\)/);
  });

  it('a null in the key is caught', async () => {
    expect(await violationOf(`${CLEAN}, (null, 3, 0.1, 1, 1)`)).toMatch(/key \(carrier, week\) has no nulls fails on 1 row/);
  });

  it('a rate outside [0, 1] or NaN is caught', async () => {
    expect(await violationOf(`${CLEAN}, ('C', 1, 1.5, 1, 1)`)).toMatch(/rate lies in \[0, 1\] fails on 1 row/);
    expect(await violationOf(`${CLEAN}, ('C', 1, 'nan'::double, 1, 1)`)).toMatch(/rate lies in \[0, 1\] fails on 1 row/);
  });

  it('a part larger than its whole is caught', async () => {
    expect(await violationOf(`${CLEAN}, ('C', 1, 0.1, 5, 4)`)).toMatch(/part <= whole fails on 1 row/);
  });

  it('views are not checked (staging keys are kept unique at ingestion)', async () => {
    await withWarehouse(async (w) => {
      await w.run(`create view m as select * from (values ('A', 1, 9.0, 5, 1), ('A', 1, 9.0, 5, 1)) as v(carrier, week, rate, part, whole)`);
      await expect(checkModelInvariants(w, model({ materialized: 'view' }))).resolves.toBeUndefined();
    });
  });
});
