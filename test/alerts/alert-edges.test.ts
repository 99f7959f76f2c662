/**
 * Edges of the alerts that the main tests leave open (found by a mutation audit): a listing that
 * stays flagged is announced once a week, not once per run; a WeCom robot refusing with errcode, a
 * DingTalk secret that is not set and a failing unnamed webhook leave their flags for the next run and
 * never print a webhook's token; chat markdown is escaped and kept on one line; WeCom messages stay
 * under 4096 bytes; and the weekly review email's fallbacks, images and "owed" rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { channelOf, deliverAlerts } from '../../pipelines/alerts/deliver-alerts.ts';
import { collectFlags, type AlertFlag } from '../../pipelines/alerts/flags.ts';
import { ledgerKeyOf, markSent } from '../../pipelines/alerts/sent-alerts.ts';
import { buildWebhookPayload, splitIntoMessages } from '../../pipelines/alerts/webhook-formats.ts';
import { composeWeeklyReviewEmail, findWeeklyReport, isWeeklyEmailOwed, smtpOptionsOf } from '../../pipelines/alerts/weekly-review-email.ts';
import { withTempDir, withWarehouse } from '../helpers/warehouse.ts';
import { PNG_1X1 } from '../scheduling/scheduling-helpers.ts';
import { useRecorder } from './http-recorder.ts';

const DASHBOARD = 'http://dash.example/rootloop/';

const server = useRecorder();

/** The as-of of the flag tests that do not deliver: crisis complaints are looked for in the 28 days before it. */
const AS_OF_FLAGS = new Date('2026-04-01T00:00:00+08:00');

const configWith = (webhooks: unknown[]): Config => parseConfig({ language: 'en', alerts: { dashboardUrl: DASHBOARD, webhooks } });

const deliver = (warehouse: Warehouse, config: Config, runId: string, asOf: string) =>
  deliverAlerts({ warehouse, config, runId, asOf: new Date(asOf), logger: createSilentLogger() });

const postedKeys = () => server().requests.flatMap((r) => (r.body as { alerts: { key: string }[] }).alerts.map((a) => a.key));

describe('alerts sent once', () => {
  it('announces a listing that stays flagged once a week, however its window moves', async () => {
    await withWarehouse(async (w) => {
      // The window ends on Wednesday 2026-04-01, in the week of Monday 2026-03-30.
      await w.run(`
        create table mart_listing_flags as
          select 'GLOW-1' as sku, 'skincare' as category, timestamptz '2026-03-04 00:00:00+08' as window_start,
            timestamptz '2026-04-01 00:00:00+08' as window_end, 250 as orders, 20 as nad_orders, 0.08::double as nad_rate,
            0.0114::double as category_rate, 8.3e-11::double as q_value, true as flagged`);
      const config = configWith([{ url: `${server().url}/json`, format: 'json', name: 'ops' }]);
      await deliver(w, config, 'R1', '2026-04-01T00:00:00+08:00');
      expect(postedKeys()).toEqual(['listing_flag:GLOW-1:2026-03-30']);

      // The next day's run: the window ends Thursday, same week: nothing new.
      server().requests.length = 0;
      await w.run(`update mart_listing_flags set window_end = timestamptz '2026-04-02 00:00:00+08'`);
      expect((await deliver(w, config, 'R2', '2026-04-02T00:00:00+08:00')).sent).toEqual([]);
      // It clears and comes back within the week: still the week's one announcement.
      await w.run(`update mart_listing_flags set flagged = false`);
      await deliver(w, config, 'R3', '2026-04-03T00:00:00+08:00');
      await w.run(`update mart_listing_flags set flagged = true, window_end = timestamptz '2026-04-04 00:00:00+08'`);
      await deliver(w, config, 'R4', '2026-04-04T00:00:00+08:00');
      expect(server().requests).toEqual([]);

      // Still flagged when the window reaches Monday 2026-04-06: announced again, once, for that week.
      await w.run(`update mart_listing_flags set window_end = timestamptz '2026-04-06 00:00:00+08'`);
      await deliver(w, config, 'R5', '2026-04-06T00:00:00+08:00');
      await deliver(w, config, 'R6', '2026-04-06T00:15:00+08:00');
      expect(postedKeys()).toEqual(['listing_flag:GLOW-1:2026-04-06']);
    });
  });
});

