/**
 * Fetches the tickets changed since the stored cursor from Zendesk's cursor-based Incremental Ticket
 * Export (`/api/v2/incremental/tickets/cursor.json`: `start_time` on the first request, then `cursor =
 * after_cursor` until `end_of_stream`), with ticket metrics sideloaded (`include=metric_sets`), maps each
 * ticket to a complaint record and writes the records as JSON lines to a temp file. Nothing here touches
 * the warehouse.
 *
 * Failures: a 429 waits for `Retry-After` (seconds or an HTTP date), or backs off exponentially when the
 * header is missing; 5xx, timeouts and dropped connections back off and retry; all with a bounded number
 * of attempts per request. Any other status, or a page that does not fit the documented shape, fails the
 * pull at once. A failed pull throws a SourceError; the stored cursor was not touched, so the next pull
 * starts from it again and the tickets fetched twice are deduped by key when loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { defaultConfig, type HelpdeskSourceConfig } from '../../core/config.ts';
import { isRootloopError, sourceError } from '../../core/errors.ts';
import { ENTITIES } from '../../../models/entities.ts';
import { buildCrisisPattern, type SafetyWords } from '../../../models/safety-words.ts';
import { normaliseValueMap } from '../mapping/column-mapping.ts';
import { ZendeskMetricSet, ZendeskTicket, ZendeskTicketPage } from './schema.ts';

export interface FetchedTickets {
  file: string;
  /** Ticket records written (a ticket returned on two pages counts twice; the loader keeps one). */
  records: number;
  pages: number;
  /** `after_cursor` of the last page: where the next pull continues. */
  nextCursor: string | null;
  /** complaint_ids of tickets whose latest state in the export is deleted (not written as records). */
  deletedComplaintIds: string[];
  /**
   * Records (by line of the file, from 1) of tickets that do not fit the export schema, with what is
   * wrong: the loader quarantines them with that reason rather than with the columns the mapping
   * could not fill.
   */
  schemaProblems: Map<number, string>;
}

