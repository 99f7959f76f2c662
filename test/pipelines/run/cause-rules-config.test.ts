/**
 * Extra cause rules from the config are checked before a run starts: an unknown code (a typo, a capital
 * letter) once matched complaints that then fell out of fct_complaints and the Pareto, and a pattern
 * RE2 cannot read failed the run deep in the models.
 */
import { describe, expect, it } from 'vitest';
import { checkCauseRules } from '../../../pipelines/run/prepare-run-inputs.ts';
import { withWarehouse } from '../../helpers/warehouse.ts';

describe('config cause rules', () => {
  it('accepts known codes with RE2 patterns, Chinese included', async () => {
    await withWarehouse(async (w) => {
      await expect(checkCauseRules(w, [{ cause_code: 'packaging', include: ['boxy', '纸箱(太薄|很薄)'], exclude: ['(?i)not boxy'] }])).resolves.toBeUndefined();
    });
  });

  it('names the entry and what is allowed for an unknown code or an unreadable pattern', async () => {
    await withWarehouse(async (w) => {
      await expect(checkCauseRules(w, [{ cause_code: 'Packaging', include: ['boxy'] }])).rejects.toThrow(
        /^causeRules\[0\]\.cause_code = "Packaging": not one of transit_damage, delivery_delay, .*, other$/,
      );
      await expect(
        checkCauseRules(w, [
          { cause_code: 'packaging', include: ['boxy'] },
          { cause_code: 'wrong_item', include: ['x'], exclude: ['ok', '(unclosed'] },
        ]),
      ).rejects.toThrow(/^causeRules\[1\]\.exclude\[1\] = "\(unclosed": not a regular expression DuckDB \(RE2\) reads: .*missing \)/);
    });
  });
});
