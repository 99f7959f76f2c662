// Preloaded into benchmark children only when BENCH_DUCKDB_SETTINGS is set (`npm run bench --
// --duckdb-memory-limit 1500MB`): merges those DuckDB settings (JSON, e.g. {"memory_limit":"1500MB"})
// into every DuckDBInstance.create of the process, so the benchmark can show what a setting would do
// without changing the pipeline. An experiment, never part of the default measurement.
import { DuckDBInstance } from '@duckdb/node-api';

const extra = JSON.parse(process.env.BENCH_DUCKDB_SETTINGS ?? '{}');
const create = DuckDBInstance.create.bind(DuckDBInstance);
DuckDBInstance.create = (path, options) => create(path, { ...(options ?? {}), ...extra });