describe('flags', () => {
  it('come week by week, then by name, print q at 0.01 as 0.01 (below it in exponent form), and skip actions still pending', async () => {
    await withWarehouse(async (w) => {
      await w.run(`
        create table mart_carrier_weekly as
          select * from (values
            ('Heron', date '2026-03-30', 10, 9, 900.0::double, 596.0::double, 982.0::double, true),
            ('Gull', date '2026-03-30', 10, 8, 800.0::double, 490.0::double, 943.0::double, true),
            ('Heron', date '2026-03-23', 10, 10, 1000.0::double, 722.5::double, 1000.0::double, true)
          ) v(carrier, week, delivered_shipments, damaged_shipments, breakage_per_1000, breakage_ci_low_per_1000, breakage_ci_high_per_1000, flagged);
        create table mart_listing_flags as
          select * from (values
            ('LAMP-1', 'home', timestamptz '2026-03-02 00:00:00+08', timestamptz '2026-03-30 00:00:00+08', 100, 10, 0.1::double, 0.02::double, 0.01::double, true),
            ('LAMP-2', 'home', timestamptz '2026-03-02 00:00:00+08', timestamptz '2026-03-30 00:00:00+08', 100, 10, 0.1::double, 0.02::double, 0.0099::double, true)
          ) v(sku, category, window_start, window_end, orders, nad_orders, nad_rate, category_rate, q_value, flagged);
        -- only a verdict of not_effective alerts: not one still pending or without enough data
        create table mart_action_effectiveness as
          select * from (values
            ('A1', 'transit_damage', 'carrier', 'Heron', 0.03::double, 0.01::double, 1e-6::double, 'effective', 'Cartons'),
            ('A2', 'delivery_delay', 'carrier', 'Gull', 0.1::double, null::double, null::double, 'pending', 'New hub'),
            ('A3', 'wrong_item', 'warehouse', 'WH-2', 0.03::double, 0.02::double, 0.4::double, 'insufficient_data', 'Pick check'),
            ('A4', 'delivery_delay', 'carrier', 'Tortoise', 0.1125::double, 0.1124::double, 0.4979::double, 'not_effective', 'Tortoise fix')
          ) v(action_id, cause_code, scope_type, scope_value, before_rate, after_rate, p_value, verdict, title)`);
      const flags = await collectFlags(w, configWith([]), AS_OF_FLAGS);
      expect(flags.map((f) => f.key)).toEqual([
        'carrier_breakage:Heron:2026-03-23',
        'carrier_breakage:Gull:2026-03-30',
        'carrier_breakage:Heron:2026-03-30',
        'listing_flag:LAMP-1:2026-03-30',
        'listing_flag:LAMP-2:2026-03-30',
        'action_not_effective:A4',
      ]);
      expect(flags.slice(3, 5).map((f) => /q = ([^)]+)\)/.exec(f.text)?.[1])).toEqual(['0.01', '9.9e-3']);
    });
  });

  it('say when a corrective action made its rate worse, in English and Chinese', async () => {
    await withWarehouse(async (w) => {
      await w.run(`
        create table mart_action_effectiveness as
          select * from (values
            ('A7', 'packaging', 'global', null, 0.0125::double, 0.0545::double, 0.9944::double, 'not_effective', 'Thinner mailers', 0.0056::double, true),
            ('A8', 'delivery_delay', 'carrier', 'Tortoise', 0.1125::double, 0.1124::double, 0.4979::double, 'not_effective', 'Tortoise fix', 0.5021::double, false)
          ) v(action_id, cause_code, scope_type, scope_value, before_rate, after_rate, p_value, verdict, title, p_value_worse, worsened)`);
      const english = await collectFlags(w, configWith([]), AS_OF_FLAGS);
      expect(english.map((f) => f.text)).toEqual([
        'packaging on global: 1.3 % before, 5.5 % after implementation (p = 0.99). The rate rose significantly after implementation (one-sided p = 5.6e-3).',
        'delivery_delay on carrier Tortoise: 11.3 % before, 11.2 % after implementation (p = 0.50).',
      ]);
      expect(english.map((f) => f.data.worsened)).toEqual([true, false]);
      expect(english.map((f) => [f.key, f.kind, f.title])).toEqual([
        ['action_worsened:A7', 'action_worsened', 'Corrective action made things worse: A7 Thinner mailers'],
        ['action_not_effective:A8', 'action_not_effective', 'Corrective action not effective: A8 Tortoise fix'],
      ]);
      const chinese = await collectFlags(w, { ...configWith([]), language: 'zh' }, AS_OF_FLAGS);
      expect(chinese[0]!.title).toBe('整改措施实施后比率上升：A7 Thinner mailers');
      expect(chinese[0]!.text).toBe('global 的 packaging：实施前 1.3%，实施后 5.5%（p = 0.99）。实施后比率显著上升（单侧 p = 5.6e-3）。');
    });
  });

  it('announce an action judged not effective once, and again when its rate turns out to have risen', async () => {
    await withWarehouse(async (w) => {
      await w.run(`
        create table mart_action_effectiveness as
          select 'A8' as action_id, 'delivery_delay' as cause_code, 'carrier' as scope_type, 'Tortoise' as scope_value,
            0.10::double as before_rate, 0.12::double as after_rate, 0.9::double as p_value, 'not_effective' as verdict,
            'Tortoise fix' as title, 0.1::double as p_value_worse, false as worsened`);
      const config = configWith([{ url: `${server().url}/json`, format: 'json', name: 'ops' }]);
      await deliver(w, config, 'R1', '2026-03-30T00:00:00+08:00');
      await deliver(w, config, 'R2', '2026-03-30T00:15:00+08:00');
      expect(postedKeys()).toEqual(['action_not_effective:A8']);
      // weeks later more after-period data: the rise is now significant
      await w.run(`update mart_action_effectiveness set after_rate = 0.16, p_value_worse = 0.001, worsened = true`);
      await deliver(w, config, 'R3', '2026-04-13T00:00:00+08:00');
      await deliver(w, config, 'R4', '2026-04-13T00:15:00+08:00');
      expect(postedKeys()).toEqual(['action_not_effective:A8', 'action_worsened:A8']);
    });
  });
});

