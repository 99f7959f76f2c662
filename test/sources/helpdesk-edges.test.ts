/**
 * Edges of the helpdesk source the main walk-through (helpdesk.test.ts) passes over, each found by a
 * mutation audit: the waits it asks for (Retry-After honoured up to retryMaxMs inclusive, backoff never
 * longer than retryMaxMs, exactly retryAttempts requests and no wait after the last), a ticket deleted
 * and restored within one pull, a pull with nothing new, and ticket fields mapped to the contract
 * (unmapped channel and status, a reopened ticket, tags in any case, repeated causes, a malformed ticket
 * quarantined rather than dropped), a 403 explained, another account started from the beginning, a
 * server echoing the cursor it was asked for, plus config maps checked against the contract.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type HelpdeskSourceConfig } from '../../pipelines/core/config.ts';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { buildTicketMapping, mapTicketToComplaint } from '../../pipelines/sources/helpdesk/extract.ts';
import { createHelpdeskSource } from '../../pipelines/sources/helpdesk/load.ts';
import { withWarehouse } from '../helpers/warehouse.ts';
import { startFakeZendesk, type FakeTicket, type FakeZendesk } from './support/fake-zendesk.ts';

const CAUSE_FIELD = 360001;

/** A plain open e-mail ticket created at 01:00Z on 2 Nov 2026, with whatever the test changes. */
function ticket(id: number, overrides: Partial<FakeTicket> = {}): FakeTicket {
  return {
    id,
    created_at: '2026-11-02T01:00:00Z',
    updated_at: '2026-11-02T01:00:00Z',
    subject: `Parcel ${id}`,
    description: 'Where is my order?',
    status: 'open',
    priority: null,
    via: { channel: 'email' },
    tags: [],
    custom_fields: [],
    ...overrides,
  };
}

function helpdeskConfig(overrides: Record<string, unknown> = {}): HelpdeskSourceConfig {
  return parseConfig({ sources: { helpdesk: { enabled: true, baseUrl: 'https://acme.zendesk.com', ...overrides } } }).sources.helpdesk;
}

