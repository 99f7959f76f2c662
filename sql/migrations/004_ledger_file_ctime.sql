-- The file's inode change time (nanoseconds since the epoch) as the inbox saw it. The stat shortcut
-- (name, size, modification time) alone skipped a file rewritten in place with the same size and an
-- mtime set back (cp -p, rsync -t, a restore): every write sets the change time, and no tool can set
-- it back, so a match on all four is an unchanged file. Null where modified_ns is null, and for rows
-- written before this column existed (such rows no longer shortcut: their files are hashed once more).
alter table ingested_files add column changed_ns bigint;
