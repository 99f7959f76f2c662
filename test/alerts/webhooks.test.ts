/**
 * Alerts to webhooks, against a local HTTP server: the exact message of each format (generic JSON,
 * Slack incoming webhook, DingTalk and WeCom group robots) for one flag of each kind, each flag sent
 * once per channel, a failing channel retried on the next run without holding the others back, DingTalk
 * signing and refusals, splitting over several messages, and the whole path through a scheduled run on
 * the conformance world.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { channelOf, deliverAlerts } from '../../pipelines/alerts/deliver-alerts.ts';
import { fixedClock } from '../../pipelines/scheduling/clock.ts';
import { createScheduler } from '../../pipelines/scheduling/scheduler.ts';
import { withTempDir, withWarehouse } from '../helpers/warehouse.ts';
import { generateConformanceWorld } from '../helpers/conformance-world.ts';
import { ManualCronDriver } from '../scheduling/scheduling-helpers.ts';
import { useRecorder } from './http-recorder.ts';

const DASHBOARD = 'http://dash.example/rootloop/';
const AS_OF = new Date('2026-03-30T00:00:00+08:00');

/** One flagged row per mart, plus rows below their lines that must not alert. */
async function createMarts(w: Warehouse): Promise<void> {
  await w.run(`
    create table mart_carrier_weekly as
      select * from (values
        ('Heron', date '2026-03-23', 10, 10, 1000.0::double, 722.4598::double, 1000.0::double, true),
        ('Gull',  date '2026-03-23', 40, 1, 25.0::double, 4.4::double, 129.0::double, false),
        -- flagged, but three weeks before as_of: history, not news (alerts.recentWeeks = 2)
        ('Heron', date '2026-03-09', 10, 9, 900.0::double, 596.0::double, 982.0::double, true)
      ) v(carrier, week, delivered_shipments, damaged_shipments, breakage_per_1000, breakage_ci_low_per_1000, breakage_ci_high_per_1000, flagged);
    create table mart_listing_flags as
      select * from (values
        ('GLOW-1', 'skincare', timestamptz '2026-03-02 00:00:00+08', timestamptz '2026-03-30 00:00:00+08', 250, 20, 0.08::double, 0.0114::double, 8.3e-11::double, true),
        ('GLOW-2', 'skincare', timestamptz '2026-03-02 00:00:00+08', timestamptz '2026-03-30 00:00:00+08', 900, 9, 0.01::double, 0.02::double, 0.9::double, false)
      ) v(sku, category, window_start, window_end, orders, nad_orders, nad_rate, category_rate, q_value, flagged);
    create table mart_sla_weekly as
      select * from (values
        (date '2026-03-23', 'hotline', 'important', 4, 2, 0.5::double),
        (date '2026-03-23', 'chat', 'general', 10, 2, 0.2::double),
        (date '2026-03-16', 'email', 'general', 10, 9, 0.9::double)
      ) v(week, channel, severity, complaints, breached, breach_rate);
    create table mart_action_effectiveness as
      select * from (values
        ('A4', 'delivery_delay', 'carrier', 'Tortoise', 0.1125::double, 0.1124::double, 0.4979::double, 'not_effective', 'Tortoise sorting-centre fix'),
        ('A1', 'transit_damage', 'carrier', 'Heron', 0.028::double, 0.004::double, 1e-10::double, 'effective', 'Heron cartons')
      ) v(action_id, cause_code, scope_type, scope_value, before_rate, after_rate, p_value, verdict, title);`);
}

