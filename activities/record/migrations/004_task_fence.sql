-- Batches written inside the workflow task that decided them (patch record-in-task) carry that
-- task's workflow time and the revision they follow. A task that wrote and then never completed is
-- undone when its retry writes: each row keeps the newest writing task's time and what the row was
-- before that task's first write; each history line and ledger row the revision that wrote it, and
-- a ledger row its values from before that task. Rows written without a fence (the API's create,
-- runs before the patch) keep the plain revision rule.
ALTER TABLE items ADD COLUMN task_at timestamptz, ADD COLUMN base_revision bigint, ADD COLUMN base_view jsonb;
ALTER TABLE cases ADD COLUMN task_at timestamptz, ADD COLUMN base_revision bigint, ADD COLUMN base_view jsonb;
ALTER TABLE item_events ADD COLUMN revision bigint;
ALTER TABLE case_events ADD COLUMN revision bigint;
ALTER TABLE measures ADD COLUMN revision bigint, ADD COLUMN previous jsonb;
