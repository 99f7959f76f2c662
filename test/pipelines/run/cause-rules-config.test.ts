/**
 * Extra cause rules from the config are checked before a run starts: an unknown code (a typo, a capital
 * letter) once matched complaints that then fell out of fct_complaints and the Pareto, and a pattern
 * RE2 cannot read failed the run deep in the models. Each rule's excludes veto only its own includes.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../pipelines/core/config.ts';
import { checkCauseRules, prepareRunInputs } from '../../../pipelines/run/prepare-run-inputs.ts';
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

  it("applies a rule's excludes to its own includes only, shipped and config rules alike", async () => {
    await withWarehouse(async (w) => {
      const config = parseConfig({
        causeRules: [
          { cause_code: 'packaging', include: ['zzqx'], exclude: ['太薄'] },
          // the shipped not_as_described rule excludes "not included" (a missing part is wrong_item)
          { cause_code: 'not_as_described', include: ['zzqx'] },
        ],
      });
      await prepareRunInputs(w, config, new Date('2026-11-20T00:00:00+08:00'));
      const causes = async (text: string) => (await w.one<{ c: string }>(`select array_to_string(list_sort(matched_causes($1)), '|') as c`, [text]))!.c;
      // the config exclude does not switch off the shipped packaging phrase
      expect(await causes('包装太薄了')).toBe('packaging');
      // a config include is not blocked by the shipped exclude of its cause (pooled per cause, it was)
      expect(await causes('zzqx and the strap was not included')).toContain('not_as_described');
      // the config rule's own exclude still vetoes its include, while the other config rule matches
      expect(await causes('zzqx 太薄')).toBe('not_as_described');
      expect(await causes('zzqx')).toBe('not_as_described|packaging');
      // a cause matched by two rules is listed once
      expect((await w.one<{ n: number }>(`select len(matched_causes('zzqx 包装太薄了')) as n`))!.n).toBe(2);
    });
  });
});
