-- The record (PostgreSQL ≥ 14 and PGlite). Each item and case keeps its whole view as jsonb, written
-- by its workflow in revision-numbered batches; the columns beside it are what lists, filters and
-- statistics read, kept in step with the view by the same statement.

CREATE TABLE items (
  id                 text PRIMARY KEY,
  title              text NOT NULL,
  description        text,
  source_kind        text,
  source_reference   text,
  lead_unit_id       text NOT NULL,
  lead_unit_name     text NOT NULL,
  assisting_unit_ids text[] NOT NULL DEFAULT '{}',
  policy             text,
  status             text NOT NULL,
  light              text NOT NULL,
  assigned_at        timestamptz NOT NULL,
  deadline_at        timestamptz,
  completed_at       timestamptz,
  cancelled_at       timestamptz,
  urge_count         integer NOT NULL DEFAULT 0,
  delivery_failures  integer NOT NULL DEFAULT 0,
  current_stage      text,
  case_ids           text[] NOT NULL DEFAULT '{}',
  -- the last batch applied; a batch at or below it is a duplicate
  revision           bigint NOT NULL,
  view               jsonb NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- keyset pagination: newest assignment first, id breaks ties
CREATE INDEX items_assigned ON items (assigned_at DESC, id DESC);
CREATE INDEX items_status ON items (status, assigned_at DESC, id DESC);
CREATE INDEX items_lead_unit ON items (lead_unit_id, assigned_at DESC, id DESC);
CREATE INDEX items_assisting_units ON items USING gin (assisting_unit_ids);

CREATE TABLE item_events (
  item_id text NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  -- the business key of the event: writing it again is a no-op
  key     text NOT NULL,
  seq     bigserial NOT NULL,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,
  action  text NOT NULL,
  detail  text,
  data    jsonb,
  PRIMARY KEY (item_id, key)
);
CREATE INDEX item_events_order ON item_events (item_id, seq);

CREATE TABLE cases (
  id          text PRIMARY KEY,
  item_id     text,
  stage       text NOT NULL,
  procedure   text,
  level       integer,
  source_kind text,
  subject_ids text[] NOT NULL DEFAULT '{}',
  opened_at   timestamptz NOT NULL,
  decided_at  timestamptz,
  closed_at   timestamptz,
  revision    bigint NOT NULL,
  view        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_opened ON cases (opened_at DESC, id DESC);
CREATE INDEX cases_stage ON cases (stage, opened_at DESC, id DESC);
CREATE INDEX cases_item ON cases (item_id);
CREATE INDEX cases_subjects ON cases USING gin (subject_ids);

CREATE TABLE case_events (
  case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  key     text NOT NULL,
  seq     bigserial NOT NULL,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,
  action  text NOT NULL,
  detail  text,
  data    jsonb,
  PRIMARY KEY (case_id, key)
);
CREATE INDEX case_events_order ON case_events (case_id, seq);

-- the ledger (台帐): one row per measure a case decided, executed, revoked or amended
CREATE TABLE measures (
  id           text PRIMARY KEY, -- case id + ':' + measure id
  case_id      text NOT NULL REFERENCES cases (id),
  measure_id   text NOT NULL,
  item_id      text,
  subject_kind text NOT NULL CHECK (subject_kind IN ('person', 'unit')),
  subject_id   text NOT NULL,
  subject_name text NOT NULL,
  -- a person's unit: the unit's ledger counts its staff (S3 §五)
  unit_id      text,
  code         text NOT NULL,
  amount       numeric,
  status       text NOT NULL CHECK (status IN ('executed', 'revoked', 'amended')),
  decided_by   text NOT NULL,
  decided_at   timestamptz NOT NULL,
  executed_at  timestamptz,
  revoked_at   timestamptz,
  local_date   date NOT NULL, -- the office's calendar day of the decision; its year is the ledger year
  year         integer NOT NULL,
  data         jsonb,
  UNIQUE (case_id, measure_id)
);
CREATE INDEX measures_subject_year ON measures (subject_id, year);
CREATE INDEX measures_unit_year ON measures (unit_id, year) WHERE unit_id IS NOT NULL;
CREATE INDEX measures_year ON measures (year, subject_kind);

CREATE TABLE notice_deliveries (
  notice_key text NOT NULL,
  channel    text NOT NULL,
  item_id    text,
  case_id    text,
  kind       text NOT NULL,
  subject    text NOT NULL,
  status     text NOT NULL CHECK (status IN ('delivered', 'failed', 'skipped')),
  attempts   integer NOT NULL DEFAULT 1,
  detail     text,
  at         timestamptz NOT NULL,
  PRIMARY KEY (notice_key, channel)
);
CREATE INDEX notice_deliveries_item ON notice_deliveries (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX notice_deliveries_case ON notice_deliveries (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX notice_deliveries_failed ON notice_deliveries (at) WHERE status = 'failed';

-- the unit directory
CREATE TABLE units (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  liaison    jsonb,
  principal  jsonb,
  in_charge  jsonb,
  parent_id  text,
  revision   bigint NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_parent ON units (parent_id) WHERE parent_id IS NOT NULL;

-- the office's 放假安排 per year; a reload adds a version, so a past computation can name what it used
CREATE TABLE calendar_years (
  year      integer NOT NULL,
  version   integer NOT NULL,
  basis     text NOT NULL,
  source    jsonb NOT NULL,
  holidays  jsonb NOT NULL,
  workdays  jsonb NOT NULL,
  loaded_by text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (year, version)
);