describe('crisis complaints', () => {
  // Crisis complaints opened in the 28 days before as_of 2026-04-01 00:00 +08 (Wednesday; week of 2026-03-30):
  //   K1 given crisis, answered after 45 of 60 minutes;  K2 by the safety-word rule, unanswered for 75 minutes;
  //   K0 opened 2026-03-03 10:00, 28 days and 14 hours before: history, not announced;
  //   K3 a major complaint: not a crisis. K4 in the week of 2026-03-16, older than alerts.recentWeeks (2).
  const FCT = `
    create table fct_complaints as
      select * from (values
        ('K0', date '2026-03-02', timestamptz '2026-03-03 10:00:00+08', 'chat', 'resolved', 'crisis', 'given', 'quality_defect', null, 30.0, 60, false, null, 'old burn'),
        ('K4', date '2026-03-16', timestamptz '2026-03-18 10:00:00+08', 'app', 'resolved', 'crisis', 'given', 'quality_defect', 'EL-1', 20.0, 60, false, null, 'charger caught fire'),
        ('K1', date '2026-03-30', timestamptz '2026-03-31 09:00:00+08', 'hotline', 'resolved', 'crisis', 'given', 'quality_defect|transit_damage', 'EL-2', 45.0, 60, false, null, 'the battery swelled
and burned my hand'),
        ('K3', date '2026-03-30', timestamptz '2026-03-31 10:00:00+08', 'chat', 'open', 'major', 'rule', 'refund_process', null, null, 120, true, 300.0, 'refund'),
        ('K2', date '2026-03-30', timestamptz '2026-03-31 22:45:00+08', 'email', 'open', 'crisis', 'rule', 'quality_defect', null, null, 60, true, 75.0, '用了面霜后过敏')
      ) v(complaint_id, week, opened_at, channel, status, severity, severity_method, causes, sku, first_response_minutes,
          sla_target_minutes, sla_breached, elapsed_minutes_at_as_of, text)`;

  it('are announced one by one, oldest first, with their first-response state, in English and Chinese', async () => {
    await withWarehouse(async (w) => {
      await w.run(FCT);
      const english = await collectFlags(w, configWith([]), AS_OF_FLAGS);
      expect(english.map((f) => [f.key, f.kind, f.title])).toEqual([
        ['crisis_complaint:K4', 'crisis_complaint', 'Crisis complaint K4 (app, opened 2026-03-18 10:00)'],
        ['crisis_complaint:K1', 'crisis_complaint', 'Crisis complaint K1 (hotline, opened 2026-03-31 09:00)'],
        ['crisis_complaint:K2', 'crisis_complaint', 'Crisis complaint K2 (email, opened 2026-03-31 22:45)'],
      ]);
      expect(english.map((f) => f.text)).toEqual([
        'First response after 20 min (target 60 min). Causes: quality_defect; SKU EL-1. "charger caught fire"',
        'First response after 45 min (target 60 min). Causes: quality_defect|transit_damage; SKU EL-2. "the battery swelled\nand burned my hand"',
        'No first response yet, 75 min since it was opened (target 60 min, missed). Causes: quality_defect. Graded crisis by the safety-word rule. "用了面霜后过敏"',
      ]);
      expect(english[2]!.data).toEqual({
        complaint_id: 'K2',
        week: '2026-03-30',
        opened_at: '2026-03-31T22:45:00+08:00',
        channel: 'email',
        status: 'open',
        severity_method: 'rule',
        causes: 'quality_defect',
        sku: null,
        first_response_minutes: null,
        sla_target_minutes: 60,
        sla_breached: true,
        elapsed_minutes_at_as_of: 75,
      });
      const chinese = await collectFlags(w, { ...configWith([]), language: 'zh' }, AS_OF_FLAGS);
      expect(chinese.slice(1).map((f) => [f.title, f.text])).toEqual([
        [
          '危机投诉：K1（hotline，2026-03-31 09:00 开启）',
          '首次响应用时 45 分钟（目标 60 分钟）。原因：quality_defect|transit_damage；SKU EL-2。“the battery swelled\nand burned my hand”',
        ],
        [
          '危机投诉：K2（email，2026-03-31 22:45 开启）',
          '尚未首次响应，已过 75 分钟（目标 60 分钟，已超时）。原因：quality_defect。按安全词规则判为危机。“用了面霜后过敏”',
        ],
      ]);
    });
  });

  it('are announced once each; on a first delivery those of weeks before the recent ones are recorded, not posted', async () => {
    await withWarehouse(async (w) => {
      await w.run(FCT);
      const config = configWith([{ url: `${server().url}/json`, format: 'json', name: 'ops' }]);
      await deliver(w, config, 'R1', AS_OF_FLAGS.toISOString());
      await deliver(w, config, 'R2', '2026-04-01T00:15:00+08:00');
      expect(postedKeys()).toEqual(['crisis_complaint:K1', 'crisis_complaint:K2']);
      expect(await w.scalar(`select count(*) from sent_alerts where alert_key like 'crisis_complaint:K4%'`)).toBe(1);
    });
  });
});

