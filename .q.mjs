import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
const c = await db.connect();
const q = process.argv[2];
const t=performance.now();
const r = await c.runAndReadAll(q);
console.log(JSON.stringify(r.getRowObjectsJson()), (performance.now()-t).toFixed(1)+'ms');