export interface FetchTicketsOptions {
  config: HelpdeskSourceConfig;
  /** Value of the Authorization header. */
  authorization: string;
  /** Stored cursor, or null for the first pull (then `config.startTime`). */
  cursor: string | null;
  dir: string;
  now?: Date;
  /** Waits between attempts (tests may shorten them further). */
  sleep?: (ms: number) => Promise<void>;
  /** The config's severityRules (default: CONTRACT §3's words). */
  safetyWords?: SafetyWords;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds asked for by a Retry-After header (delta seconds or an HTTP date), or undefined. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function backoffMs(config: HelpdeskSourceConfig, attempt: number): number {
  const full = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(full / 2 + (Math.random() * full) / 2);
}

/** The export URL: `start_time` for the first page of a first pull, `cursor` afterwards. */
export function buildExportUrl(config: HelpdeskSourceConfig, position: { cursor: string } | { startTime: number }): URL {
  const url = new URL(`${config.baseUrl!.replace(/\/+$/, '')}/api/v2/incremental/tickets/cursor.json`);
  if ('cursor' in position) url.searchParams.set('cursor', position.cursor);
  else url.searchParams.set('start_time', String(position.startTime));
  url.searchParams.set('per_page', String(config.pageSize));
  url.searchParams.set('include', 'metric_sets');
  // Deleted tickets come with status "deleted", so a ticket deleted after it was pulled (spam, a
  // duplicate) can leave the warehouse instead of counting as an open, breached complaint forever.
  url.searchParams.set('exclude_deleted', 'false');
  return url;
}

/** One page, retried as the API documents; a SourceError when it cannot be had. */
async function requestPage(url: URL, options: FetchTicketsOptions): Promise<ZendeskTicketPage> {
  const { config } = options;
  const sleep = options.sleep ?? defaultSleep;
  const where = `GET ${url.pathname}${url.searchParams.has('cursor') ? ' (cursor)' : `?start_time=${url.searchParams.get('start_time')}`}`;
  let problem = '';
  for (let attempt = 1; attempt <= config.retryAttempts; attempt++) {
    let wait: number;
    try {
      const response = await fetch(url, {
        headers: { authorization: options.authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(config.requestTimeoutMs),
      });
      const body = await response.text();
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (response.ok) {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        if (json !== undefined) {
          const page = ZendeskTicketPage.safeParse(json);
          if (!page.success)
            throw sourceError(
              `helpdesk: ${where} answered a page without the export's fields (tickets, end_of_stream): ${page.error.issues[0]?.message ?? ''}`,
              false,
            );
          return page.data;
        }
        // A body cut short (proxy, dropped connection): worth another attempt.
        problem = `HTTP 200 with a body that is not JSON: ${body.slice(0, 80)}`;
        wait = backoffMs(config, attempt);
      } else if (response.status === 429 || response.status === 408 || response.status >= 500) {
        problem = `HTTP ${response.status}${retryAfter !== undefined ? ` (Retry-After ${response.headers.get('retry-after')})` : ''}`;
        if (retryAfter !== undefined && retryAfter > config.retryMaxMs) {
          throw sourceError(
            `helpdesk: ${where}: ${problem} asks to wait longer than retryMaxMs (${config.retryMaxMs} ms); the next run continues from the stored cursor`,
            true,
          );
        }
        wait = retryAfter ?? backoffMs(config, attempt);
      } else if (response.status === 401 || response.status === 403) {
        throw sourceError(
          response.status === 401
            ? `helpdesk: ${where}: HTTP 401: the API token was refused; check the email and token environment variables (sources.helpdesk.emailEnv, tokenEnv)`
            : // Zendesk's incremental export needs an admin: a valid token of an agent gets 403.
              `helpdesk: ${where}: HTTP 403: the token's user may not use the incremental export API; it needs a Zendesk admin's token (sources.helpdesk.emailEnv, tokenEnv)`,
          false,
        );
      } else {
        throw sourceError(`helpdesk: ${where}: HTTP ${response.status}: ${body.slice(0, 200)}`, false);
      }
    } catch (error) {
      if (isRootloopError(error)) throw error;
      const e = error as Error & { cause?: { code?: string } };
      problem =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `no complete response within ${config.requestTimeoutMs} ms`
          : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
      wait = backoffMs(config, attempt);
    }
    if (attempt < config.retryAttempts) await sleep(wait);
  }
  throw sourceError(`helpdesk: ${where}: giving up after ${config.retryAttempts} attempts; last: ${problem}`, true);
}

/** Config maps with case-insensitive keys, built once per pull. */
export interface TicketMapping {
  config: HelpdeskSourceConfig;
  status: Map<string, string>;
  channel: Map<string, string>;
  severity: Map<string, string>;
  causeValues: Map<string, string>;
  causeTags: Map<string, string>;
  escalatedTags: Set<string>;
  satisfaction: Map<string, number>;
  /** The severity rule's safety words (models/safety-words.ts), or null when there are none. */
  safetyText: RegExp | null;
}

/** The RE2 pattern as a JavaScript one: same words, ASCII word boundaries in both, `(?i)` as the flag. */
function safetyTextRegExp(words: SafetyWords): RegExp | null {
  const pattern = buildCrisisPattern(words);
  return pattern === null ? null : new RegExp(pattern.replace(/^\(\?i\)/, ''), 'i');
}

export function buildTicketMapping(config: HelpdeskSourceConfig, safetyWords: SafetyWords = defaultConfig().severityRules): TicketMapping {
  return {
    config,
    safetyText: safetyTextRegExp(safetyWords),
    status: normaliseValueMap(config.statusMap),
    channel: normaliseValueMap(config.channelMap),
    severity: normaliseValueMap(config.priorityToSeverity),
    causeValues: normaliseValueMap(config.causeValues),
    causeTags: normaliseValueMap(config.causeTags),
    escalatedTags: new Set(config.escalatedTags.map((t) => t.trim().toLowerCase())),
    satisfaction: new Map(Object.entries(config.satisfactionScores).map(([k, v]) => [k.trim().toLowerCase(), v])),
  };
}

const text = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const s = (typeof value === 'string' ? value : String(value)).trim();
  return s === '' ? null : s;
};
const key = (value: unknown) => text(value)?.toLowerCase() ?? null;

function fieldValues(ticket: ZendeskTicket, fieldId: number | null | undefined): string[] {
  if (!fieldId) return [];
  const value = ticket.custom_fields?.find((f) => f.id === fieldId)?.value;
  return (Array.isArray(value) ? value : [value]).map(text).filter((v): v is string => v !== null);
}

const CLOSED_STATUSES = new Set(['resolved', 'closed']);

/**
 * A complaint record (contract columns as text) from a ticket and its metrics. Choices:
 * - first_response_at = created_at + reply_time_in_minutes.calendar (the metric has no timestamp);
 * - resolved_at = metrics.solved_at, only while the ticket is solved or closed (a reopened ticket is not
 *   resolved);
 * - cause: the cause field's values (mapped through causeValues), else the tags found in causeTags;
 * - severity: priority through priorityToSeverity, else empty so the contract's safety rules decide;
 *   a text with a safety word keeps it empty whatever the priority (the rules then make it crisis);
 * - escalated: one of escalatedTags is on the ticket.
 */
export function mapTicketToComplaint(rawTicket: unknown, rawMetric: unknown, mapping: TicketMapping): Record<string, string | null> {
  return mapTicket(rawTicket, rawMetric, mapping).record;
}

/** mapTicketToComplaint, and what is wrong with a ticket that does not fit the export schema. */
function mapTicket(rawTicket: unknown, rawMetric: unknown, mapping: TicketMapping): { record: Record<string, string | null>; schemaProblem?: string } {
  const record: Record<string, string | null> = Object.fromEntries(ENTITIES.complaints.columns.map((c) => [c.name, null]));
  const parsed = ZendeskTicket.safeParse(rawTicket);
  if (!parsed.success) {
    // Still a record, with its id so the quarantine names the ticket; the reason is the schema's.
    const id = (rawTicket as { id?: unknown } | null)?.id;
    record.complaint_id = text(id) === null ? null : mapping.config.complaintIdPrefix + text(id);
    return { record, schemaProblem: describeSchemaProblem(parsed.error) };
  }
  const ticket = parsed.data;
  const metricParsed = rawMetric === undefined ? undefined : ZendeskMetricSet.safeParse(rawMetric);
  const metric = metricParsed?.success ? metricParsed.data : undefined;
  const { config } = mapping;
  const tags = (ticket.tags ?? []).map((t) => t.toLowerCase());

  record.complaint_id = config.complaintIdPrefix + ticket.id;
  record.order_id = fieldValues(ticket, config.fieldIds.order_id)[0] ?? null;
  record.shipment_id = fieldValues(ticket, config.fieldIds.shipment_id)[0] ?? null;
  record.sku = fieldValues(ticket, config.fieldIds.sku)[0] ?? null;
  record.channel = mapping.channel.get(key(ticket.via?.channel) ?? '') ?? 'other';
  record.opened_at = text(ticket.created_at);
  const replyMinutes = metric?.reply_time_in_minutes?.calendar;
  const opened = record.opened_at ? Date.parse(record.opened_at) : Number.NaN;
  record.first_response_at =
    replyMinutes !== null && replyMinutes !== undefined && !Number.isNaN(opened) ? new Date(opened + replyMinutes * 60_000).toISOString() : null;
  const status = key(ticket.status);
  record.status = status === null ? null : (mapping.status.get(status) ?? status);
  record.resolved_at = record.status !== null && CLOSED_STATUSES.has(record.status) ? text(metric?.solved_at) : null;
  const priority = key(ticket.priority);
  record.severity = priority === null ? null : (mapping.severity.get(priority) ?? null);
  const fromField = fieldValues(ticket, config.causeFieldId).map((v) => mapping.causeValues.get(v.toLowerCase()) ?? v);
  const fromTags = tags.map((t) => mapping.causeTags.get(t)).filter((c): c is string => c !== undefined);
  const causes = [...new Set(fromField.length ? fromField : fromTags)];
  record.cause_code = causes.length ? causes.join('|') : null;
  const subject = text(ticket.subject);
  const description = text(ticket.description);
  record.text = [subject, description !== subject ? description : null].filter((s) => s !== null).join('\n') || null;
  // A priority says how loud the customer was, not whether someone got hurt: a safety complaint keeps
  // no severity from its priority, so the contract's rule makes it crisis (60 minutes, calendar clock).
  if (record.severity !== 'crisis' && record.text !== null && mapping.safetyText?.test(record.text)) record.severity = null;
  record.escalated = tags.some((t) => mapping.escalatedTags.has(t)) ? 'true' : 'false';
  record.reopened_count = metric?.reopens === null || metric?.reopens === undefined ? null : String(metric.reopens);
  record.resolution = fieldValues(ticket, config.fieldIds.resolution)[0] ?? null;
  record.compensation_amount = fieldValues(ticket, config.fieldIds.compensation_amount)[0] ?? null;
  const score = key(ticket.satisfaction_rating?.score);
  record.csat = score !== null && mapping.satisfaction.has(score) ? String(mapping.satisfaction.get(score)) : null;
  record.updated_at = text(ticket.updated_at);
  return { record };
}

/** "ticket does not fit the helpdesk export: tags: expected array, received string; …" (first three). */
function describeSchemaProblem(error: z.ZodError): string {
  const issues = error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message.replace(/^Invalid input: /, '')}`);
  return `ticket does not fit the helpdesk export: ${issues.join('; ')}${error.issues.length > 3 ? '; …' : ''}`;
}

/** Pages through the export from the stored cursor to `end_of_stream`, writing complaint records. */
export async function fetchTickets(options: FetchTicketsOptions): Promise<FetchedTickets> {
  const { config } = options;
  const mapping = buildTicketMapping(config, options.safetyWords);
  const file = path.join(options.dir, 'tickets.jsonl');
  const out = fs.openSync(file, 'w');
  try {
    // The API refuses a start_time less than a minute old.
    const now = (options.now ?? new Date()).getTime();
    const startTime = Math.max(0, Math.min(Math.floor(Date.parse(config.startTime) / 1000), Math.floor(now / 1000) - 61));
    let position: { cursor: string } | { startTime: number } = options.cursor ? { cursor: options.cursor } : { startTime };
    let nextCursor = options.cursor;
    let records = 0;
    const deleted = new Set<string>();
    const schemaProblems = new Map<number, string>();
    const fetched = (pages: number) => ({ file, records, pages, nextCursor, deletedComplaintIds: [...deleted], schemaProblems });
    for (let pages = 1; ; pages++) {
      // At the cap the pages so far are kept and the run's cursor is where they end: a backlog longer
      // than maxPages drains over several runs instead of starting over from the same cursor each time.
      if (pages > config.maxPages) return fetched(pages - 1);
      const page = await requestPage(buildExportUrl(config, position), options);
      const metrics = new Map<number, unknown>();
      for (const m of page.metric_sets ?? []) {
        const id = (m as { ticket_id?: unknown } | null)?.ticket_id;
        if (typeof id === 'number') metrics.set(id, m);
      }
      const lines: string[] = [];
      for (const t of page.tickets) {
        const ticket = t as { id?: unknown; status?: unknown } | null;
        const ticketId = typeof ticket?.id === 'number' ? ticket.id : undefined;
        const complaintId = ticketId === undefined ? undefined : config.complaintIdPrefix + ticketId;
        // The latest state in the export wins: deleted, or restored (written again) after a deletion.
        if (complaintId !== undefined && ticket?.status === 'deleted') {
          deleted.add(complaintId);
          continue;
        }
        if (complaintId !== undefined) deleted.delete(complaintId);
        const { record, schemaProblem } = mapTicket(t, metrics.get(ticketId ?? -1), mapping);
        // The file's line of this record: the records of earlier pages, then this page's so far.
        if (schemaProblem) schemaProblems.set(records + lines.length + 1, schemaProblem);
        lines.push(JSON.stringify(record) + '\n');
      }
      if (lines.length) fs.writeSync(out, lines.join(''));
      records += lines.length;
      // A server that answers with the cursor it was asked for would be asked again forever: caught up.
      const repeated = 'cursor' in position && page.after_cursor === position.cursor;
      if (page.after_cursor) nextCursor = page.after_cursor;
      if (page.end_of_stream || repeated) return fetched(pages);
      if (!page.after_cursor) throw sourceError('helpdesk: a page with end_of_stream false has no after_cursor to continue from', false);
      position = { cursor: page.after_cursor };
    }
  } finally {
    fs.closeSync(out);
  }
}