const FLAGS = [
  {
    key: 'carrier_breakage:Heron:2026-03-23',
    kind: 'carrier_breakage',
    title: 'Carrier breakage over target: Heron, week of 2026-03-23',
    text: '1000.0 damaged per 1,000 delivered (95 % CI 722.5–1000.0) against a target of 5; 10 of 10 shipments.',
    data: {
      carrier: 'Heron',
      week: '2026-03-23',
      delivered_shipments: 10,
      damaged_shipments: 10,
      breakage_per_1000: 1000,
      breakage_ci_low_per_1000: 722.4598,
      breakage_ci_high_per_1000: 1000,
      target_per_1000: 5,
    },
  },
  {
    key: 'listing_flag:GLOW-1:2026-03-30',
    kind: 'listing_flag',
    title: 'Listing flagged: GLOW-1 (skincare)',
    text: '20 of 250 orders not as described (8.0 %) against 1.1 % in its category (q = 8.3e-11), 2026-03-02 to 2026-03-30.',
    data: {
      sku: 'GLOW-1',
      category: 'skincare',
      window_start: '2026-03-02',
      window_end: '2026-03-30',
      orders: 250,
      nad_orders: 20,
      nad_rate: 0.08,
      category_rate: 0.0114,
      q_value: 8.3e-11,
    },
  },
  {
    key: 'sla_breach:2026-03-23:hotline:important',
    kind: 'sla_breach',
    title: 'SLA breach rate 50.0 % over 20.0 %: hotline / important, week of 2026-03-23',
    text: '2 of 4 complaints missed the first-response target.',
    data: { week: '2026-03-23', channel: 'hotline', severity: 'important', complaints: 4, breached: 2, breach_rate: 0.5, alert_breach_rate: 0.2 },
  },
  {
    key: 'action_not_effective:A4',
    kind: 'action_not_effective',
    title: 'Corrective action not effective: A4 Tortoise sorting-centre fix',
    text: 'delivery_delay on carrier Tortoise: 11.3 % before, 11.2 % after implementation (p = 0.50).',
    data: {
      action_id: 'A4',
      cause_code: 'delivery_delay',
      scope_type: 'carrier',
      scope_value: 'Tortoise',
      before_rate: 0.1125,
      after_rate: 0.1124,
      p_value: 0.4979,
      p_value_worse: null,
      worsened: false,
    },
  },
];

const server = useRecorder();

function configWith(overrides: Record<string, unknown> = {}, webhooks?: unknown[]): Config {
  return parseConfig({
    language: 'en',
    alerts: {
      dashboardUrl: DASHBOARD,
      webhooks: webhooks ?? [
        { url: `${server().url}/json`, format: 'json', name: 'ops-json' },
        { url: `${server().url}/slack/T000/B000/XXXX`, format: 'slack' },
        { url: `${server().url}/dingtalk?access_token=abc`, format: 'dingtalk', name: 'ops-dingtalk' },
        { url: `${server().url}/wecom?key=k-123`, format: 'wecom', name: 'ops-wecom' },
      ],
      ...overrides,
    },
  });
}

async function readSentAlertKeys(w: Warehouse): Promise<string[]> {
  return (await w.all<{ alert_key: string }>('select alert_key from sent_alerts order by alert_key')).map((r) => r.alert_key);
}

const deliver = (warehouse: Warehouse, config: Config, runId = 'R1') => deliverAlerts({ warehouse, config, runId, asOf: AS_OF, logger: createSilentLogger() });

