/**
 * The weekly review by email: a weekly_review run on a tiny world sends the review of the latest
 * complete week to a local SMTP server started by the test (smtp-server), authenticated with the
 * credentials of the environment variables the config names; subject, recipients, body and
 * attachments are asserted on the message as received. The same week is not emailed twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { findWeeklyReport } from '../../pipelines/alerts/weekly-review-email.ts';
import { fixedClock } from '../../pipelines/scheduling/clock.ts';
import { createScheduler } from '../../pipelines/scheduling/scheduler.ts';
import { withTempDir } from '../helpers/warehouse.ts';
import { ManualCronDriver, PNG_1X1, fakeReportPublisher, makeConfig, writeTinyInbox } from '../scheduling/scheduling-helpers.ts';

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
}

interface MimePart {
  headers: Record<string, string>;
  body: string;
}

/** Leaf parts of a MIME message, bodies decoded (base64, quoted-printable). */
function parseMime(raw: string): MimePart[] {
  const split = raw.indexOf('\r\n\r\n');
  const headers = headersOf(raw);
  const body = raw.slice(split + 4);
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1, -1)
      .flatMap((part) => parseMime(part.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let decoded = body;
  if (encoding === 'base64') decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes: number[] = [];
    const text = body.replace(/=\r\n/g, '');
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
        bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
    decoded = Buffer.from(bytes).toString('utf8');
  }
  return [{ headers, body: decoded.replace(/\r\n/g, '\n') }];
}

