-- grain: one row per corrective_actions key: the latest version (CONTRACT §2), merged at ingestion into raw_corrective_actions.
-- A view: staging only drops the version bookkeeping, so it costs nothing to rebuild.
select * exclude (_file_id, _line, _version_at)
from raw_corrective_actions
