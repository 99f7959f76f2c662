/**
 * The weekly review by email: after a successful weekly_review run, the review of the latest complete
 * week that the report publisher wrote into OUT/report goes to `alerts.email.to` over SMTP (nodemailer).
 * The Markdown review is the plain-text body, the HTML review the HTML body, and both files are
 * attached. One email per week: the ledger (`sent_alerts`, key `weekly_review_email:WEEK|email`) is
 * marked after the server accepted it (at least once, like the webhooks).
 *
 * Which files: the top-level `.md` and `.html` files of OUT/report, those whose name holds the week
 * (`…2026-03-23…`) preferred, else the most recently written of each. Images the HTML shows from that
 * folder (`<img src="weekly-…-pareto.png">`) travel inline (cid:), so the charts show in mail clients.
 */
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Config } from '../core/config.ts';
import { configError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { ledgerKeyOf, markSent, readSentKeys } from './sent-alerts.ts';

export type EmailConfig = NonNullable<Config['alerts']['email']>;

export interface ReportFile {
  name: string;
  content: string;
}

export interface WeeklyReport {
  week: string;
  markdown?: ReportFile;
  html?: ReportFile;
  /** Files of the report folder that the HTML shows with a relative `src`. */
  images: { name: string; content: Buffer }[];
}

const contentIdOf = (name: string) => `${name}@rootloop`;

/** The review files of `week` in `reportDir`, or undefined when there is neither a .md nor a .html. */
export function findWeeklyReport(reportDir: string, week: string): WeeklyReport | undefined {
  if (!fs.existsSync(reportDir)) return undefined;
  const files = fs
    .readdirSync(reportDir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ name: e.name, mtime: fs.statSync(path.join(reportDir, e.name)).mtimeMs }));
  const pick = (extension: string): ReportFile | undefined => {
    const candidates = files.filter((f) => f.name.toLowerCase().endsWith(extension));
    // Only the week asked for: another week's review (the folder keeps earlier ones) sent under this
    // week's subject would also mark this week as sent, and its own review would never go out.
    const chosen = candidates.filter((f) => f.name.includes(week)).sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name))[0];
    return chosen && { name: chosen.name, content: fs.readFileSync(path.join(reportDir, chosen.name), 'utf8') };
  };
  const markdown = pick('.md');
  const html = pick('.html');
  if (!markdown && !html) return undefined;
  const names = new Set(files.map((f) => f.name));
  const shown = new Set([...(html?.content.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/gi) ?? [])].map((m) => m[1]!).filter((src) => names.has(src)));
  const images = [...shown].sort().map((name) => ({ name, content: fs.readFileSync(path.join(reportDir, name)) }));
  return { week, ...(markdown ? { markdown } : {}), ...(html ? { html } : {}), images };
}

const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function composeWeeklyReviewEmail(
  email: EmailConfig,
  report: WeeklyReport,
  options: { language: Config['language']; dashboardUrl: string },
): Mail.Options {
  const zh = options.language === 'zh';
  const subject = zh ? `${email.subjectPrefix} 周报：${report.week} 当周` : `${email.subjectPrefix} Weekly review, week of ${report.week}`;
  const intro = zh ? `${report.week} 当周的周报见下文及附件。` : `The weekly review for the week of ${report.week} is below and attached.`;
  const link = zh ? `看板：${options.dashboardUrl}` : `Dashboard: ${options.dashboardUrl}`;
  const body = report.markdown?.content ?? (zh ? '（周报正文见所附 HTML 文件。）' : '(The review is in the attached HTML file.)');
  const attachments: Mail.Attachment[] = [];
  if (report.markdown) attachments.push({ filename: report.markdown.name, content: report.markdown.content, contentType: 'text/markdown; charset=utf-8' });
  if (report.html) attachments.push({ filename: report.html.name, content: report.html.content, contentType: 'text/html; charset=utf-8' });
  for (const image of report.images)
    attachments.push({ filename: image.name, content: image.content, cid: contentIdOf(image.name), contentDisposition: 'inline' });
  const html = report.html?.content.replace(/(<img\b[^>]*\bsrc=")([^"]+)"/gi, (whole, start: string, src: string) =>
    report.images.some((i) => i.name === src) ? `${start}cid:${contentIdOf(src)}"` : whole,
  );
  return {
    from: email.from,
    to: email.to,
    subject,
    text: `${intro}\n\n${body.trimEnd()}\n\n${link}\n`,
    html: html ?? `<p>${escapeHtml(intro)}</p><pre>${escapeHtml(body)}</pre><p><a href="${escapeHtml(options.dashboardUrl)}">${escapeHtml(link)}</a></p>`,
    attachments,
  };
}

