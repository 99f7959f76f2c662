/**
 * The helpdesk source against a local server that follows Zendesk's documented cursor-based incremental
 * export (support/fake-zendesk.ts): pages and cursors to end_of_stream, ticket metrics sideloaded, 429
 * with and without Retry-After, a 503 then success, a page that hangs until the timeout cuts it, a ticket
 * exported on two pages. The warehouse ends with every ticket exactly once, in its latest version; a pull
 * that fails leaves nothing behind and its cursor where it was; the next pull completes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../pipelines/core/config.ts';
import { isRootloopError } from '../../pipelines/core/errors.ts';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { mapTicketToComplaint, buildTicketMapping, parseRetryAfter } from '../../pipelines/sources/helpdesk/extract.ts';
import { createHelpdeskSource } from '../../pipelines/sources/helpdesk/load.ts';
import { buildEntitySchema } from '../../models/entity-checks.ts';
import { ENTITIES } from '../../models/entities.ts';
import { ingestFolder } from '../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../helpers/warehouse.ts';
import { startFakeZendesk, type FakeTicket, type FakeZendesk } from './support/fake-zendesk.ts';

const CAUSE_FIELD = 360001;
const ORDER_FIELD = 360002;

function ticket(id: number, overrides: Partial<FakeTicket> = {}): FakeTicket {
  const created = new Date(Date.UTC(2026, 10, 2, 1, 0) + id * 3_600_000).toISOString();
  return {
    id,
    created_at: created,
    updated_at: created,
    subject: `Parcel ${id}`,
    description: id % 3 === 0 ? 'The box arrived crushed' : 'Where is my order?',
    status: 'open',
    priority: id % 4 === 0 ? 'urgent' : 'normal',
    via: { channel: ['email', 'chat', 'voice', 'mobile', 'twitter', 'web'][id % 6]! },
    tags: id % 5 === 0 ? ['escalated', 'late'] : ['late'],
    custom_fields: [
      { id: CAUSE_FIELD, value: id % 3 === 0 ? 'transit_damage_cause' : null },
      { id: ORDER_FIELD, value: `O${id}` },
    ],
    satisfaction_rating: id % 2 === 0 ? { score: 'good' } : { score: 'unoffered' },
    ...overrides,
  };
}

function helpdeskConfig(fake: FakeZendesk, overrides: Record<string, unknown> = {}): Config {
  return parseConfig({
    sources: {
      helpdesk: {
        enabled: true,
        baseUrl: fake.baseUrl,
        pageSize: 5,
        requestTimeoutMs: 500,
        retryAttempts: 6,
        retryBaseMs: 10,
        retryMaxMs: 2_000,
        causeFieldId: CAUSE_FIELD,
        causeValues: { transit_damage_cause: 'transit_damage' },
        causeTags: { late: 'delivery_delay' },
        fieldIds: { order_id: ORDER_FIELD },
        satisfactionScores: { good: 5, bad: 1 },
        ...overrides,
      },
    },
  });
}

const env = (fake: FakeZendesk) => ({ ROOTLOOP_HELPDESK_EMAIL: fake.email, ROOTLOOP_HELPDESK_TOKEN: fake.token });

async function pull(warehouse: Warehouse, fake: FakeZendesk, config: Config, runId: string) {
  const source = createHelpdeskSource(config.sources.helpdesk, { env: env(fake) });
  return warehouse.transaction(() => source.pull(warehouse, { runId }));
}

async function complaintsById(warehouse: Warehouse) {
  const rows = await warehouse.all<Record<string, unknown>>(`select * exclude (_file_id, _line, _version_at) from raw_complaints order by complaint_id::int`);
  return new Map(rows.map((r) => [String(r.complaint_id), r]));
}

describe('helpdesk source (Zendesk incremental export)', () => {
  let fake: FakeZendesk;
  beforeEach(async () => {
    fake = await startFakeZendesk();
    // Node loads its fetch implementation on first use; keep that out of the timed requests.
    await (await fetch(`${fake.baseUrl}/warm-up`)).text();
    fake.requests.length = 0;
  });
  afterEach(async () => {
    await fake.close();
  });

  it('pages to end_of_stream through 429s, a 503, a hanging page and a repeated ticket; every ticket lands once', async () => {
    for (let id = 1; id <= 23; id++) fake.upsert(ticket(id), { reply_time_in_minutes: { calendar: 30 + id, business: 20 }, reopens: id % 7 === 0 ? 1 : 0 });
    fake.upsert(ticket(24, { status: 'solved' }), { solved_at: '2026-11-03T09:00:00Z', reply_time_in_minutes: { calendar: 5, business: 5 } });
    fake.script(
      { status: 429, retryAfter: '1' }, // page 1: honour Retry-After (1 s)
      { status: 429 }, // then no header: back off
      { status: 503 }, // then a 503
    );
    // While the client pages through: ticket 3 (page 1) is solved, ticket 4 (page 1) gets a system update
    // that changes nothing; both are exported again on a later page. Page 3 hangs once, mid-body.
    fake.onPageServed = (n) => {
      if (n === 2) {
        fake.upsert(ticket(3, { status: 'solved', updated_at: '2026-11-05T10:00:00Z' }), { solved_at: '2026-11-05T10:00:00Z' });
        fake.touch(4);
        fake.script({ hang: 'mid-body' });
      }
    };
    const config = helpdeskConfig(fake);
    await withWarehouse(async (warehouse) => {
      const started = Date.now();
      const [report] = await pull(warehouse, fake, config, 'run-1');
      const statuses = fake.requests.map((r) => r.status);
      expect(statuses.slice(0, 4)).toEqual([429, 429, 503, 200]);
      expect(statuses).toContain('hang');
      // Retry-After: 1 was honoured before the second attempt.
      expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(10_000);

      // 24 tickets + ticket 3 again (changed) + ticket 4 again (identical): 26 read, one exact duplicate.
      expect(report).toMatchObject({ status: 'loaded', rowsRead: 26, rowsDuplicate: 1, rowsQuarantined: 0, rowsLoaded: 25 });
      const rows = await complaintsById(warehouse);
      expect(rows.size).toBe(24);
      expect(await warehouse.scalar(`select count(*) - count(distinct complaint_id) from raw_complaints`)).toBe(0);
      // The later version of ticket 3 won.
      expect(rows.get('3')).toMatchObject({ status: 'resolved', resolved_at: new Date('2026-11-05T10:00:00Z'), cause_code: 'transit_damage', channel: 'app' });
      // Mapping by hand, ticket 20: voice → hotline, urgent → major, tag escalated, cause from the tag
      // `late` (its cause field is empty), first response 50 calendar minutes after creation, good → 5.
      const created20 = new Date(Date.UTC(2026, 10, 2, 1, 0) + 20 * 3_600_000);
      expect(rows.get('20')).toMatchObject({
        order_id: 'O20',
        channel: 'hotline',
        severity: 'major',
        escalated: true,
        cause_code: 'delivery_delay',
        status: 'in_progress',
        opened_at: created20,
        first_response_at: new Date(created20.getTime() + 50 * 60_000),
        csat: 5,
        text: 'Parcel 20\nWhere is my order?',
        resolved_at: null,
        reopened_count: 0,
      });
      expect(rows.get('21')).toMatchObject({ severity: null, escalated: false, csat: null, channel: 'app', reopened_count: 1 });
      expect(await warehouse.all(`select source, file_name, rows_read from ingested_files`)).toEqual([
        { source: 'helpdesk', file_name: 'helpdesk:tickets@run-1', rows_read: 26 },
      ]);
      const cursor = await warehouse.one<{ cursor_value: string }>(`select cursor_value from source_cursors where source = 'helpdesk:tickets'`);
      expect(cursor?.cursor_value).toBeTruthy();

      // Next pull: only what changed since the cursor.
      fake.requests.length = 0;
      fake.upsert(ticket(25, { description: 'Allergic reaction to the cream' }));
      fake.upsert(ticket(7, { status: 'closed', updated_at: '2026-11-06T08:00:00Z' }), { solved_at: '2026-11-06T07:00:00Z' });
      const [second] = await pull(warehouse, fake, config, 'run-2');
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]!.url).toContain('cursor=');
      expect(fake.requests[0]!.tickets).toEqual([25, 7]);
      expect(second).toMatchObject({ rowsRead: 2, rowsLoaded: 2 });
      const after = await complaintsById(warehouse);
      expect(after.size).toBe(25);
      expect(after.get('7')).toMatchObject({ status: 'closed', resolved_at: new Date('2026-11-06T07:00:00Z') });
      // Each ticket of the helpdesk is in the warehouse once, with the helpdesk's latest updated_at.
      for (const t of fake.tickets()) expect((after.get(String(t.id))!.updated_at as Date).toISOString()).toBe(new Date(t.updated_at).toISOString());

      // A ticket deleted in Zendesk (spam) comes with status "deleted": its complaint leaves the
      // warehouse (it stayed open and breached forever); a deleted ticket never pulled changes nothing.
      fake.requests.length = 0;
      fake.upsert(ticket(12, { status: 'deleted', updated_at: '2026-11-07T08:00:00Z' }));
      fake.upsert(ticket(900, { status: 'deleted', updated_at: '2026-11-07T08:00:00Z' }));
      // a complaint of another source with the same id (complaintIdPrefix '') is not the helpdesk's to delete
      await withTempDir(async (dir) => {
        writeFiles(dir, { 'complaints-1.csv': 'complaint_id,channel,opened_at,status,text\n900,chat,2026-11-02T10:00:00Z,open,from the shop\n' });
        await ingestFolder(warehouse, dir);
      });
      const [third] = await pull(warehouse, fake, config, 'run-3');
      expect(fake.requests[0]!.url).toContain('exclude_deleted=false');
      expect(third).toMatchObject({ rowsRead: 0 });
      const afterDeletion = await complaintsById(warehouse);
      expect(afterDeletion.size).toBe(25);
      expect(afterDeletion.has('12')).toBe(false);
      expect(afterDeletion.get('900')).toMatchObject({ text: 'from the shop' });
      // noted for the next build of fct_complaints, which rebuilds only the complaints that changed
      expect(await warehouse.all(`select entity, key_value from raw_removed_rows`)).toEqual([{ entity: 'complaints', key_value: '12' }]);
    });
  });

  it('a pull that fails midway writes nothing and keeps the cursor; the next pull completes', async () => {
    for (let id = 1; id <= 12; id++) fake.upsert(ticket(id));
    const config = helpdeskConfig(fake, { retryAttempts: 3 });
    await withWarehouse(async (warehouse) => {
      await pull(warehouse, fake, config, 'run-1');
      const before = await warehouse.one(`select cursor_value, updated_at from source_cursors`);
      for (let id = 13; id <= 30; id++) fake.upsert(ticket(id));
      // Page 1 of the next pull is served, then page 2 fails on every attempt.
      fake.onPageServed = (n) => {
        if (n === 4) fake.script({ status: 500 }, { status: 502 }, { hang: 'before-headers' });
      };
      const error = await pull(warehouse, fake, config, 'run-2').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isRootloopError(error) && error.code === 'SourceError' && error.retryable).toBe(true);
      expect((error as Error).message).toMatch(/giving up after 3 attempts; last: (no complete response within 500 ms|HTTP 50\d)/);
      expect(await warehouse.scalar(`select count(*) from raw_complaints`)).toBe(12);
      expect(await warehouse.scalar(`select count(*) from ingested_files`)).toBe(1);
      expect(await warehouse.one(`select cursor_value, updated_at from source_cursors`)).toEqual(before);

      fake.onPageServed = undefined;
      const [report] = await pull(warehouse, fake, config, 'run-3');
      expect(report).toMatchObject({ rowsRead: 18, rowsLoaded: 18 });
      expect(await warehouse.scalar(`select count(distinct complaint_id) from raw_complaints`)).toBe(30);
      expect(await warehouse.scalar(`select count(*) from raw_complaints`)).toBe(30);
    });
  });

  it('drains a backlog longer than maxPages over several pulls, each going on from the last page', async () => {
    for (let id = 1; id <= 23; id++) fake.upsert(ticket(id));
    // 5 tickets a page, 2 pages a pull: 10, 10, then the last 3 and end_of_stream.
    const config = helpdeskConfig(fake, { maxPages: 2 });
    await withWarehouse(async (warehouse) => {
      const loaded: number[] = [];
      for (const runId of ['run-1', 'run-2', 'run-3']) {
        const [report] = await pull(warehouse, fake, config, runId);
        loaded.push(report!.rowsLoaded);
      }
      expect(loaded).toEqual([10, 10, 3]);
      expect(await warehouse.scalar(`select count(distinct complaint_id) from raw_complaints`)).toBe(23);
    });
  });

  it('fails at once on a refused token and when Retry-After asks for more than retryMaxMs', async () => {
    fake.upsert(ticket(1));
    await withWarehouse(async (warehouse) => {
      const wrongToken = createHelpdeskSource(helpdeskConfig(fake).sources.helpdesk, { env: { ...env(fake), ROOTLOOP_HELPDESK_TOKEN: 'nope' } });
      const refused = await warehouse.transaction(() => wrongToken.pull(warehouse, { runId: 'r' })).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'SourceError', retryable: false, message: expect.stringMatching(/HTTP 401: the API token was refused/) });
      expect(fake.requests).toHaveLength(1);

      fake.script({ status: 429, retryAfter: '60' });
      const limited = await pull(warehouse, fake, helpdeskConfig(fake), 'r2').catch((e: unknown) => e);
      expect(limited).toMatchObject({ code: 'SourceError', retryable: true, message: expect.stringMatching(/Retry-After 60.*longer than retryMaxMs/) });

      const noEnv = createHelpdeskSource(helpdeskConfig(fake).sources.helpdesk, { env: {} });
      await expect(noEnv.pull(warehouse, { runId: 'r3' })).rejects.toMatchObject({
        code: 'SourceError',
        message: expect.stringMatching(/ROOTLOOP_HELPDESK_EMAIL, ROOTLOOP_HELPDESK_TOKEN not set/),
      });
      expect(await warehouse.scalar(`select count(*) from raw_complaints`)).toBe(0);
      expect(await warehouse.scalar(`select count(*) from source_cursors`)).toBe(0);
    });
  });

  it('maps tickets to records the contract accepts, and rejects maps to unknown values in the config', () => {
    const config = parseConfig({
      sources: { helpdesk: { enabled: true, baseUrl: 'https://acme.zendesk.com', causeTags: { broken: 'transit_damage', wrong: 'wrong_item' } } },
    }).sources.helpdesk;
    const mapping = buildTicketMapping(config);
    const record = mapTicketToComplaint(
      {
        id: 9,
        created_at: '2026-11-02T01:00:00Z',
        updated_at: '2026-11-02T02:00:00Z',
        subject: 'Broken vase',
        description: 'Broken vase',
        status: 'hold',
        priority: 'high',
        via: { channel: 'native_messaging' },
        tags: ['broken', 'wrong'],
        custom_fields: [],
      },
      { ticket_id: 9, reopens: 2, reply_time_in_minutes: { calendar: 90, business: 30 } },
      mapping,
    );
    expect(record).toEqual({
      complaint_id: '9',
      order_id: null,
      shipment_id: null,
      sku: null,
      channel: 'chat',
      opened_at: '2026-11-02T01:00:00Z',
      first_response_at: '2026-11-02T02:30:00.000Z',
      resolved_at: null,
      status: 'in_progress',
      severity: 'important',
      cause_code: 'transit_damage|wrong_item',
      text: 'Broken vase',
      escalated: 'false',
      reopened_count: '2',
      resolution: null,
      compensation_amount: null,
      csat: null,
      followed_up_at: null,
      updated_at: '2026-11-02T02:00:00Z',
    });
    expect(Object.keys(record)).toEqual(ENTITIES.complaints.columns.map((c) => c.name));
    // The zod schema derived from the same entity definition accepts the mapped record.
    expect(buildEntitySchema(ENTITIES.complaints).safeParse(record).success).toBe(true);
    // An urgent ticket about a burn keeps no severity from its priority: the contract's safety rule makes
    // it crisis (it was 'major', on the business clock, paused over the weekend). Words from the config.
    const burn = (subject: string, priority: string, words = mapping) =>
      mapTicketToComplaint({ id: 10, created_at: '2026-11-02T01:00:00Z', subject, status: 'open', priority }, undefined, words).severity;
    expect(burn('The kettle caught fire and my child was burned', 'urgent')).toBeNull();
    expect(burn('孩子用了以后皮肤过敏', 'high')).toBeNull();
    expect(burn('Heartburn jokes in the leaflet', 'urgent')).toBe('major');
    expect(burn('The box was crushed', 'urgent')).toBe('major');
    const customWords = buildTicketMapping(config, { crisisWordsEnglish: ['smoke'], crisisWordsChinese: [] });
    expect(burn('It started to smoke', 'urgent', customWords)).toBeNull();
    expect(burn('My child was burned', 'urgent', customWords)).toBe('major');
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(() => createHelpdeskSource({ ...config, statusMap: { solved: 'done' } })).toThrow(/statusMap.solved = 'done' is not one of open, in_progress/);
  });
});
