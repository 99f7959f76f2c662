-- grain: one row per order_items key: the latest version (CONTRACT §2), merged at ingestion into raw_order_items.
-- A view: staging only drops the version bookkeeping, so it costs nothing to rebuild.
select * exclude (_file_id, _line, _version_at)
from raw_order_items
