// scratch: print every misclassification (deleted after use)
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const file = process.argv[2] ?? 'test/fixtures/cause-corpus.jsonl';
const corpus = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const rules = JSON.parse(readFileSync('models/rules/cause-rules.json', 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run('create table corpus (text_id VARCHAR, text VARCHAR)');
await c.run('create table cause_patterns (cause_code VARCHAR, kind VARCHAR, pattern VARCHAR)');
const a = await c.createAppender('corpus');
for (const r of corpus) { a.appendVarchar(r.id); a.appendVarchar(r.text); a.endRow(); }
a.closeSync();
const b = await c.createAppender('cause_patterns');
for (const r of rules.causes) for (const k of ['include', 'exclude']) for (const p of r[k]) { b.appendVarchar(r.cause_code); b.appendVarchar(k); b.appendVarchar(p); b.endRow(); }
b.closeSync();
const rows = (await c.runAndReadAll(`select t.text_id, p.cause_code from corpus t join cause_patterns p on regexp_matches(t.text, '(?i)' || p.pattern) group by all having bool_or(kind='include') and not bool_or(kind='exclude')`)).getRowObjectsJson();
const pred = new Map();
for (const r of rows) { const s = pred.get(r.text_id) ?? new Set(); s.add(r.cause_code); pred.set(r.text_id, s); }
const stats = {};
for (const r of corpus) {
  const p = pred.get(r.id) ?? new Set(['other']);
  const l = new Set(r.causes);
  for (const x of new Set([...p, ...l])) {
    const s = (stats[x] ??= { sup: 0, pred: 0, tp: 0 });
    if (l.has(x)) s.sup++; if (p.has(x)) s.pred++; if (l.has(x) && p.has(x)) s.tp++;
  }
  const miss = [...l].filter((x) => !p.has(x)), fp = [...p].filter((x) => !l.has(x));
  if (miss.length || fp.length) console.log(r.id, 'missed:', miss.join(','), 'false:', fp.join(','), '|', r.text);
}
for (const [k, s] of Object.entries(stats).sort()) console.log(k.padEnd(22), s.sup, (s.tp / s.pred).toFixed(3), (s.tp / s.sup).toFixed(3));
