/**
 * POSTs one message to one webhook. Success is a 2xx answer and, for DingTalk and WeCom (which answer
 * 200 even when they refuse a message), `errcode` 0 in the body. A DingTalk robot secured by signing
 * gets `timestamp` and `sign` (HMAC-SHA256 of "timestamp\nsecret", base64) on its URL; the secret
 * comes from the environment variable the config names.
 */
import crypto from 'node:crypto';
import type { Config } from '../core/config.ts';
import { configError, sourceError } from '../core/errors.ts';

export type WebhookConfig = Config['alerts']['webhooks'][number];
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** Where a webhook goes, without its secret path or query (those hold the robot's access token). */
export function describeWebhook(webhook: WebhookConfig): string {
  try {
    const url = new URL(webhook.url);
    return `${webhook.format} ${webhook.name ?? `${url.protocol}//${url.host}`}`;
  } catch {
    return webhook.format;
  }
}

export function signDingTalkUrl(url: string, secret: string, now: number): string {
  const sign = crypto.createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
  const target = new URL(url);
  target.searchParams.set('timestamp', String(now));
  target.searchParams.set('sign', sign);
  return target.toString();
}

export async function postWebhook(webhook: WebhookConfig, body: unknown, options: { fetch?: FetchLike; timeoutMs: number; now?: () => number }): Promise<void> {
  let url = webhook.url;
  if (webhook.secretEnv) {
    const secret = process.env[webhook.secretEnv];
    if (!secret) throw configError(`alerts.webhooks: ${describeWebhook(webhook)} is signed with the secret in $${webhook.secretEnv}, which is not set`);
    url = signDingTalkUrl(url, secret, (options.now ?? Date.now)());
  }
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  let response: { status: number; text(): Promise<string> };
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw sourceError(`${describeWebhook(webhook)}: ${(error as Error).message}`, true, error);
  }
  const text = await response.text().catch(() => '');
  if (response.status < 200 || response.status >= 300) {
    throw sourceError(`${describeWebhook(webhook)} answered HTTP ${response.status}: ${text.slice(0, 200)}`, response.status === 429 || response.status >= 500);
  }
  if (webhook.format === 'dingtalk' || webhook.format === 'wecom') {
    let answer: { errcode?: number; errmsg?: string } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      // Not JSON: a proxy or a test double; the 2xx stands.
    }
    if (answer.errcode !== undefined && answer.errcode !== 0) {
      throw sourceError(`${describeWebhook(webhook)} refused the message: errcode ${answer.errcode} ${answer.errmsg ?? ''}`.trim(), false);
    }
  }
}
