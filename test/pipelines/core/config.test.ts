/**
 * The config: defaults of CONTRACT §3 with no file; an invalid file fails naming the key, the value and
 * what is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfigFile, parseConfig } from '../../../pipelines/core/config.ts';
import { runCli } from '../../helpers/cli.ts';
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

  it('names the key, the value and what is allowed', () => {
    expect(() => parseConfig({ businessHours: { start: '9am' } })).toThrow(/businessHours\.start = "9am": a time written HH:MM/);
    expect(() => parseConfig({ timezone: 'Mars/Olympus' })).toThrow(/timezone = "Mars\/Olympus": 'Mars\/Olympus' is not an IANA time zone/);
    expect(() => parseConfig({ sla: { targets: { crisis: { minutes: -5, clock: 'calendar' } } } })).toThrow(/sla\.targets\.crisis\.minutes = -5/);
    expect(() => parseConfig({ sla: { targets: { crisis: { minutes: 5, clock: 'sundial' } } } })).toThrow(
      /sla\.targets\.crisis\.clock = "sundial": .*"business".*"calendar"/,
    );
    expect(() => parseConfig({ timezon: 'Asia/Shanghai' })).toThrow(/unknown key\(s\) timezon/);
  });

  it('fails fast on the command line with a one-line reason', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'rootloop.json');
      fs.writeFileSync(file, JSON.stringify({ holidays: ['2026-13-45x'] }));
      expect(() => loadConfigFile(file)).toThrow(/holidays\.0 = "2026-13-45x": a date written YYYY-MM-DD/);
      const result = runCli(['run', '--config', file, '--inbox', dir, '--db', path.join(dir, 'w.duckdb'), '--out', dir]);
      expect(result.status).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^rootloop: ConfigError: invalid config file .*rootloop\.json: holidays\.0 = "2026-13-45x"/);
    });
  });
});
