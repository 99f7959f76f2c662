/**
 * One alert message in each webhook format: a generic JSON document for machines, and the message
 * bodies of the chat tools the teams use.
 *
 * - `json`: `{source, run_id, as_of, dashboard_url, alerts: [{key, kind, title, text, url, data}]}`
 * - `slack` (incoming webhook): `text` as the notification fallback plus Block Kit blocks (header, one
 *   mrkdwn section per flag, a context line with the dashboard link); `&`, `<`, `>` escaped.
 * - `dingtalk` (custom robot): `{msgtype: "markdown", markdown: {title, text}}`. The title holds
 *   "rootloop", so a robot secured by the keyword "rootloop" accepts it.
 * - `wecom` (group robot): `{msgtype: "markdown", markdown: {content}}`, content at most 4096 bytes.
 */
import type { Config } from '../core/config.ts';
import type { AlertFlag } from './flags.ts';

export type WebhookFormat = Config['alerts']['webhooks'][number]['format'];

export interface AlertMessage {
  runId: string;
  asOf: Date;
  dashboardUrl: string;
  language: Config['language'];
  flags: readonly AlertFlag[];
  /** 1-based part and count when the new flags are split over several messages. */
  part?: { index: number; count: number };
}

/** Largest body each chat tool accepts (bytes of the markdown text), with a margin. */
export const MESSAGE_BYTE_LIMITS: Record<WebhookFormat, number> = { json: Infinity, slack: 35_000, dingtalk: 18_000, wecom: 4_000 };

export function buildHeadline(message: AlertMessage): string {
  const n = message.flags.length;
  const part = message.part && message.part.count > 1 ? ` (${message.part.index}/${message.part.count})` : '';
  return message.language === 'zh' ? `rootloop：${n} 条新告警${part}` : `rootloop: ${n} new alert${n === 1 ? '' : 's'}${part}`;
}

const linkText = (message: AlertMessage) => (message.language === 'zh' ? '打开看板' : 'Open the dashboard');

/** Keeps one line of chat markdown one line, and markdown link syntax intact. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
const escapeSlack = (text: string) => oneLine(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function buildWebhookPayload(format: WebhookFormat, message: AlertMessage): Record<string, unknown> {
  const headline = buildHeadline(message);
  switch (format) {
    case 'json':
      return {
        source: 'rootloop',
        run_id: message.runId,
        as_of: message.asOf.toISOString(),
        dashboard_url: message.dashboardUrl,
        ...(message.part && message.part.count > 1 ? { part: message.part.index, parts: message.part.count } : {}),
        alerts: message.flags.map((f) => ({ key: f.key, kind: f.kind, title: f.title, text: f.text, url: message.dashboardUrl, data: f.data })),
      };
    case 'slack':
      return {
        text: headline,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: headline } },
          ...message.flags.map((f) => ({ type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(f.title)}*\n${escapeSlack(f.text)}` } })),
          { type: 'context', elements: [{ type: 'mrkdwn', text: `<${message.dashboardUrl}|${linkText(message)}> · run ${message.runId}` }] },
        ],
      };
    case 'dingtalk':
      return {
        msgtype: 'markdown',
        markdown: {
          title: headline,
          text: [
            `### ${headline}`,
            ...message.flags.map((f) => `**${oneLine(f.title)}**\n\n${oneLine(f.text)}`),
            `[${linkText(message)}](${message.dashboardUrl})`,
          ].join('\n\n'),
        },
      };
    case 'wecom':
      return {
        msgtype: 'markdown',
        markdown: {
          content: [
            `### ${headline}`,
            ...message.flags.map((f) => `**${oneLine(f.title)}**\n> ${oneLine(f.text)}`),
            `[${linkText(message)}](${message.dashboardUrl})`,
          ].join('\n'),
        },
      };
  }
}

/**
 * The new flags cut into messages: at most `maxPerMessage` each, and halved again while a message
 * would exceed its format's size limit.
 */
export function splitIntoMessages(
  format: WebhookFormat,
  flags: readonly AlertFlag[],
  maxPerMessage: number,
  base: Omit<AlertMessage, 'flags' | 'part'>,
): AlertMessage[] {
  const groups: AlertFlag[][] = [];
  const fits = (group: AlertFlag[]) =>
    Buffer.byteLength(JSON.stringify(buildWebhookPayload(format, { ...base, flags: group, part: { index: 99, count: 99 } }))) <= MESSAGE_BYTE_LIMITS[format];
  const place = (group: AlertFlag[]) => {
    if (group.length <= 1 || fits(group)) return void groups.push(group);
    const half = Math.ceil(group.length / 2);
    place(group.slice(0, half));
    place(group.slice(half));
  };
  for (let i = 0; i < flags.length; i += maxPerMessage) place(flags.slice(i, i + maxPerMessage));
  return groups.map((group, i) => ({ ...base, flags: group, part: { index: i + 1, count: groups.length } }));
}
