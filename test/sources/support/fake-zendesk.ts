/**
 * A local stand-in for Zendesk's cursor-based Incremental Ticket Export, on 127.0.0.1 and a free port,
 * following the documented protocol: `GET /api/v2/incremental/tickets/cursor.json?start_time=…` (or
 * `?cursor=…`), `per_page`, `include=metric_sets` (sideloaded `metric_sets`), pages with `after_cursor`,
 * `after_url` and `end_of_stream`, basic auth with `{email}/token:{token}`. Tickets are ordered by the
 * time they last changed (`generated_timestamp`, then id); a ticket changed while a client pages through
 * is exported again on a later page, as the real API does.
 *
 * Faults are scripted per request, in order: 429 with or without Retry-After, 5xx, a page that hangs
 * (before the headers or halfway through the body), then normal service.
 */
import http from 'node:http';
import type net from 'node:net';

export interface FakeTicket {
  id: number;
  created_at: string;
  updated_at: string;
  subject: string;
  description: string;
  status: string;
  priority: string | null;
  via: { channel: string };
  tags: string[];
  custom_fields: { id: number; value: unknown }[];
  satisfaction_rating?: { score: string } | null;
}

export interface FakeMetricSet {
  ticket_id: number;
  reopens: number;
  replies: number;
  solved_at: string | null;
  reply_time_in_minutes: { calendar: number | null; business: number | null };
}

export type Fault =
  | { status: 429; retryAfter?: string }
  | { status: 500 | 502 | 503 | 504; retryAfter?: string }
  | { status: 401 | 403 }
  | { hang: 'before-headers' | 'mid-body' }
  /** HTTP 200 whose body is a proxy's HTML page, or JSON that is no export page. */
  | { body200: 'html' | 'not-a-page' };

export interface ServedRequest {
  at: number;
  url: string;
  status: number | 'hang';
  tickets: number[];
}

export interface FakeZendesk {
  baseUrl: string;
  email: string;
  token: string;
  /** Creates or changes a ticket (its metrics too); it moves to the end of the export order. */
  upsert(ticket: FakeTicket, metrics?: Partial<FakeMetricSet>): void;
  /** A system update: the ticket is exported again, unchanged. */
  touch(id: number): void;
  /** Responses for the next requests, in order. */
  script(...faults: Fault[]): void;
  /** Called after a page was served (to change tickets while a client pages through). */
  onPageServed?: (pageNumber: number) => void;
  requests: ServedRequest[];
  tickets(): FakeTicket[];
  metrics(id: number): FakeMetricSet | undefined;
  close(): Promise<void>;
}

/** Zendesk's `error` for a scripted status (5xx: ServiceUnavailable). */
const FAULT_ERRORS: Record<number, string> = { 429: 'TooManyRequests', 401: "Couldn't authenticate you", 403: 'Forbidden' };

const encodeCursor = (ts: number, id: number) => Buffer.from(`${ts}.0||${id}|`).toString('base64');
function decodeCursor(cursor: string): { ts: number; id: number } | undefined {
  const match = /^(\d+)\.0\|\|(\d+)\|$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? { ts: Number(match[1]), id: Number(match[2]) } : undefined;
}

