-- Incremental builds of the models declared incremental (pipelines/run/incremental-plan.ts).
--
-- model_build_state: what the last build of a model saw: a fingerprint of everything besides the
-- records that shapes its rows (config, rules, SQL), the as_of it was built for, and the last ingested
-- file whose rows it includes. A run whose fingerprint matches and whose as_of is not earlier rebuilds
-- only the rows whose inputs changed since; anything else rebuilds the whole table.
create table model_build_state (
  model              varchar,
  inputs_fingerprint varchar not null,
  as_of              timestamptz not null,
  last_file_id       bigint not null,
  built_at           timestamptz not null
);

-- Record versions that left a raw table, which the file ids of the rows that stayed cannot show: a
-- complaint deleted in the helpdesk, a superseded shipment version (it may have named another order,
-- whose complaints may now have a sole shipment, or been delivered in another week). Written at
-- ingestion, emptied by the next build.
create table raw_removed_rows (
  entity       varchar not null,
  key_value    varchar,
  order_id     varchar,
  delivered_at timestamptz,
  removed_at   timestamptz not null
);