describe('webhooks that fail', () => {
  it('leave their flags for the next run: a WeCom errcode, an unset DingTalk secret, an unnamed webhook answering 500 (no token shown)', async () => {
    await withWarehouse(async (w) => {
      await w.run(`
        create table mart_action_effectiveness as
          select 'A4' as action_id, 'delivery_delay' as cause_code, 'carrier' as scope_type, 'Tortoise' as scope_value,
            0.1125::double as before_rate, 0.1124::double as after_rate, 0.4979::double as p_value, 'not_effective' as verdict,
            'Tortoise sorting-centre fix' as title`);
      delete process.env.ROOTLOOP_TEST_UNSET_SECRET;
      const config = configWith([
        { url: `${server().url}/wecom?key=k-123`, format: 'wecom', name: 'ops-wecom' },
        { url: `${server().url}/dingtalk?access_token=abc`, format: 'dingtalk', name: 'ops-dingtalk', secretEnv: 'ROOTLOOP_TEST_UNSET_SECRET' },
        { url: `${server().url}/slack/T000/B000/SECRET`, format: 'slack' },
      ]);
      const slack = channelOf(config.alerts.webhooks[2]!);
      // WeCom answers HTTP 200 when it refuses a message; only errcode tells.
      server().answer('/wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}');
      server().answer('/slack/T000/B000/SECRET', 500, 'oops');

      const first = await deliver(w, config, 'R1', '2026-03-30T00:00:00+08:00');
      expect(first.sent).toEqual([]);
      expect(first.failed).toEqual([
        { channel: 'ops-wecom', error: 'wecom ops-wecom refused the message: errcode 93000 invalid webhook url' },
        { channel: 'ops-dingtalk', error: 'alerts.webhooks: dingtalk ops-dingtalk is signed with the secret in $ROOTLOOP_TEST_UNSET_SECRET, which is not set' },
        { channel: slack, error: `slack ${server().url} answered HTTP 500: oops` },
      ]);
      // The unsigned DingTalk message was never sent.
      expect(server().requests.map((r) => r.path)).toEqual(['/wecom', '/slack/T000/B000/SECRET']);
      expect(await w.scalar('select count(*) from sent_alerts')).toBe(0);

      // Fixed: the next run delivers the flag to each, and records it per channel.
      process.env.ROOTLOOP_TEST_UNSET_SECRET = 'SECtest';
      server().answer('/wecom', 200, '{"errcode":0,"errmsg":"ok"}');
      server().answer('/slack/T000/B000/SECRET', 200, 'ok');
      const second = await deliver(w, config, 'R2', '2026-03-30T00:15:00+08:00');
      delete process.env.ROOTLOOP_TEST_UNSET_SECRET;
      expect(second.failed).toEqual([]);
      expect(second.sent.map((s) => s.channel)).toEqual(['ops-wecom', 'ops-dingtalk', slack]);
      expect((await w.all<{ alert_key: string }>('select alert_key from sent_alerts order by alert_key')).map((r) => r.alert_key)).toEqual(
        ['ops-dingtalk', 'ops-wecom', slack].map((channel) => ledgerKeyOf('action_not_effective:A4', channel)).sort(),
      );
    });
  });
});