export async function startFakeZendesk(options: { email?: string; token?: string } = {}): Promise<FakeZendesk> {
  const email = options.email ?? 'agent@example.com';
  const token = options.token ?? 'test-token';
  const expectedAuth = `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`;
  const state = new Map<number, { ticket: FakeTicket; metrics: FakeMetricSet; generated: number }>();
  let clock = 1_700_000_000;
  const faults: Fault[] = [];
  const sockets = new Set<net.Socket>();
  let pagesServed = 0;

  const fake: FakeZendesk = {
    baseUrl: '',
    email,
    token,
    requests: [],
    upsert(ticket, metrics = {}) {
      const previous = state.get(ticket.id)?.metrics;
      const merged: FakeMetricSet = {
        ticket_id: ticket.id,
        reopens: 0,
        replies: 0,
        solved_at: null,
        reply_time_in_minutes: { calendar: null, business: null },
        ...previous,
        ...metrics,
      };
      state.set(ticket.id, { ticket: structuredClone(ticket), metrics: merged, generated: ++clock });
    },
    touch(id) {
      const entry = state.get(id);
      if (entry) entry.generated = ++clock;
    },
    script(...more) {
      faults.push(...more);
    },
    tickets: () => [...state.values()].map((e) => structuredClone(e.ticket)).sort((a, b) => a.id - b.id),
    metrics: (id) => state.get(id)?.metrics,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const log = (status: number | 'hang', tickets: number[] = []) => fake.requests.push({ at: Date.now(), url: url.pathname + url.search, status, tickets });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/v2/incremental/tickets/cursor.json') {
      log(404);
      return json(404, { error: 'InvalidEndpoint' });
    }
    const fault = faults.shift();
    if (fault && 'hang' in fault) {
      log('hang');
      if (fault.hang === 'mid-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
        res.write('{"tickets":[{"id":');
      }
      return; // never answers; the client's timeout must cut it
    }
    if (fault && 'body200' in fault) {
      log(200);
      if (fault.body200 === 'not-a-page') return json(200, { error: 'RecordNotFound', description: 'Not found' });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway (proxy)</body></html>');
      return;
    }
    if (fault) {
      log(fault.status);
      const headers: Record<string, string> = 'retryAfter' in fault && fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
      return json(fault.status, { error: FAULT_ERRORS[fault.status] ?? 'ServiceUnavailable' }, headers);
    }
    if (req.headers.authorization !== expectedAuth) {
      log(401);
      return json(401, { error: "Couldn't authenticate you" });
    }
    const perPage = Math.min(1000, Number(url.searchParams.get('per_page') ?? 1000));
    let after: { ts: number; id: number };
    const cursor = url.searchParams.get('cursor');
    if (cursor) {
      const decoded = decodeCursor(cursor);
      if (!decoded) {
        log(400);
        return json(400, { error: 'InvalidPaginationParameter', description: 'cursor is invalid' });
      }
      after = decoded;
    } else {
      const startTime = Number(url.searchParams.get('start_time'));
      if (!Number.isInteger(startTime) || startTime < 0) {
        log(400);
        return json(400, { error: 'InvalidValue', description: 'start_time is required' });
      }
      after = { ts: startTime, id: -1 };
    }
    const ordered = [...state.values()].sort((a, b) => a.generated - b.generated || a.ticket.id - b.ticket.id);
    // Deleted tickets are exported with status "deleted" unless exclude_deleted=true (Zendesk's default: false).
    const excludeDeleted = url.searchParams.get('exclude_deleted') === 'true';
    const pending = ordered.filter(
      (e) => (e.generated > after.ts || (e.generated === after.ts && e.ticket.id > after.id)) && !(excludeDeleted && e.ticket.status === 'deleted'),
    );
    const page = pending.slice(0, perPage);
    const last = page.at(-1);
    const afterCursor = last ? encodeCursor(last.generated, last.ticket.id) : encodeCursor(after.ts, Math.max(after.id, 0));
    const withMetrics = (url.searchParams.get('include') ?? '').split(',').includes('metric_sets');
    log(
      200,
      page.map((e) => e.ticket.id),
    );
    json(200, {
      tickets: page.map((e) => ({ ...e.ticket, generated_timestamp: e.generated, url: `${fake.baseUrl}/api/v2/tickets/${e.ticket.id}.json` })),
      ...(withMetrics ? { metric_sets: page.map((e) => ({ id: e.ticket.id * 10, ...e.metrics })) } : {}),
      after_cursor: afterCursor,
      after_url: `${fake.baseUrl}/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(afterCursor)}`,
      before_cursor: null,
      before_url: null,
      end_of_stream: pending.length <= perPage,
    });
    pagesServed++;
    fake.onPageServed?.(pagesServed);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return fake;
}
