/**
 * Severity from rules (CONTRACT §3): English safety words as whole words with their inflections,
 * case-insensitive; Chinese ones as substrings. A word inside another word ("fireworks", "heartburn")
 * is not the safety word.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../pipelines/core/config.ts';
import { prepareRunInputs } from '../../pipelines/run/prepare-run-inputs.ts';
import { withWarehouse } from '../helpers/warehouse.ts';

const CRISIS = [
  'The toaster burnt my hand',
  'FIRE! The charger caught fire',
  'severe burns on my arm',
  'it burns when I apply it',
  'a burning smell from the plug',
  'two injuries from the broken glass',
  'my son was injured',
  'allergic reaction after one use',
  'allergies all over my face',
  '孩子用了之后皮肤过敏',
  '充电宝起火了',
  '手被烫伤',
];

const NOT_CRISIS = [
  'fireworks arrived late',
  'the firewall app does not install',
  'burnished brass looks dull',
  'heartburn medicine was the wrong brand',
  'the burner knob is loose',
  'hypoallergenic claim is false',
  'box crushed',
  '包裹破损',
];

describe('severity rules', () => {
  it('finds safety words as whole English words with inflections and as Chinese substrings', async () => {
    await withWarehouse(async (w) => {
      await prepareRunInputs(w, defaultConfig(), new Date('2026-11-20T00:00:00+08:00'));
      const verdict = async (text: string) => (await w.one<{ crisis: boolean }>(`select is_crisis_text($1) as crisis`, [text]))!.crisis;
      for (const text of CRISIS) expect(await verdict(text), text).toBe(true);
      for (const text of NOT_CRISIS) expect(await verdict(text), text).toBe(false);
    });
  });

  it('makes no text crisis when the config empties both word lists (RE2 has no never-matching pattern)', async () => {
    await withWarehouse(async (w) => {
      await prepareRunInputs(w, parseConfig({ severityRules: { crisisWordsEnglish: [], crisisWordsChinese: [] } }), new Date('2026-11-20T00:00:00+08:00'));
      expect((await w.one<{ crisis: boolean }>(`select is_crisis_text('caught fire, 起火') as crisis`))!.crisis).toBe(false);
    });
  });

  it('replaces the default words with the configured ones', async () => {
    await withWarehouse(async (w) => {
      await prepareRunInputs(
        w,
        parseConfig({ severityRules: { crisisWordsEnglish: ['smoke'], crisisWordsChinese: ['冒烟'] } }),
        new Date('2026-11-20T00:00:00+08:00'),
      );
      const verdict = async (text: string) => (await w.one<{ crisis: boolean }>(`select is_crisis_text($1) as crisis`, [text]))!.crisis;
      expect(await verdict('SMOKE from the charger')).toBe(true);
      expect(await verdict('机器冒烟了')).toBe(true);
      expect(await verdict('smoking hot deal')).toBe(false);
      expect(await verdict('caught fire')).toBe(false);
    });
  });
});
