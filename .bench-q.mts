// scratch: time statements against a copy of the day DB with the run's macros and variables in place
import fs from 'node:fs';
import { defaultConfig } from './pipelines/core/config.ts';
import { Warehouse } from './pipelines/core/warehouse.ts';
import { prepareRunInputs } from './pipelines/run/prepare-run-inputs.ts';
fs.copyFileSync('/tmp/L/prof.duckdb', '/tmp/L/bq.duckdb');
const w = await Warehouse.open('/tmp/L/bq.duckdb', { timezone: 'Asia/Shanghai' } as any);
await prepareRunInputs(w, defaultConfig(), new Date('2026-11-15T16:00:00.000Z'));
for (const f of fs.readdirSync('sql/macros')) await w.run(fs.readFileSync('sql/macros/' + f, 'utf8'));
for (const q of fs.readFileSync(process.argv[2], 'utf8').split(/\n;;\n/)) {
  for (let i = 0; i < Number(process.env.REP ?? 2); i++) { const t = performance.now(); const r = await w.all(q); console.log(((performance.now() - t) / 1000).toFixed(3), JSON.stringify(r).slice(0, 150)); }
}