describe('helpdesk source edges', () => {
  let fake: FakeZendesk;
  beforeEach(async () => {
    fake = await startFakeZendesk();
  });
  afterEach(async () => {
    await fake.close();
  });

  /** A pull whose waits are recorded instead of slept. */
  function pull(warehouse: Warehouse, overrides: Record<string, unknown>, runId: string, waits: number[] = []) {
    const source = createHelpdeskSource(helpdeskConfig({ baseUrl: fake.baseUrl, requestTimeoutMs: 2_000, ...overrides }), {
      env: { ROOTLOOP_HELPDESK_EMAIL: fake.email, ROOTLOOP_HELPDESK_TOKEN: fake.token },
      sleep: async (ms) => void waits.push(ms),
    });
    return warehouse.transaction(() => source.pull(warehouse, { runId }));
  }

  it('waits as long as Retry-After asks when that is exactly retryMaxMs, never backs off longer, and makes retryAttempts requests', async () => {
    fake.upsert(ticket(1));
    // retryBaseMs 5000 > retryMaxMs 2000: the first backoff is capped to 2000 ms, then jittered into
    // [1000, 2000] (half of it fixed, half random). Uncapped it would lie in [2500, 5000].
    const settings = { retryAttempts: 3, retryBaseMs: 5_000, retryMaxMs: 2_000 };
    await withWarehouse(async (warehouse) => {
      fake.script({ status: 429, retryAfter: '2' }, { status: 503 });
      const waits: number[] = [];
      const [report] = await pull(warehouse, settings, 'run-1', waits);
      // 429 (Retry-After 2 s = 2000 ms, not more than retryMaxMs: wait it), 503 (backoff), then the page.
      expect(fake.requests.map((r) => r.status)).toEqual([429, 503, 200]);
      expect(report).toMatchObject({ rowsLoaded: 1 });
      expect(waits).toHaveLength(2);
      expect(waits[0]).toBe(2_000);
      expect(waits[1]).toBeGreaterThanOrEqual(1_000);
      expect(waits[1]).toBeLessThanOrEqual(2_000);

      // Two 503s with two attempts: give up after the second request, without a wait nobody uses.
      fake.requests.length = 0;
      fake.script({ status: 503 }, { status: 503 });
      const giveUpWaits: number[] = [];
      const error = await pull(warehouse, { ...settings, retryAttempts: 2 }, 'run-2', giveUpWaits).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SourceError', retryable: true, message: expect.stringMatching(/giving up after 2 attempts; last: HTTP 503/) });
      expect(fake.requests).toHaveLength(2);
      expect(giveUpWaits).toHaveLength(1);
    });
  });

  it('retries a 200 whose body is not JSON (a proxy page, a cut body) and refuses JSON that is no export page', async () => {
    fake.upsert(ticket(1));
    await withWarehouse(async (warehouse) => {
      fake.script({ body200: 'html' });
      const [report] = await pull(warehouse, { retryAttempts: 2 }, 'run-1', []);
      expect(fake.requests.map((r) => r.status)).toEqual([200, 200]);
      expect(report).toMatchObject({ rowsLoaded: 1 });

      // JSON without tickets / end_of_stream: the server answers something else; no retry helps.
      fake.requests.length = 0;
      fake.upsert(ticket(2));
      fake.script({ body200: 'not-a-page' });
      const error = await pull(warehouse, { retryAttempts: 3 }, 'run-2', []).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'SourceError',
        retryable: false,
        message: expect.stringMatching(/^helpdesk: GET .* answered a page without the export's fields \(tickets, end_of_stream\)/),
      });
      expect(fake.requests).toHaveLength(1);
    });
  });

  it('keeps a ticket deleted and restored within one pull, and records no batch for a pull with nothing new', async () => {
    for (let id = 1; id <= 3; id++) fake.upsert(ticket(id));
    // pageSize 2. Page 1: tickets 1, 2. Then ticket 2 is deleted and ticket 4 created: page 2 lists 3
    // and 2 (deleted). Then 2 is restored: page 3 lists 4 and 2 (open). Its latest state is open: it stays.
    fake.onPageServed = (n) => {
      if (n === 1) {
        fake.upsert(ticket(2, { status: 'deleted', updated_at: '2026-11-03T01:00:00Z' }));
        fake.upsert(ticket(4));
      }
      if (n === 2) fake.upsert(ticket(2, { updated_at: '2026-11-03T02:00:00Z' }));
    };
    await withWarehouse(async (warehouse) => {
      const [report] = await pull(warehouse, { pageSize: 2 }, 'run-1');
      expect(fake.requests.map((r) => r.tickets)).toEqual([
        [1, 2],
        [3, 2],
        [4, 2],
      ]);
      // records: 1, 2, 3, 4, 2 again (open); the deleted state is not a record. Both versions of 2
      // load, the later one is kept.
      expect(report).toMatchObject({ status: 'loaded', rowsRead: 5, rowsLoaded: 5 });
      expect(await warehouse.all(`select complaint_id, updated_at from raw_complaints order by complaint_id`)).toEqual([
        { complaint_id: '1', updated_at: new Date('2026-11-02T01:00:00Z') },
        { complaint_id: '2', updated_at: new Date('2026-11-03T02:00:00Z') },
        { complaint_id: '3', updated_at: new Date('2026-11-02T01:00:00Z') },
        { complaint_id: '4', updated_at: new Date('2026-11-02T01:00:00Z') },
      ]);

      fake.onPageServed = undefined;
      const [nothingNew] = await pull(warehouse, { pageSize: 2 }, 'run-2');
      expect(nothingNew).toMatchObject({ status: 'skipped', rowsRead: 0 });
      expect(await warehouse.all(`select file_name from ingested_files`)).toEqual([{ file_name: 'helpdesk:tickets@run-1' }]);
    });
  });

  it('says an agent token needs an admin on 403, without retrying', async () => {
    fake.script({ status: 403 });
    await withWarehouse(async (warehouse) => {
      const error = await pull(warehouse, {}, 'run-1').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SourceError', retryable: false, message: expect.stringMatching(/HTTP 403: .*needs a Zendesk admin's token/) });
      expect(fake.requests).toHaveLength(1);
    });
  });

  it('starts from the beginning when the account changes, instead of using the cursor of the old one', async () => {
    const other = await startFakeZendesk();
    try {
      fake.upsert(ticket(1));
      other.upsert(ticket(2));
      await withWarehouse(async (warehouse) => {
        await pull(warehouse, {}, 'run-1');
        expect(fake.requests.at(-1)?.url).toMatch(/start_time=/);
        const source = createHelpdeskSource(helpdeskConfig({ baseUrl: other.baseUrl }), {
          env: { ROOTLOOP_HELPDESK_EMAIL: other.email, ROOTLOOP_HELPDESK_TOKEN: other.token },
        });
        await warehouse.transaction(() => source.pull(warehouse, { runId: 'run-2' }));
        // the other account was asked from start_time, not with the first account's cursor
        expect(other.requests.map((r) => [r.url.includes('start_time='), r.tickets])).toEqual([[true, [2]]]);
        expect(await warehouse.all(`select complaint_id from raw_complaints order by 1`)).toEqual([{ complaint_id: '1' }, { complaint_id: '2' }]);
      });
    } finally {
      await other.close();
    }
  });

  it('stops when a server answers with the cursor it was asked for, though it says the stream goes on', async () => {
    // Always the same empty page, end_of_stream false: after the first request (start_time) it would
    // be asked for cursor c1 forever, up to maxPages.
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ tickets: [], after_cursor: 'c1', end_of_stream: false }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const source = createHelpdeskSource(helpdeskConfig({ baseUrl, maxPages: 10 }), {
        env: { ROOTLOOP_HELPDESK_EMAIL: 'a@b.c', ROOTLOOP_HELPDESK_TOKEN: 't' },
      });
      await withWarehouse(async (warehouse) => {
        const [report] = await warehouse.transaction(() => source.pull(warehouse, { runId: 'run-1' }));
        expect(report).toMatchObject({ status: 'skipped', rowsRead: 0 });
        expect(requests.map((url) => new URL(url, baseUrl).searchParams.get('cursor'))).toEqual([null, 'c1']);
        expect(await warehouse.one(`select cursor_value from source_cursors`)).toEqual({ cursor_value: 'c1' });
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('quarantines a ticket that does not fit the export schema, with its id, instead of dropping it', async () => {
    fake.upsert(ticket(1));
    // tags as one string instead of a list: the ticket fails ZendeskTicket and is mapped to its id only
    fake.upsert(ticket(2, { tags: 'late' as unknown as string[] }));
    await withWarehouse(async (warehouse) => {
      const [report] = await pull(warehouse, {}, 'run-1');
      expect(report).toMatchObject({ rowsRead: 2, rowsLoaded: 1, rowsQuarantined: 1 });
      const [bad] = await warehouse.all<{ line_number: number; raw_record: string; reason: string }>(`select line_number, raw_record, reason from quarantine`);
      expect(bad?.line_number).toBe(2);
      // the record holds the complaint id and nothing else
      expect(JSON.parse(bad!.raw_record)).toMatchObject({ complaint_id: '2', channel: null, opened_at: null, text: null });
      // what is wrong with the ticket, not the columns the id-only record lacks (channel, opened_at, …),
      // which the ticket has: a person can act on this one
      expect(bad?.reason).toBe('ticket does not fit the helpdesk export: tags: expected array, received string');
    });
  });
  it('names the misfit ticket on a later page by its own line, not by the lines of the pages before', async () => {
    // pageSize 2: page 1 holds tickets 1 and 2, page 2 tickets 3 (fine) and 4 (tags as one string),
    // page 3 ticket 5. Ticket 4 is the file's fourth record.
    for (const id of [1, 2, 3]) fake.upsert(ticket(id));
    fake.upsert(ticket(4, { tags: 'late' as unknown as string[] }));
    fake.upsert(ticket(5));
    await withWarehouse(async (warehouse) => {
      const [report] = await pull(warehouse, { pageSize: 2 }, 'run-1');
      expect(report).toMatchObject({ rowsRead: 5, rowsLoaded: 4, rowsQuarantined: 1 });
      const rows = await warehouse.all<{ line_number: number; complaint_id: string; reason: string }>(
        `select line_number, json_extract_string(raw_record, '$.complaint_id') as complaint_id, reason from quarantine`,
      );
      expect(rows).toEqual([{ line_number: 4, complaint_id: '4', reason: 'ticket does not fit the helpdesk export: tags: expected array, received string' }]);
    });
  });
});

describe('helpdesk ticket mapping edges', () => {
  const base = { id: 7, created_at: '2026-11-02T01:00:00Z', subject: 'Parcel', status: 'open' };

  it('maps unknown channels to other and passes statuses the statusMap leaves out through unchanged', () => {
    const mapping = buildTicketMapping(helpdeskConfig({ statusMap: { hold: 'in_progress' } }));
    const record = mapTicketToComplaint({ ...base, status: 'closed', via: { channel: 'sms' } }, undefined, mapping);
    expect(record).toMatchObject({ channel: 'other', status: 'closed' });
  });

  it('matches escalatedTags from the config trimmed and in any case', () => {
    const mapping = buildTicketMapping(helpdeskConfig({ escalatedTags: [' VIP '] }));
    expect(mapTicketToComplaint({ ...base, tags: ['vip'] }, undefined, mapping).escalated).toBe('true');
    expect(mapTicketToComplaint({ ...base, tags: ['vips'] }, undefined, mapping).escalated).toBe('false');
  });

  it('leaves a reopened ticket unresolved even though its metrics still carry the old solved_at', () => {
    const mapping = buildTicketMapping(helpdeskConfig());
    // status open → in_progress (default statusMap); solved_at belongs to the earlier solve
    const metric = { ticket_id: 7, reopens: 1, solved_at: '2026-11-03T09:00:00Z' };
    expect(mapTicketToComplaint({ ...base, status: 'open' }, metric, mapping)).toMatchObject({ status: 'in_progress', resolved_at: null, reopened_count: '1' });
    expect(mapTicketToComplaint({ ...base, status: 'solved' }, metric, mapping)).toMatchObject({ status: 'resolved', resolved_at: '2026-11-03T09:00:00Z' });
  });

  it('reads cause tags and cause field values in any case, and names each cause once', () => {
    const mapping = buildTicketMapping(
      helpdeskConfig({
        causeFieldId: CAUSE_FIELD,
        causeValues: { damaged_in_transit: 'transit_damage' },
        causeTags: { late: 'delivery_delay', broken: 'transit_damage', crushed: 'transit_damage' },
      }),
    );
    // tags LATE, Broken, crushed → delivery_delay, transit_damage, transit_damage: two distinct codes
    expect(mapTicketToComplaint({ ...base, tags: ['LATE', 'Broken', 'crushed'] }, undefined, mapping).cause_code).toBe('delivery_delay|transit_damage');
    // the field's value in capitals still maps through causeValues (and the field wins over the tags)
    const field = { ...base, tags: ['late'], custom_fields: [{ id: CAUSE_FIELD, value: 'Damaged_In_Transit' }] };
    expect(mapTicketToComplaint(field, undefined, mapping).cause_code).toBe('transit_damage');
  });

  it('refuses channel and cause tag maps to values the contract does not know', () => {
    expect(() => createHelpdeskSource(helpdeskConfig({ causeTags: { late: 'late_delivery' } }))).toThrow(
      /sources\.helpdesk\.causeTags\.late = 'late_delivery' is not one of/,
    );
    expect(() => createHelpdeskSource(helpdeskConfig({ channelMap: { sms: 'text_message' } }))).toThrow(
      /sources\.helpdesk\.channelMap\.sms = 'text_message' is not one of chat/,
    );
  });
});
