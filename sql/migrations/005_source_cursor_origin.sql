-- Where a cursor came from: the server, database, table and cursor column of a PostgreSQL stream, the
-- helpdesk's base URL (never a secret). A cursor only means something to the system that issued it:
-- after the config points a stream elsewhere (staging → production, another Zendesk account) the old
-- cursor would skip every older row of the new system, so a cursor from another origin is not used and
-- the stream is pulled from the start. Null for cursors saved before this column existed (used as is).
alter table source_cursors add column origin varchar;