/** The header block of a message or part, unfolded, names lower-cased. */
function headersOf(raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of raw
    .slice(0, raw.indexOf('\r\n\r\n'))
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

let smtp: SMTPServer;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'rootloop-mailer' && auth.password === 's3cret') return callback(null, { user: auth.username });
      callback(new Error('invalid credentials'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

describe('weekly review email', () => {
  it('emails the review of the latest complete week to the configured recipients, once', { timeout: 60_000 }, async () => {
    await withTempDir(async (dir) => {
      process.env.ROOTLOOP_TEST_SMTP_USER = 'rootloop-mailer';
      process.env.ROOTLOOP_TEST_SMTP_PASSWORD = 's3cret';
      writeTinyInbox(path.join(dir, 'inbox'));
      const config = makeConfig(dir, {
        schedule: { jobs: [{ name: 'weekly-review', cron: '0 8 * * 1', task: 'weekly_review' }] },
        alerts: {
          dashboardUrl: 'http://dash.example/rootloop/',
          email: {
            host: '127.0.0.1',
            port,
            from: 'rootloop <rootloop@example.com>',
            to: ['quality@example.com', 'logistics@example.com'],
            userEnv: 'ROOTLOOP_TEST_SMTP_USER',
            passwordEnv: 'ROOTLOOP_TEST_SMTP_PASSWORD',
          },
        },
      });
      // Monday 2026-03-30 08:00: the latest complete week is the one of Monday 2026-03-23.
      const scheduler = createScheduler({
        config,
        logger: createSilentLogger(),
        clock: fixedClock('2026-03-30T08:00:00+08:00'),
        driver: new ManualCronDriver(),
        publishers: () => [fakeReportPublisher()],
        progress: false,
      });
      await scheduler.start();
      const first = await scheduler.request('weekly-review');
      expect(first).toMatchObject({ status: 'succeeded', email: 'sent' });

      expect(received).toHaveLength(1);
      const mail = received[0]!;
      expect(mail).toMatchObject({ from: 'rootloop@example.com', to: ['quality@example.com', 'logistics@example.com'], user: 'rootloop-mailer' });
      const headers = headersOf(mail.raw);
      expect(headers.subject).toBe('[rootloop] Weekly review, week of 2026-03-23');
      expect(headers.from).toBe('rootloop <rootloop@example.com>');
      expect(headers.to).toBe('quality@example.com, logistics@example.com');

      const parts = parseMime(mail.raw);
      const text = parts.find((p) => p.headers['content-type']?.startsWith('text/plain') && !p.headers['content-disposition']);
      expect(text?.body).toBe(
        'The weekly review for the week of 2026-03-23 is below and attached.\n\n# Weekly review, week of 2026-03-23\n\nComplaints to date: 10\n\nDashboard: http://dash.example/rootloop/\n',
      );
      // The HTML review is the HTML body, its chart travelling inline.
      const html = parts.find((p) => p.headers['content-type']?.startsWith('text/html') && !p.headers['content-disposition']);
      expect(html?.body).toBe(
        '<h1>Weekly review, week of 2026-03-23</h1><p>Complaints to date: 10</p><img src="cid:weekly-review-2026-03-23-pareto.png@rootloop" alt="Pareto">',
      );
      const inline = parts.find((p) => p.headers['content-disposition']?.startsWith('inline'));
      expect(inline?.headers['content-id']).toBe('<weekly-review-2026-03-23-pareto.png@rootloop>');
      expect(inline?.headers['content-type']).toBe('image/png; name=weekly-review-2026-03-23-pareto.png');
      expect(
        Buffer.from(
          mail.raw
            .slice(mail.raw.indexOf('\r\n\r\n', mail.raw.indexOf('Content-ID: <weekly-review')) + 4)
            .split('\r\n--')[0]!
            .replace(/\s+/g, ''),
          'base64',
        ),
      ).toEqual(PNG_1X1);
      const attachments = parts.filter((p) => p.headers['content-disposition']?.startsWith('attachment'));
      expect(attachments.map((a) => [/filename="?([^";]+)"?/.exec(a.headers['content-disposition']!)?.[1], a.body])).toEqual([
        ['weekly-review-2026-03-23.md', '# Weekly review, week of 2026-03-23\n\nComplaints to date: 10\n'],
        [
          'weekly-review-2026-03-23.html',
          '<h1>Weekly review, week of 2026-03-23</h1><p>Complaints to date: 10</p><img src="weekly-review-2026-03-23-pareto.png" alt="Pareto">',
        ],
      ]);

      // Run again the same week (a manual trigger, a catch-up): no second email.
      const second = await scheduler.request('weekly-review');
      await scheduler.stop('test');
      expect(second).toMatchObject({ status: 'succeeded', email: 'already-sent' });
      expect(received).toHaveLength(1);
      delete process.env.ROOTLOOP_TEST_SMTP_USER;
      delete process.env.ROOTLOOP_TEST_SMTP_PASSWORD;
    });
  });

  it('still owes an email that failed after the scheduler restarts: the next run sends it', { timeout: 60_000 }, async () => {
    await withTempDir(async (dir) => {
      process.env.ROOTLOOP_TEST_SMTP_USER = 'rootloop-mailer';
      process.env.ROOTLOOP_TEST_SMTP_PASSWORD = 's3cret';
      writeTinyInbox(path.join(dir, 'inbox'));
      const configFor = (smtpPort: number) =>
        makeConfig(dir, {
          schedule: {
            jobs: [
              { name: 'refresh', cron: '*/15 * * * *', task: 'refresh' },
              { name: 'weekly-review', cron: '0 8 * * 1', task: 'weekly_review' },
            ],
          },
          alerts: {
            email: {
              host: '127.0.0.1',
              port: smtpPort,
              from: 'rootloop <rootloop@example.com>',
              to: ['quality@example.com'],
              userEnv: 'ROOTLOOP_TEST_SMTP_USER',
              passwordEnv: 'ROOTLOOP_TEST_SMTP_PASSWORD',
            },
          },
        });
      const schedulerAt = (at: string, smtpPort: number) =>
        createScheduler({
          config: configFor(smtpPort),
          logger: createSilentLogger(),
          clock: fixedClock(at),
          driver: new ManualCronDriver(),
          publishers: () => [fakeReportPublisher()],
          progress: false,
        });
      const before = received.length;
      // Monday 08:00: the review is built, but nothing listens on port 1 (the mail server is down).
      const down = schedulerAt('2026-03-30T08:00:00+08:00', 1);
      await down.start();
      expect(await down.request('weekly-review')).toMatchObject({ status: 'succeeded' });
      await down.stop('test');
      expect(received.length).toBe(before);
      // The scheduler restarts; its first refresh finds the email owed and sends it, once.
      const up = schedulerAt('2026-03-30T08:30:00+08:00', port);
      await up.start();
      expect(await up.request('refresh')).toMatchObject({ status: 'succeeded', email: 'sent' });
      expect(await up.request('refresh')).not.toHaveProperty('email');
      await up.stop('test');
      expect(received.length).toBe(before + 1);
      expect(headersOf(received.at(-1)!.raw).subject).toBe('[rootloop] Weekly review, week of 2026-03-23');
      delete process.env.ROOTLOOP_TEST_SMTP_USER;
      delete process.env.ROOTLOOP_TEST_SMTP_PASSWORD;
    });
  });

  it('finds only the review of the week asked for, never an older one kept in the folder', async () => {
    await withTempDir(async (dir) => {
      for (const week of ['2026-03-09', '2026-03-16']) fs.writeFileSync(path.join(dir, `weekly-${week}.md`), `# Weekly review, week of ${week}\n`);
      expect(findWeeklyReport(dir, '2026-03-23')).toBeUndefined();
      expect(findWeeklyReport(dir, '2026-03-16')?.markdown?.name).toBe('weekly-2026-03-16.md');
    });
  });
});