describe('alert webhooks', () => {
  it('posts each new flag once, in each format, with a link to the dashboard', async () => {
    await withWarehouse(async (w) => {
      await createMarts(w);
      const config = configWith();
      const delivery = await deliver(w, config);
      expect(delivery.failed).toEqual([]);
      expect(server().requests.map((r) => r.path)).toEqual(['/json', '/slack/T000/B000/XXXX', '/dingtalk', '/wecom']);

      expect(server().bodiesOf('/json')).toEqual([
        {
          source: 'rootloop',
          run_id: 'R1',
          as_of: '2026-03-29T16:00:00.000Z',
          dashboard_url: DASHBOARD,
          alerts: FLAGS.map((f) => ({ key: f.key, kind: f.kind, title: f.title, text: f.text, url: DASHBOARD, data: f.data })),
        },
      ]);
      expect(server().bodiesOf('/slack/T000/B000/XXXX')).toEqual([
        {
          text: 'rootloop: 4 new alerts',
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: 'rootloop: 4 new alerts' } },
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: '*Carrier breakage over target: Heron, week of 2026-03-23*\n1000.0 damaged per 1,000 delivered (95 % CI 722.5–1000.0) against a target of 5; 10 of 10 shipments.',
              },
            },
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: '*Listing flagged: GLOW-1 (skincare)*\n20 of 250 orders not as described (8.0 %) against 1.1 % in its category (q = 8.3e-11), 2026-03-02 to 2026-03-30.',
              },
            },
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: '*SLA breach rate 50.0 % over 20.0 %: hotline / important, week of 2026-03-23*\n2 of 4 complaints missed the first-response target.',
              },
            },
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: '*Corrective action not effective: A4 Tortoise sorting-centre fix*\ndelivery_delay on carrier Tortoise: 11.3 % before, 11.2 % after implementation (p = 0.50).',
              },
            },
            { type: 'context', elements: [{ type: 'mrkdwn', text: '<http://dash.example/rootloop/|Open the dashboard> · run R1' }] },
          ],
        },
      ]);
      expect(server().bodiesOf('/dingtalk')).toEqual([
        {
          msgtype: 'markdown',
          markdown: {
            title: 'rootloop: 4 new alerts',
            text:
              '### rootloop: 4 new alerts\n\n' +
              '**Carrier breakage over target: Heron, week of 2026-03-23**\n\n1000.0 damaged per 1,000 delivered (95 % CI 722.5–1000.0) against a target of 5; 10 of 10 shipments.\n\n' +
              '**Listing flagged: GLOW-1 (skincare)**\n\n20 of 250 orders not as described (8.0 %) against 1.1 % in its category (q = 8.3e-11), 2026-03-02 to 2026-03-30.\n\n' +
              '**SLA breach rate 50.0 % over 20.0 %: hotline / important, week of 2026-03-23**\n\n2 of 4 complaints missed the first-response target.\n\n' +
              '**Corrective action not effective: A4 Tortoise sorting-centre fix**\n\ndelivery_delay on carrier Tortoise: 11.3 % before, 11.2 % after implementation (p = 0.50).\n\n' +
              '[Open the dashboard](http://dash.example/rootloop/)',
          },
        },
      ]);
      expect(server().bodiesOf('/wecom')).toEqual([
        {
          msgtype: 'markdown',
          markdown: {
            content:
              '### rootloop: 4 new alerts\n' +
              '**Carrier breakage over target: Heron, week of 2026-03-23**\n> 1000.0 damaged per 1,000 delivered (95 % CI 722.5–1000.0) against a target of 5; 10 of 10 shipments.\n' +
              '**Listing flagged: GLOW-1 (skincare)**\n> 20 of 250 orders not as described (8.0 %) against 1.1 % in its category (q = 8.3e-11), 2026-03-02 to 2026-03-30.\n' +
              '**SLA breach rate 50.0 % over 20.0 %: hotline / important, week of 2026-03-23**\n> 2 of 4 complaints missed the first-response target.\n' +
              '**Corrective action not effective: A4 Tortoise sorting-centre fix**\n> delivery_delay on carrier Tortoise: 11.3 % before, 11.2 % after implementation (p = 0.50).\n' +
              '[Open the dashboard](http://dash.example/rootloop/)',
          },
        },
      ]);

      // The ledger: one row per flag and channel; the channel without a name is known by a hash of its URL.
      const slack = channelOf(config.alerts.webhooks[1]!);
      expect(slack).toMatch(/^webhook-[0-9a-f]{12}$/);
      // (with the older weeks' flags, recorded on this first delivery without being posted: history)
      const history = ['carrier_breakage:Heron:2026-03-09', 'sla_breach:2026-03-16:email:general'];
      expect(await readSentAlertKeys(w)).toEqual(
        ['ops-dingtalk', 'ops-json', 'ops-wecom', slack]
          .flatMap((channel) => [...FLAGS.map((f) => f.key), ...history].map((key) => `${key}|${channel}`))
          .sort(),
      );

      // Nothing new: nothing is posted again.
      server().requests.length = 0;
      expect((await deliver(w, config, 'R2')).sent).toEqual([]);
      expect(server().requests).toEqual([]);

      // After the first delivery an older week flagged late (its damage complaints came in since) is news.
      await w.run(`insert into mart_carrier_weekly values ('Gull', date '2026-03-02', 10, 8, 800.0, 490.0, 943.0, true)`);
      const late = await deliver(w, config, 'R2b');
      expect(late.sent.map((s) => s.keys)).toEqual(Array(4).fill(['carrier_breakage:Gull:2026-03-02']));
      server().requests.length = 0;

      // A new flag: only it is posted, to every channel.
      await w.run(`insert into mart_sla_weekly values (date '2026-03-23', 'chat', 'major', 3, 3, 1.0)`);
      await deliver(w, config, 'R3');
      expect(server().requests.map((r) => r.path)).toEqual(['/json', '/slack/T000/B000/XXXX', '/dingtalk', '/wecom']);
      expect(server().bodiesOf('/json')).toEqual([
        {
          source: 'rootloop',
          run_id: 'R3',
          as_of: '2026-03-29T16:00:00.000Z',
          dashboard_url: DASHBOARD,
          alerts: [
            {
              key: 'sla_breach:2026-03-23:chat:major',
              kind: 'sla_breach',
              url: DASHBOARD,
              title: 'SLA breach rate 100.0 % over 20.0 %: chat / major, week of 2026-03-23',
              text: '3 of 3 complaints missed the first-response target.',
              data: { week: '2026-03-23', channel: 'chat', severity: 'major', complaints: 3, breached: 3, breach_rate: 1, alert_breach_rate: 0.2 },
            },
          ],
        },
      ]);
      expect((server().bodiesOf('/wecom')[0] as { markdown: { content: string } }).markdown.content).toBe(
        '### rootloop: 1 new alert\n**SLA breach rate 100.0 % over 20.0 %: chat / major, week of 2026-03-23**\n> 3 of 3 complaints missed the first-response target.\n[Open the dashboard](http://dash.example/rootloop/)',
      );
    });
  });

  it('leaves the flags of a failing channel for the next run without holding back the others', async () => {
    await withWarehouse(async (w) => {
      await createMarts(w);
      const config = configWith();
      server().answer('/wecom', 502, 'bad gateway');
      server().answer('/dingtalk', 200, '{"errcode":310000,"errmsg":"keywords not in content"}');
      const first = await deliver(w, config);
      expect(first.failed).toEqual([
        { channel: 'ops-dingtalk', error: 'dingtalk ops-dingtalk refused the message: errcode 310000 keywords not in content' },
        { channel: 'ops-wecom', error: 'wecom ops-wecom answered HTTP 502: bad gateway' },
      ]);
      expect(first.sent.map((s) => [s.channel, s.keys.length])).toEqual([
        ['ops-json', 4],
        [channelOf(config.alerts.webhooks[1]!), 4],
      ]);

      server().answer('/wecom', 200, '{"errcode":0,"errmsg":"ok"}');
      server().answer('/dingtalk', 200, '{"errcode":0,"errmsg":"ok"}');
      server().requests.length = 0;
      const second = await deliver(w, config, 'R2');
      expect(second.failed).toEqual([]);
      expect(server().requests.map((r) => r.path)).toEqual(['/dingtalk', '/wecom']);
      expect(second.sent.map((s) => [s.channel, s.keys])).toEqual([
        ['ops-dingtalk', FLAGS.map((f) => f.key)],
        ['ops-wecom', FLAGS.map((f) => f.key)],
      ]);
    });
  });

  it('signs DingTalk requests with the secret named by secretEnv, and splits long batches', async () => {
    await withWarehouse(async (w) => {
      await createMarts(w);
      process.env.ROOTLOOP_TEST_DINGTALK_SECRET = 'SECtest-secret';
      const config = configWith({ maxFlagsPerMessage: 3 }, [
        { url: `${server().url}/dingtalk?access_token=abc`, format: 'dingtalk', secretEnv: 'ROOTLOOP_TEST_DINGTALK_SECRET' },
        { url: `${server().url}/json`, format: 'json' },
      ]);
      await deliver(w, config);
      const signed = server().requests.filter((r) => r.path === '/dingtalk');
      expect(signed).toHaveLength(2);
      for (const request of signed) {
        const { access_token, timestamp, sign } = request.query;
        expect(access_token).toBe('abc');
        expect(sign).toBe(crypto.createHmac('sha256', 'SECtest-secret').update(`${timestamp}\nSECtest-secret`).digest('base64'));
      }
      expect(signed.map((r) => (r.body as { markdown: { title: string } }).markdown.title)).toEqual([
        'rootloop: 3 new alerts (1/2)',
        'rootloop: 1 new alert (2/2)',
      ]);
      expect(
        server()
          .bodiesOf('/json')
          .map((b) => {
            const { part, parts, alerts } = b as { part: number; parts: number; alerts: { key: string }[] };
            return [part, parts, alerts.map((a) => a.key)];
          }),
      ).toEqual([
        [1, 2, FLAGS.slice(0, 3).map((f) => f.key)],
        [2, 2, [FLAGS[3]!.key]],
      ]);
      delete process.env.ROOTLOOP_TEST_DINGTALK_SECRET;
    });
  });

  it('writes the messages in Chinese when the config language is zh', async () => {
    await withWarehouse(async (w) => {
      await createMarts(w);
      const config = parseConfig({ language: 'zh', alerts: { dashboardUrl: DASHBOARD, webhooks: [{ url: `${server().url}/wecom?key=k`, format: 'wecom' }] } });
      await deliver(w, config);
      expect((server().bodiesOf('/wecom')[0] as { markdown: { content: string } }).markdown.content).toBe(
        [
          '### rootloop：4 条新告警',
          '**承运商破损超标：Heron，2026-03-23 当周**',
          '> 每千单破损 1000.0（95% 置信区间 722.5–1000.0），目标 5；10 单中 10 单破损。',
          '**商品详情页被标记：GLOW-1（skincare）**',
          '> 250 单中 20 单反馈与描述不符（8.0%），同类目为 1.1%（q = 8.3e-11），统计窗口 2026-03-02 至 2026-03-30。',
          '**SLA 超时率 50.0%，超过 20.0%：hotline / important，2026-03-23 当周**',
          '> 4 条投诉中 2 条首次响应超时。',
          '**整改措施未见效：A4 Tortoise sorting-centre fix**',
          '> carrier Tortoise 的 delivery_delay：实施前 11.3%，实施后 11.2%（p = 0.50）。',
          '[打开看板](http://dash.example/rootloop/)',
        ].join('\n'),
      );
    });
  });

  it("announces the conformance world's flags after a scheduled run, and not again after the next", { timeout: 120_000 }, async () => {
    await withTempDir(async (dir) => {
      const gen = await generateConformanceWorld(path.join(dir, 'inbox'));
      const config = parseConfig({
        language: 'en',
        paths: { inbox: path.join(dir, 'inbox'), db: path.join(dir, 'w.duckdb'), out: path.join(dir, 'out') },
        schedule: { catchUp: false },
        // Heron's flagged weeks are months before as_of: announced only when the recent weeks reach them.
        alerts: { dashboardUrl: DASHBOARD, webhooks: [{ url: `${server().url}/json`, format: 'json', name: 'ops' }], maxFlagsPerMessage: 40, recentWeeks: 52 },
      });
      const scheduler = createScheduler({
        config,
        logger: createSilentLogger(),
        clock: fixedClock(gen.meta.asOf),
        driver: new ManualCronDriver(),
        publishers: () => [],
        progress: false,
      });
      await scheduler.start();
      const first = await scheduler.request('refresh');
      const keys = (server().bodiesOf('/json') as { alerts: { key: string }[] }[]).flatMap((b) => b.alerts.map((a) => a.key));
      expect(first?.alerts?.sent).toEqual([{ channel: 'ops', keys }]);
      // Heron's weeks before its corrective action, the GLOW-1 listing, the Tortoise action that did not work.
      expect(keys.filter((k) => k.startsWith('carrier_breakage:')).every((k) => k.startsWith('carrier_breakage:Heron:'))).toBe(true);
      expect(keys.filter((k) => k.startsWith('carrier_breakage:')).length).toBeGreaterThan(0);
      expect(keys).toContain(`listing_flag:${gen.meta.flaggedSku}:2026-03-30`);
      expect(keys.filter((k) => k.startsWith('listing_flag:'))).toEqual([`listing_flag:${gen.meta.flaggedSku}:2026-03-30`]);
      expect(keys).toContain('action_not_effective:A4');
      // the world's two crisis complaints, both opened in the 28 days before as_of, oldest first: SLA3 (graded
      // crisis by the agent) and SEV1 (过敏: crisis by the safety-word rule)
      expect(keys.filter((k) => k.startsWith('crisis_complaint:'))).toEqual(['crisis_complaint:SLA3', 'crisis_complaint:SEV1']);
      expect(new Set(keys).size).toBe(keys.length);

      server().requests.length = 0;
      const second = await scheduler.request('refresh');
      await scheduler.stop('test');
      expect(second).toMatchObject({ status: 'succeeded', alerts: { sent: [], failed: [] } });
      expect(server().requests).toEqual([]);
    });
  });
});
