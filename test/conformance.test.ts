/**
 * The shared conformance kit (../shared/conformance): rootloop run on a planted world, every mart
 * compared with an independent oracle. Skipped only where the kit is not checked out beside the repo.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli.ts';

const KIT = path.resolve(REPO, '..', 'shared', 'conformance', 'check.mjs');

describe.skipIf(!fs.existsSync(KIT))('conformance kit', () => {
  it('every expectation of the planted world holds', { timeout: 600_000 }, () => {
    const result = spawnSync(process.execPath, [KIT], { cwd: REPO, encoding: 'utf8', timeout: 600_000, env: { ...process.env, ROOTLOOP_LOG_LEVEL: 'warn' } });
    const summary = result.stdout.trim().split('\n').at(-1) ?? '';
    expect(summary, result.stdout + result.stderr).toMatch(/^planted\[all\]: (\d+)\/\1 expectations hold$/);
    expect(result.status).toBe(0);
  });
});