describe('a DingTalk robot that is busy', () => {
  it('answers errcode -1 with HTTP 200: a failure, the flag left for the next run', async () => {
    await withWarehouse(async (w) => {
      await w.run(`
        create table mart_action_effectiveness as
          select 'A4' as action_id, 'delivery_delay' as cause_code, 'carrier' as scope_type, 'Tortoise' as scope_value,
            0.1125::double as before_rate, 0.1124::double as after_rate, 0.4979::double as p_value, 'not_effective' as verdict, 'Fix' as title`);
      const config = configWith([{ url: `${server().url}/dingtalk-busy?access_token=abc`, format: 'dingtalk', name: 'ops-dingtalk' }]);
      server().answer('/dingtalk-busy', 200, '{"errcode":-1,"errmsg":"system busy"}');
      const delivery = await deliver(w, config, 'R1', '2026-03-30T00:00:00+08:00');
      expect([delivery.sent, delivery.failed]).toEqual([
        [],
        [{ channel: 'ops-dingtalk', error: 'dingtalk ops-dingtalk refused the message: errcode -1 system busy' }],
      ]);
      expect(await w.scalar('select count(*) from sent_alerts')).toBe(0);
    });
  });
});

describe('a channel failing mid-batch', () => {
  it('is not sent the rest of the batch that run, and gets all of it, in order, on the next', async () => {
    await withWarehouse(async (w) => {
      await w.run(`
        create table mart_action_effectiveness as
          select * from (values
            ('A4', 'delivery_delay', 'carrier', 'Tortoise', 0.1125::double, 0.1124::double, 0.4979::double, 'not_effective', 'Tortoise fix'),
            ('A5', 'wrong_item', 'warehouse', 'WH-2', 0.03::double, 0.031::double, 0.8::double, 'not_effective', 'Pick check')
          ) v(action_id, cause_code, scope_type, scope_value, before_rate, after_rate, p_value, verdict, title)`);
      // One flag per message: two messages for this channel.
      const config = parseConfig({
        language: 'en',
        alerts: { dashboardUrl: DASHBOARD, maxFlagsPerMessage: 1, webhooks: [{ url: `${server().url}/json-down`, format: 'json', name: 'ops' }] },
      });
      server().answer('/json-down', 503, 'unavailable');
      const first = await deliver(w, config, 'R1', '2026-03-30T00:00:00+08:00');
      expect([first.sent, first.failed]).toEqual([[], [{ channel: 'ops', error: 'json ops answered HTTP 503: unavailable' }]]);
      expect(server().requests).toHaveLength(1);

      server().answer('/json-down', 200, 'ok');
      server().requests.length = 0;
      const second = await deliver(w, config, 'R2', '2026-03-30T00:15:00+08:00');
      expect(second.sent).toEqual([{ channel: 'ops', keys: ['action_not_effective:A4', 'action_not_effective:A5'] }]);
      expect(postedKeys()).toEqual(['action_not_effective:A4', 'action_not_effective:A5']);
    });
  });
});

