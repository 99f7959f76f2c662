-- The loaded records: one current version per key (CONTRACT §2: the latest updated_at wins, else the
-- later ingestion, then the later line). Every table carries where its version came from:
--   _file_id     the ingested_files row (ingestion order)
--   _line        the physical line in that file
--   _version_at  coalesce(updated_at, the file's ingested_at): the instant versions are ordered by

create table raw_orders (
  order_id varchar not null, customer_id varchar, ordered_at timestamptz, total_amount decimal(18,4),
  currency varchar, merchant_id varchar, updated_at timestamptz,
  _file_id bigint not null, _line bigint not null, _version_at timestamptz not null
);

create table raw_order_items (
  order_id varchar not null, line_no bigint not null, sku varchar, quantity bigint, unit_price decimal(18,4),
  _file_id bigint not null, _line bigint not null, _version_at timestamptz not null
);

create table raw_shipments (
  shipment_id varchar not null, order_id varchar, carrier varchar, shipped_at timestamptz, promised_at timestamptz,
  delivered_at timestamptz, status varchar, origin_region varchar, dest_region varchar, updated_at timestamptz,
  _file_id bigint not null, _line bigint not null, _version_at timestamptz not null
);

create table raw_products (
  sku varchar not null, title varchar, category varchar, merchant_id varchar, updated_at timestamptz,
  _file_id bigint not null, _line bigint not null, _version_at timestamptz not null
);

create table raw_complaints (
  complaint_id varchar not null, order_id varchar, shipment_id varchar, sku varchar, channel varchar,
  opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz, status varchar, severity varchar,
  cause_code varchar, text varchar, escalated boolean, reopened_count bigint, resolution varchar,
  compensation_amount decimal(18,4), csat bigint, followed_up_at timestamptz, updated_at timestamptz,
  _file_id bigint not null, _line bigint not null, _version_at timestamptz not null
);

create table raw_corrective_actions (
  action_id varchar not null, cause_code varchar, scope_type varchar, scope_value varchar, title varchar,
  owner varchar, opened_at timestamptz, implemented_at timestamptz, due_at timestamptz, status varchar,
  updated_at timestamptz,
  _file_id bigint not null, _line bigint not null, _version_at timestamptz not null
);
