/**
 * A throwaway PostgreSQL server for tests: initdb into a temp folder, pg_ctl start on 127.0.0.1 and a
 * free port (trust auth, fsync off), stop/start to simulate an outage, destroy at the end. As root the
 * binaries run as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  port: number;
  url: string;
  /** Runs SQL (several statements allowed, then one implicit transaction) on a fresh connection. */
  sql<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<Row[]>;
  sqlIn<Row extends pg.QueryResultRow = pg.QueryResultRow>(database: string, text: string, params?: unknown[]): Promise<Row[]>;
  urlOf(database: string): string;
  /** A connected client the caller ends (long transactions). */
  clientOf(database: string): Promise<pg.Client>;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  destroy(): void;
}

function findBinDir(): string {
  const candidates = [
    process.env.ROOTLOOP_PG_BIN,
    '/usr/lib/postgresql/17/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/15/bin',
    '/usr/lib/postgresql/14/bin',
    '/usr/local/bin',
    '/usr/bin',
  ];
  for (const dir of candidates) if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package or set ROOTLOOP_PG_BIN");
}

export function isPostgresAvailable(): boolean {
  try {
    findBinDir();
    return true;
  } catch {
    return false;
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : path.join(bin, tool);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    execFileSync(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await findFreePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-w', '-t', '30', '-l', path.join(dir, 'server.log'), 'start']);
  const stop = (mode: 'fast' | 'immediate' = 'fast') => run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  start();
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const clientOf = async (database: string) => {
    const c = new pg.Client({ connectionString: urlOf(database) });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  const sqlIn = async (database: string, text: string, params?: unknown[]) => {
    const c = await clientOf(database);
    try {
      const result = (await c.query(text, params)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows) as never;
    } finally {
      await c.end();
    }
  };
  return {
    port,
    url: urlOf('postgres'),
    urlOf,
    clientOf,
    sqlIn,
    sql: (text, params) => sqlIn('postgres', text, params),
    stop,
    start,
    destroy() {
      try {
        stop('immediate');
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