const flag = (key: string, title: string, text: string): AlertFlag => ({ key, kind: 'listing_flag', title, text, data: {} });
const base = { runId: 'R1', asOf: new Date('2026-03-30T00:00:00+08:00'), dashboardUrl: DASHBOARD, language: 'en' as const };

describe('webhook formats', () => {
  it('escapes Slack markup and keeps each flag on its lines in chat markdown', () => {
    const message = { ...base, flags: [flag('k1', 'Listing flagged: <b>LAMP & co</b>', 'first line\n  second line\r\nthird')] };
    const slack = buildWebhookPayload('slack', message) as { blocks: { text?: { text: string } }[] };
    expect(slack.blocks[1]!.text!.text).toBe('*Listing flagged: &lt;b&gt;LAMP &amp; co&lt;/b&gt;*\nfirst line second line third');
    const wecom = buildWebhookPayload('wecom', message) as { markdown: { content: string } };
    expect(wecom.markdown.content).toBe(
      '### rootloop: 1 new alert\n**Listing flagged: <b>LAMP & co</b>**\n> first line second line third\n[Open the dashboard](http://dash.example/rootloop/)',
    );
  });

  it('cuts WeCom messages below its 4096-byte limit, a single oversized flag going alone', () => {
    // Each flag is `**Flag i**\n> ` + 1,000 × "x" ≈ 1,016 JSON bytes; with ~135 bytes of headline, link
    // and wrapper, 3 flags (≈ 3,200 bytes) fit the 4,000-byte margin and 4 (≈ 4,200) do not. Ten flags
    // are halved to 5 + 5, each 5 to 3 + 2.
    const flags = Array.from({ length: 10 }, (_, i) => flag(`k${i}`, `Flag ${i}`, 'x'.repeat(1000)));
    const messages = splitIntoMessages('wecom', flags, 40, base);
    expect(messages.map((m) => [m.flags.length, m.part])).toEqual([
      [3, { index: 1, count: 4 }],
      [2, { index: 2, count: 4 }],
      [3, { index: 3, count: 4 }],
      [2, { index: 4, count: 4 }],
    ]);
    expect(messages.flatMap((m) => m.flags.map((f) => f.key))).toEqual(flags.map((f) => f.key));
    for (const m of messages)
      expect(Buffer.byteLength((buildWebhookPayload('wecom', m) as { markdown: { content: string } }).markdown.content)).toBeLessThan(4096);

    const big = flag('big', 'Huge', 'y'.repeat(5000));
    const withBig = splitIntoMessages('wecom', [flags[0]!, big, flags[1]!], 40, base);
    expect(withBig.flatMap((m) => m.flags.map((f) => f.key))).toEqual(['k0', 'big', 'k1']);
    expect(withBig.find((m) => m.flags.includes(big))?.flags).toEqual([big]);
  });
});

