-- When each history line reached the record (the transaction's time), beside `at`, when the
-- workflow decided it: their difference is the record's lag. Rows from before this migration get
-- the migration's time.
ALTER TABLE item_events ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE case_events ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
