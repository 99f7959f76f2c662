/**
 * The systems of record a deployment pulls from in every run, from config `sources`: PostgreSQL and
 * the helpdesk, each only when enabled. Building them checks their config against the contract (and the
 * inbox mappings too), so a wrong entity, column or value fails with a ConfigError before a run starts.
 */
import type { Config } from '../core/config.ts';
import type { Warehouse } from '../core/warehouse.ts';
import type { IngestedFileReport } from './inbox/load.ts';
import type { PullOutcome } from './pulled/pull-outcome.ts';
import { createHelpdeskSource } from './helpdesk/load.ts';
import { resolveInboxMappings } from './mapping/column-mapping.ts';
import { createPostgresSource } from './postgres/load.ts';

/** Structurally `PulledSource` of pipelines/run/run-pipeline.ts (sources do not import the runner). */
export interface ConfiguredSource {
  name: string;
  pull(warehouse: Warehouse, context: { runId: string; config: Config }): Promise<IngestedFileReport[] | PullOutcome>;
}

export function configuredSources(config: Config): ConfiguredSource[] {
  resolveInboxMappings(config.inboxMappings);
  const sources: ConfiguredSource[] = [];
  if (config.sources.postgres.enabled) sources.push(createPostgresSource(config.sources.postgres));
  if (config.sources.helpdesk.enabled) sources.push(createHelpdeskSource(config.sources.helpdesk, { safetyWords: config.severityRules }));
  return sources;
}
