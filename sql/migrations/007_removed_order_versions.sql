-- A superseded order version may have been placed at another time: int_action_exposure_days must then
-- count the exposures of its old date again (sql/changes/int_action_exposure_days.sql), and the file
-- ids of the version that stayed cannot say which date that was.
alter table raw_removed_rows add column ordered_at timestamptz;
