/**
 * After a successful run: announce each flag the ledger has not seen, on every configured webhook, in
 * that webhook's format, with a link to the dashboard. A webhook that fails leaves its flags unmarked,
 * so the next successful run tries them again; the other webhooks are not held back by it.
 */
import crypto from 'node:crypto';
import type { Config } from '../core/config.ts';
import { codeOf, messageOf } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { collectFlags, firstRecentWeek, isOfEarlierWeek, type AlertFlag } from './flags.ts';
import { describeWebhook, postWebhook, type FetchLike, type WebhookConfig } from './post-webhook.ts';
import { ledgerKeyOf, markSent, readSentKeys } from './sent-alerts.ts';
import { buildWebhookPayload, splitIntoMessages } from './webhook-formats.ts';

/** The channel's name in the ledger: its configured name, else a hash of its URL (never the URL: it holds a token). */
export function channelOf(webhook: WebhookConfig): string {
  return webhook.name ?? `webhook-${crypto.createHash('sha256').update(webhook.url).digest('hex').slice(0, 12)}`;
}

export interface DeliverAlertsOptions {
  warehouse: Warehouse;
  config: Config;
  runId: string;
  asOf: Date;
  logger: Logger;
  fetch?: FetchLike;
}

export interface AlertDelivery {
  flags: AlertFlag[];
  /** Flag keys sent per channel this time. */
  sent: { channel: string; keys: string[] }[];
  failed: { channel: string; error: string }[];
}

export async function deliverAlerts(options: DeliverAlertsOptions): Promise<AlertDelivery> {
  const { warehouse, config, runId, asOf, logger } = options;
  const delivery: AlertDelivery = { flags: [], sent: [], failed: [] };
  if (!config.alerts.webhooks.length) return delivery;
  delivery.flags = await collectFlags(warehouse, config, asOf);
  const already = await readSentKeys(warehouse);
  const firstWeek = await firstRecentWeek(warehouse, config, asOf);
  for (const webhook of config.alerts.webhooks) {
    const channel = channelOf(webhook);
    let fresh = delivery.flags.filter((f) => !already.has(ledgerKeyOf(f.key, channel)));
    // A channel's first delivery (a first start on a year of history posted 89 flags back to August):
    // weekly flags before the latest alerts.recentWeeks weeks are recorded as seen, not posted. From then
    // on every new flag is posted, also one of an older week that a late complaint tipped over.
    const firstDelivery = ![...already].some((key) => key.endsWith(ledgerKeyOf('', channel)));
    if (firstDelivery) {
      const history = fresh.filter((f) => isOfEarlierWeek(f, firstWeek));
      if (history.length) {
        await markSent(
          warehouse,
          runId,
          history.map((f) => ({ key: ledgerKeyOf(f.key, channel), payload: { channel, baseline: true, kind: f.kind, title: f.title } })),
        );
        logger.info({ channel, flags: history.length, before: firstWeek }, `first delivery: ${history.length} older weekly flag(s) recorded without posting`);
        fresh = fresh.filter((f) => !history.includes(f));
      }
    }
    if (!fresh.length) continue;
    const messages = splitIntoMessages(webhook.format, fresh, config.alerts.maxFlagsPerMessage, {
      runId,
      asOf,
      dashboardUrl: config.alerts.dashboardUrl,
      language: config.language,
    });
    const sentKeys: string[] = [];
    for (const message of messages) {
      const payload = buildWebhookPayload(webhook.format, message);
      try {
        await postWebhook(webhook, payload, { timeoutMs: config.alerts.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
      } catch (error) {
        logger.error(
          { channel, webhook: describeWebhook(webhook), code: codeOf(error), err: messageOf(error), pending: fresh.length - sentKeys.length },
          'alert webhook failed; its flags are tried again after the next run',
        );
        delivery.failed.push({ channel, error: messageOf(error) });
        break;
      }
      await markSent(
        warehouse,
        runId,
        message.flags.map((f) => ({
          key: ledgerKeyOf(f.key, channel),
          payload: { channel, format: webhook.format, kind: f.kind, title: f.title, text: f.text, data: f.data },
        })),
      );
      sentKeys.push(...message.flags.map((f) => f.key));
    }
    if (sentKeys.length) {
      delivery.sent.push({ channel, keys: sentKeys });
      logger.info({ channel, webhook: describeWebhook(webhook), alerts: sentKeys.length, keys: sentKeys.slice(0, 20) }, `sent ${sentKeys.length} new alert(s)`);
    }
  }
  return delivery;
}
