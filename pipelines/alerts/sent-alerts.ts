/**
 * The ledger of announcements (`sent_alerts`, sql/migrations/001): one row per flag and channel once
 * the channel has accepted it. Delivery is AT LEAST ONCE: a row is written right after the channel
 * accepted the message, in its own transaction; a process that dies between the two re-sends that one
 * message on the next run. The other order (mark, then send) would lose the alert instead, and a
 * carrier or listing crossing its line that nobody hears about is the worse failure. The JSON
 * webhook carries each flag's `key` so that a receiver can drop the rare duplicate.
 */
import type { Warehouse } from '../core/warehouse.ts';

/** `flag key|channel`, e.g. `carrier_breakage:Heron:2026-01-05|ops-dingtalk`. */
export function ledgerKeyOf(flagKey: string, channel: string): string {
  return `${flagKey}|${channel}`;
}

export async function readSentKeys(warehouse: Warehouse): Promise<Set<string>> {
  const rows = await warehouse.all<{ alert_key: string }>(`select distinct alert_key from sent_alerts`);
  return new Set(rows.map((r) => r.alert_key));
}

export async function markSent(warehouse: Warehouse, runId: string, entries: readonly { key: string; payload: unknown }[], sentAt = new Date()): Promise<void> {
  if (!entries.length) return;
  await warehouse.transaction(async () => {
    for (const entry of entries) {
      await warehouse.run(`insert into sent_alerts (alert_key, run_id, sent_at, payload) values ($1, $2, $3::timestamptz, $4)`, [
        entry.key,
        runId,
        sentAt,
        JSON.stringify(entry.payload),
      ]);
    }
  });
}
