import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
const c = await db.connect();
await c.run(fs.readFileSync('sql/macros/statistics.sql', 'utf8'));
for (const q of process.argv.slice(2)) {
const t=performance.now();
try { const r = await c.runAndReadAll(q);
console.log(JSON.stringify(r.getRowObjectsJson()), (performance.now()-t).toFixed(1)+'ms'); } catch (e) { console.log('ERR', e.message); }
}
