/**
 * A local HTTP server on 127.0.0.1 that records every POST (path, query, parsed JSON body) and answers
 * as told: what the chat tools' webhooks look like from rootloop's side.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface Recorder {
  url: string;
  requests: RecordedRequest[];
  /** The answer to the next requests of a path: status and body (default 200 and the chat tools' "ok"). */
  answer(path: string, status: number, body: string): void;
  bodiesOf(path: string): unknown[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const answers = new Map<string, { status: number; body: string }>();
  const server = http.createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), body: JSON.parse(raw) as unknown });
      const answer = answers.get(url.pathname) ?? {
        status: 200,
        body: url.pathname.startsWith('/dingtalk') || url.pathname.startsWith('/wecom') ? '{"errcode":0,"errmsg":"ok"}' : 'ok',
      };
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, status, body) => void answers.set(path, { status, body }),
    bodiesOf: (path) => requests.filter((r) => r.path === path).map((r) => r.body),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One recorder for a test file: started before its tests, its requests cleared before each, closed after. */
export function useRecorder(): () => Recorder {
  let recorder: Recorder | undefined;
  beforeAll(async () => {
    recorder = await startRecorder();
  });
  afterAll(() => recorder?.close());
  beforeEach(() => {
    if (recorder) recorder.requests.length = 0;
  });
  return () => recorder!;
}