/** SMTP transport options from the config; user and password come from the environment variables it names. */
export function smtpOptionsOf(email: EmailConfig, timeoutMs: number): SMTPTransport.Options {
  const read = (name: string | undefined, key: string) => {
    if (!name) return undefined;
    const value = process.env[name];
    if (!value) throw configError(`alerts.email.${key} names $${name}, which is not set`);
    return value;
  };
  const user = read(email.userEnv, 'userEnv');
  const pass = read(email.passwordEnv, 'passwordEnv');
  return {
    host: email.host,
    port: email.port,
    secure: email.secure,
    requireTLS: email.requireTls,
    ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 3,
  };
}

export type EmailOutcome = 'sent' | 'already-sent' | 'no-report' | 'disabled';

export interface SendWeeklyReviewOptions {
  warehouse: Warehouse;
  config: Config;
  reportDir: string;
  week: string;
  runId: string;
  logger: Logger;
}

/**
 * Whether the review of `week` is owed by email: a run of one of `weeklyJobs` (the weekly_review jobs)
 * built it (the run's as_of falls in the week after `week`), and the ledger has no email for it. Read
 * from the warehouse, so an email that failed is still owed after the scheduler restarts.
 */
export async function isWeeklyEmailOwed(warehouse: Warehouse, weeklyJobs: readonly string[], week: string): Promise<boolean> {
  if (!weeklyJobs.length) return false;
  if ((await readSentKeys(warehouse)).has(ledgerKeyOf(`weekly_review_email:${week}`, 'email'))) return false;
  const built = await warehouse.scalar(
    `select count(*) from runs where status = 'succeeded' and job in (${weeklyJobs.map((name) => `'${name.replaceAll("'", "''")}'`).join(', ')})
       and local_week(as_of) - 7 = $1::date`,
    [week],
  );
  return built > 0;
}

export async function sendWeeklyReviewEmail(options: SendWeeklyReviewOptions): Promise<EmailOutcome> {
  const { config, logger, week } = options;
  const email = config.alerts.email;
  if (!email) return 'disabled';
  const key = ledgerKeyOf(`weekly_review_email:${week}`, 'email');
  if ((await readSentKeys(options.warehouse)).has(key)) {
    logger.info({ week }, 'the weekly review of this week was already emailed');
    return 'already-sent';
  }
  const report = findWeeklyReport(options.reportDir, week);
  if (!report) {
    logger.warn({ week, reportDir: options.reportDir }, 'no weekly review (.md or .html) in the report folder; the email was not sent');
    return 'no-report';
  }
  const message = composeWeeklyReviewEmail(email, report, { language: config.language, dashboardUrl: config.alerts.dashboardUrl });
  const transport = nodemailer.createTransport(smtpOptionsOf(email, config.alerts.timeoutMs));
  try {
    const info = await transport.sendMail(message);
    await markSent(options.warehouse, options.runId, [
      {
        key,
        payload: {
          subject: message.subject,
          to: email.to,
          messageId: info.messageId,
          files: [report.markdown?.name, report.html?.name, ...report.images.map((i) => i.name)].filter(Boolean),
        },
      },
    ]);
    logger.info({ week, to: email.to, messageId: info.messageId }, 'emailed the weekly review');
    return 'sent';
  } finally {
    transport.close();
  }
}
