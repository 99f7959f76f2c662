/**
 * has_cause (sql/macros/causes.sql): whether fct_complaints.causes, sorted codes joined by '|', holds a
 * code. Its substring shortcut must not match a code that merely contains the one asked for (codes
 * can be added in the config: transit_damage_minor beside transit_damage).
 */
import { expect, it } from 'vitest';
import { withWarehouse } from '../helpers/warehouse.ts';

it('finds a whole cause code among the causes, never a part of a longer one', async () => {
  await withWarehouse(async (warehouse) => {
    const cases: [causes: string | null, code: string, expected: boolean | null][] = [
      ['transit_damage', 'transit_damage', true],
      ['packaging|transit_damage', 'transit_damage', true],
      ['transit_damage|wrong_item', 'transit_damage', true],
      ['packaging|transit_damage_minor', 'transit_damage', false],
      ['minor_transit_damage', 'transit_damage', false],
      ['other', 'transit_damage', false],
      ['', 'transit_damage', false],
      [null, 'transit_damage', null],
    ];
    for (const [causes, code, expected] of cases)
      expect(await warehouse.one(`select has_cause($1::varchar, $2) as found`, [causes, code]), `${causes} has ${code}`).toEqual({ found: expected });
  });
});
