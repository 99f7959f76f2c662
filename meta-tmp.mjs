import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const r = await c.runAndReadAll(`select file_name, count(distinct row_group_id) rgs, any_value(compression) comp, sum(total_compressed_size) csz, sum(total_uncompressed_size) usz, max(row_group_num_rows) rows_per_rg from parquet_metadata('bench/data/S/parquet/base/order_items*.parquet') group by 1 order by 1`);
console.table(r.getRowObjects());
const s = await c.runAndReadAll(`select * from parquet_schema('bench/data/S/parquet/base/order_items-2026-07.parquet')`);
console.table(s.getRowObjects().map(o=>({name:o.name,type:o.type,conv:o.converted_type,log:String(o.logical_type)})));
