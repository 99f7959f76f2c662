/**
 * The helpdesk's payloads (Zendesk Incremental Export API, cursor-based ticket export with the
 * `metric_sets` sideload) as zod schemas: the one place that states what the connector relies on. Only
 * the fields read are declared; everything else in a ticket is passed over. A page that does not fit
 * fails the pull with a SourceError; a single ticket with odd fields is still mapped and, when it breaks
 * the contract, quarantined by the shared loader like any other record.
 */
import { z } from 'zod';

const nullableString = z.string().nullable().optional();
const minutes = z.looseObject({ calendar: z.number().nullable().optional(), business: z.number().nullable().optional() }).nullable().optional();

export const ZendeskTicket = z.looseObject({
  id: z.number().int(),
  created_at: nullableString,
  updated_at: nullableString,
  subject: nullableString,
  description: nullableString,
  status: nullableString,
  priority: nullableString,
  via: z
    .looseObject({ channel: z.union([z.string(), z.number()]).nullable().optional() })
    .nullable()
    .optional(),
  tags: z.array(z.string()).nullable().optional(),
  custom_fields: z
    .array(z.looseObject({ id: z.number(), value: z.unknown() }))
    .nullable()
    .optional(),
  satisfaction_rating: z.looseObject({ score: nullableString }).nullable().optional(),
});
export type ZendeskTicket = z.infer<typeof ZendeskTicket>;

/** Ticket metrics (one per ticket), sideloaded with `include=metric_sets`. */
export const ZendeskMetricSet = z.looseObject({
  ticket_id: z.number().int(),
  reopens: z.number().nullable().optional(),
  replies: z.number().nullable().optional(),
  solved_at: nullableString,
  reply_time_in_minutes: minutes,
  first_resolution_time_in_minutes: minutes,
  full_resolution_time_in_minutes: minutes,
});
export type ZendeskMetricSet = z.infer<typeof ZendeskMetricSet>;

/** One page of `GET /api/v2/incremental/tickets/cursor.json`. Tickets are checked one by one. */
export const ZendeskTicketPage = z.looseObject({
  tickets: z.array(z.unknown()),
  metric_sets: z.array(z.unknown()).nullable().optional(),
  after_cursor: z.string().nullable().optional(),
  end_of_stream: z.boolean(),
});
export type ZendeskTicketPage = z.infer<typeof ZendeskTicketPage>;

export const HELPDESK_SOURCE = 'helpdesk';
/** Cursor row in `source_cursors`. */
export const HELPDESK_STREAM = 'helpdesk:tickets';
