/**
 * The pulled systems of record (PostgreSQL, helpdesk) a refresh run pulls after the inbox.
 *
 * TODO(issue 5): replace the lookup below with a static
 * `import { configuredSources } from '../sources/configured-sources.ts'` once that module has landed;
 * until then a refresh pulls the inbox only, and picks the sources up as soon as the module exists.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config.ts';
import type { PulledSource } from '../run/run-pipeline.ts';

const MODULE = new URL('../sources/configured-sources.ts', import.meta.url);

export async function loadConfiguredSources(config: Config): Promise<PulledSource[]> {
  if (!fs.existsSync(fileURLToPath(MODULE))) return [];
  const module = (await import(MODULE.href)) as { configuredSources?: (config: Config) => readonly PulledSource[] | Promise<readonly PulledSource[]> };
  if (typeof module.configuredSources !== 'function') throw new Error(`${fileURLToPath(MODULE)} exports no configuredSources(config)`);
  return [...(await module.configuredSources(config))];
}
