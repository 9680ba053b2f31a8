-- mamori schema 14 (PostgreSQL): findings' details as catalogue messages.
-- A finding's detail is kept as a catalogue key and its arguments
-- (findings.Message: detail_args is a JSON list), rendered in the reader's
-- language, so that a language added to the catalogues needs no schema
-- change. Rows written before keep an empty key until the next evaluation:
-- an empty detail differs from the evaluation's, so findings.Reconcile
-- refreshes it. detail_ja and detail_en are no longer written or read.
ALTER TABLE findings ADD COLUMN detail_key TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN detail_args TEXT NOT NULL DEFAULT '';
