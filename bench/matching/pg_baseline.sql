-- The database-native baseline of issue 5: PostgreSQL pg_trgm similarity on the concatenated
-- name, folded as a database would fold it (lower case, accents removed with unaccent, anything
-- but letters turned into one space), on the same register as the engine. Two ways to find
-- candidate pairs:
--   phone: pairs whose phones are equal once put in E.164 (the same phone normalisation as the
--          engine, in SQL), scored by name similarity;
--   trgm:  no blocking: every pair whose names are similar above :trgm_min (GIN trigram index).
-- Both write one JSON line per pair with the similarity as score; bench/run sweeps the threshold
-- and keeps the best F1, an upper bound on what the baseline could do.
--
-- psql variables: persons (input JSON lines), out_phone, out_trgm (output files), trgm_min,
-- run_trgm (1 to run the unblocked join).
\set ON_ERROR_STOP 1
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
DROP TABLE IF EXISTS raw_persons, persons;

CREATE OR REPLACE FUNCTION e164(p text) RETURNS text AS $$
  SELECT CASE
    WHEN d ~ '^\+212[5-8][0-9]{8}$' THEN d
    WHEN d ~ '^\+2120[5-8][0-9]{8}$' THEN '+212' || substr(d, 6)
    WHEN d ~ '^00212[5-8][0-9]{8}$' THEN '+' || substr(d, 3)
    WHEN d ~ '^212[5-8][0-9]{8}$' THEN '+' || d
    WHEN d ~ '^0[5-8][0-9]{8}$' THEN '+212' || substr(d, 2)
    ELSE NULL
  END
  FROM (SELECT regexp_replace(p, '[^0-9+]', '', 'g') AS d) x
$$ LANGUAGE sql IMMUTABLE;

-- One line per record, read as is (no CSV quoting or escapes apply to the JSON). The server reads
-- the file: it must be readable by the server's user.
CREATE UNLOGGED TABLE raw_persons (line text);
COPY raw_persons FROM :'persons' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');

CREATE UNLOGGED TABLE persons AS
SELECT j->>'id' AS id,
       btrim(regexp_replace(lower(unaccent(concat_ws(' ', j->>'given_name', j->>'family_name',
                                                     j->>'full_name'))),
                            '[^[:alpha:]]+', ' ', 'g')) AS name,
       e164(j->>'phone') AS phone
FROM (SELECT line::jsonb AS j FROM raw_persons) s;
DROP TABLE raw_persons;
CREATE INDEX persons_phone ON persons (phone);
ANALYZE persons;

\pset format unaligned
\pset tuples_only on
\o :out_phone
SELECT json_build_object('a', a.id, 'b', b.id,
                         'score', round(similarity(a.name, b.name)::numeric, 4))::text
FROM persons a JOIN persons b ON a.phone = b.phone AND a.id < b.id;
\o

\if :run_trgm
CREATE INDEX persons_name_trgm ON persons USING gin (name gin_trgm_ops);
SET pg_trgm.similarity_threshold = :trgm_min;
\o :out_trgm
SELECT json_build_object('a', a.id, 'b', b.id,
                         'score', round(similarity(a.name, b.name)::numeric, 4))::text
FROM persons a JOIN persons b ON a.name % b.name AND a.id < b.id;
\o
\endif
