/**
 * The config: defaults of CONTRACT §3 with no file; an invalid file fails naming the key, the value and
 * what is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfigFile, parseConfig } from '../../../pipelines/core/config.ts';
import { runCli } from '../../helpers/cli.ts';
import { REPO } from '../../helpers/cli.ts';
import { withTempDir } from '../../helpers/warehouse.ts';

describe('config', () => {
  it('holds the contract defaults', () => {
    const config = defaultConfig();
    expect(config.timezone).toBe('Asia/Shanghai');
    expect(config.businessHours).toEqual({ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
    expect(config.holidays).toEqual([]);
    expect(config.sla.targets).toEqual({
      crisis: { minutes: 60, clock: 'calendar' },
      major: { minutes: 120, clock: 'business' },
      important: { minutes: 240, clock: 'business' },
      general: { minutes: 480, clock: 'business' },
    });
    expect(config.carrier.breakageTargetPer1000).toBe(5);
    expect(config.listing).toMatchObject({ windowDays: 28, minOrders: 20 });
    expect(config.severityRules.crisisWordsChinese).toEqual(['过敏', '受伤', '烫伤', '起火', '爆炸']);
  });

  it('overrides one key and keeps the other defaults', () => {
    const config = parseConfig({ sla: { targets: { major: { minutes: 90, clock: 'calendar' } } }, timezone: 'Europe/Berlin' });
    expect(config.sla.targets.major).toEqual({ minutes: 90, clock: 'calendar' });
    expect(config.sla.targets.general).toEqual({ minutes: 480, clock: 'business' });
    expect(config.timezone).toBe('Europe/Berlin');
  });

  it('keeps the default clock of a target whose minutes alone are given', () => {
    const config = parseConfig({ sla: { targets: { general: { minutes: 60 }, crisis: { clock: 'business' } } } });
    expect(config.sla.targets.general).toEqual({ minutes: 60, clock: 'business' });
    expect(config.sla.targets.crisis).toEqual({ minutes: 60, clock: 'business' });
  });

  it('refuses settings that silently make numbers meaningless', () => {
    // no working day: no business minute ever passes, no SLA is ever breached
    expect(() => parseConfig({ businessHours: { weekdays: [] } })).toThrow(/businessHours\.weekdays = \[\]: at least one working day/);
    // an empty word or pattern matches every text: every complaint crisis, or every complaint packaging
    expect(() => parseConfig({ severityRules: { crisisWordsEnglish: [''] } })).toThrow(/severityRules\.crisisWordsEnglish\.0 = "": must not be empty/);
    expect(() => parseConfig({ severityRules: { crisisWordsChinese: [' '] } })).toThrow(/crisisWordsChinese\.0 = " ": must not be empty/);
    expect(() => parseConfig({ causeRules: [{ cause_code: 'packaging', include: [''] }] })).toThrow(/causeRules\.0\.include\.0 = "": must not be empty/);
    // an empty after period: every action judged on nothing
    expect(() => parseConfig({ actions: { afterStartDays: 70, afterEndDays: 63 } })).toThrow(/afterStartDays must be less than actions\.afterEndDays/);
    // a p-chart baseline that ends before it begins pools no week
    expect(() => parseConfig({ controlChart: { baselineFrom: '2026-09-01', baselineTo: '2026-08-01' } })).toThrow(
      /controlChart\.baselineFrom must not be after controlChart\.baselineTo/,
    );
    expect(() => parseConfig({ controlChart: { baselineFrom: '2026-09-31' } })).toThrow(
      /controlChart\.baselineFrom = "2026-09-31": not a date of the calendar/,
    );
    expect(parseConfig({}).controlChart).toEqual({ rampUpWeeks: 4, baselineFrom: null, baselineTo: null });
    // dates that are no day of the calendar failed the run deep in the models
    expect(() => parseConfig({ holidays: ['2026-02-30'] })).toThrow(/holidays\.0 = "2026-02-30": not a date of the calendar/);
    expect(() => parseConfig({ specialWorkdays: ['2026-13-45'] })).toThrow(/specialWorkdays\.0 = "2026-13-45": not a date of the calendar/);
    expect(parseConfig({ holidays: ['2028-02-29'] }).holidays).toEqual(['2028-02-29']);
    expect(() => parseConfig({ holidays: ['2026-10-08'], specialWorkdays: ['2026-10-08'] })).toThrow(
      /holidays\.0 = "2026-10-08": 2026-10-08 is also in specialWorkdays/,
    );
    // only the bad start is reported, not also "start must be before end" on a value that is no time
    expect(() => parseConfig({ businessHours: { start: '9am' } })).toThrow(
      /^invalid config: businessHours\.start = "9am": a time written HH:MM \(00:00–24:00\)$/,
    );
    expect(() => parseConfig({ businessHours: { start: '18:00', end: '09:00' } })).toThrow(/businessHours\.start must be before businessHours\.end/);
  });

  it('names the key, the value and what is allowed', () => {
    expect(() => parseConfig({ businessHours: { start: '9am' } })).toThrow(/businessHours\.start = "9am": a time written HH:MM/);
    expect(() => parseConfig({ timezone: 'Mars/Olympus' })).toThrow(/timezone = "Mars\/Olympus": 'Mars\/Olympus' is not an IANA time zone/);
    expect(() => parseConfig({ sla: { targets: { crisis: { minutes: -5, clock: 'calendar' } } } })).toThrow(/sla\.targets\.crisis\.minutes = -5/);
    expect(() => parseConfig({ sla: { targets: { crisis: { minutes: 5, clock: 'sundial' } } } })).toThrow(
      /sla\.targets\.crisis\.clock = "sundial": .*"business".*"calendar"/,
    );
    expect(() => parseConfig({ timezon: 'Asia/Shanghai' })).toThrow(/unknown key\(s\) timezon/);
    // credentials in an address would be quoted by every failed request's message, and logged
    expect(() => parseConfig({ sources: { helpdesk: { enabled: true, baseUrl: 'https://agent:PASSW0RD@acme.zendesk.com' } } })).toThrow(
      /^invalid config: sources\.helpdesk\.baseUrl = "https:\/\/…@acme\.zendesk\.com": must not hold a user or password/,
    );
  });

  it('reads a TypeScript config file (its default export), paths relative to the file', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'rootloop.config.ts');
      fs.writeFileSync(
        file,
        [
          "import type { ConfigInput } from '" + path.join(REPO, 'pipelines/core/config.ts') + "';",
          "const config: ConfigInput = { timezone: 'Europe/Berlin', paths: { out: 'published' }, listing: { minOrders: 30 } };",
          'export default config;',
        ].join('\n'),
      );
      const config = await loadConfigFile(file);
      expect(config.timezone).toBe('Europe/Berlin');
      expect(config.listing.minOrders).toBe(30);
      expect(config.paths.out).toBe(path.join(dir, 'published'));
      fs.writeFileSync(path.join(dir, 'broken.config.ts'), "export default { timezone: 'Mars/Olympus' };\n");
      await expect(loadConfigFile(path.join(dir, 'broken.config.ts'))).rejects.toThrow(/timezone = "Mars\/Olympus"/);
      fs.writeFileSync(path.join(dir, 'nodefault.config.ts'), 'export const x = 1;\n');
      await expect(loadConfigFile(path.join(dir, 'nodefault.config.ts'))).rejects.toThrow(/has no default export/);
      // on the command line too (the CLI runs TypeScript through tsx)
      const result = runCli(['status', '--config', path.join(dir, 'broken.config.ts'), '--db', path.join(dir, 'none.duckdb')]);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/ConfigError: invalid config file .*broken\.config\.ts: timezone = "Mars\/Olympus"/);
    });
  });

  it('words a config that is not JSON on one line', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'rootloop.json');
      fs.writeFileSync(file, 'not json {\n  "a": 1\n');
      await expect(loadConfigFile(file)).rejects.toThrow(/^config file .*rootloop\.json is not valid JSON: [^\n]+$/);
    });
  });

  it('fails fast on the command line with a one-line reason', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'rootloop.json');
      fs.writeFileSync(file, JSON.stringify({ holidays: ['2026-13-45x'] }));
      await expect(loadConfigFile(file)).rejects.toThrow(/holidays\.0 = "2026-13-45x": a date written YYYY-MM-DD/);
      const result = runCli(['run', '--config', file, '--inbox', dir, '--db', path.join(dir, 'w.duckdb'), '--out', dir]);
      expect(result.status).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^rootloop: ConfigError: invalid config file .*rootloop\.json: holidays\.0 = "2026-13-45x"/);
    });
  });
});
