-- 退回重办 per item, for the statistics: the store counts the view's returned reports whenever it
-- applies a batch, so GET /v1/stats sums a column instead of opening every urged item's view.
ALTER TABLE items ADD COLUMN returned_count integer NOT NULL DEFAULT 0;
UPDATE items SET returned_count = (
  SELECT count(*) FROM jsonb_array_elements(
    CASE WHEN jsonb_typeof(view->'reports') = 'array' THEN view->'reports' ELSE '[]'::jsonb END) r
  WHERE r->'review'->>'decision' = 'return');