describe('weekly review email', () => {
  const config = parseConfig({
    language: 'en',
    alerts: {
      dashboardUrl: DASHBOARD,
      email: { host: '127.0.0.1', from: 'rootloop@example.com', to: ['quality@example.com'], userEnv: 'ROOTLOOP_TEST_UNSET_USER' },
    },
  });
  const email = config.alerts.email!;
  const options = { language: 'en' as const, dashboardUrl: DASHBOARD };

  it('attaches only the images of the report folder, not remote or missing ones', async () => {
    await withTempDir(async (dir) => {
      fs.writeFileSync(
        path.join(dir, 'weekly-2026-03-23.html'),
        '<img src="https://cdn.example/logo.png"><img src="weekly-2026-03-23-pareto.png"><img src="missing.png">',
      );
      fs.writeFileSync(path.join(dir, 'weekly-2026-03-23-pareto.png'), PNG_1X1);
      const report = findWeeklyReport(dir, '2026-03-23');
      expect(report?.images.map((i) => i.name)).toEqual(['weekly-2026-03-23-pareto.png']);
      expect(composeWeeklyReviewEmail(email, report!, options).html).toBe(
        '<img src="https://cdn.example/logo.png"><img src="cid:weekly-2026-03-23-pareto.png@rootloop"><img src="missing.png">',
      );
    });
  });

  it('writes an escaped HTML body for a Markdown-only review, and a plain-text pointer for an HTML-only one', () => {
    const markdownOnly = composeWeeklyReviewEmail(
      email,
      { week: '2026-03-23', markdown: { name: 'weekly-2026-03-23.md', content: '# Review\n\nA <b> & C\n' }, images: [] },
      options,
    );
    expect(markdownOnly.html).toBe(
      '<p>The weekly review for the week of 2026-03-23 is below and attached.</p><pre># Review\n\nA &lt;b&gt; &amp; C\n</pre>' +
        '<p><a href="http://dash.example/rootloop/">Dashboard: http://dash.example/rootloop/</a></p>',
    );
    const htmlOnly = composeWeeklyReviewEmail(
      email,
      { week: '2026-03-23', html: { name: 'weekly-2026-03-23.html', content: '<h1>R</h1>' }, images: [] },
      options,
    );
    expect(htmlOnly.text).toBe(
      'The weekly review for the week of 2026-03-23 is below and attached.\n\n(The review is in the attached HTML file.)\n\nDashboard: http://dash.example/rootloop/\n',
    );
    expect(htmlOnly.attachments?.map((a) => a.filename)).toEqual(['weekly-2026-03-23.html']);
  });

  it('refuses SMTP credentials named by an unset variable instead of sending unauthenticated', () => {
    delete process.env.ROOTLOOP_TEST_UNSET_USER;
    expect(() => smtpOptionsOf(email, 10_000)).toThrow('alerts.email.userEnv names $ROOTLOOP_TEST_UNSET_USER, which is not set');
  });

  it('is owed once per week, only for a week a weekly review run built', async () => {
    await withWarehouse(async (w) => {
      // The review run of Monday 2026-03-30 08:00 built the week of 2026-03-23; a failed one the next Monday built nothing.
      await w.run(`
        insert into runs (run_id, job, status, started_at, as_of) values
          ('R1', 'weekly-review', 'succeeded', timestamptz '2026-03-30 08:00:01+08', timestamptz '2026-03-30 08:00:00+08'),
          ('R2', 'weekly-review', 'failed', timestamptz '2026-04-06 08:00:01+08', timestamptz '2026-04-06 08:00:00+08'),
          ('R3', 'refresh', 'succeeded', timestamptz '2026-03-23 08:00:01+08', timestamptz '2026-03-23 08:00:00+08')`);
      const owed = (jobs: string[], week: string) => isWeeklyEmailOwed(w, jobs, week);
      expect([await owed(['weekly-review'], '2026-03-23'), await owed(['weekly-review'], '2026-03-16'), await owed(['weekly-review'], '2026-03-30')]).toEqual([
        true,
        false, // only a refresh ran in the week after it
        false, // its review failed
      ]);
      // A config without a weekly_review job owes no email (and runs no query with an empty job list).
      expect(await owed([], '2026-03-23')).toBe(false);
      await markSent(w, 'R1', [{ key: ledgerKeyOf('weekly_review_email:2026-03-23', 'email'), payload: {} }]);
      expect(await owed(['weekly-review'], '2026-03-23')).toBe(false);
    });
  });
});
