-- mamori schema 10 (PostgreSQL): an index of the people list's search.
--
-- The people list searches name, kana, e-mail and department for a
-- substring (LIKE '%…%'), which no B-tree serves. pg_trgm needs three
-- characters, and many Japanese names and searches have two (田中), so
-- this is an index of bigrams: every two consecutive characters of the
-- four fields, lower-cased in ASCII only (as the SQLite index, so both
-- engines index alike), with the people they occur in. A search of two or
-- more characters takes the people holding all of its bigrams and then
-- applies the same LIKE as before to them, so it finds exactly what it
-- found before; a one-character search stays a plain LIKE.
--
-- Kept in step by a trigger, so that every way of writing people keeps it.
CREATE TABLE people_grams (
    org_id    BIGINT NOT NULL,
    gram      TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (org_id, gram, person_id)
);
CREATE INDEX people_grams_person ON people_grams(person_id);

CREATE FUNCTION people_grams_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM people_grams WHERE person_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        s := translate(NEW.name || E'\n' || NEW.kana || E'\n' || NEW.email || E'\n' || NEW.department,
                       'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');
        INSERT INTO people_grams (org_id, gram, person_id)
        SELECT NEW.org_id, substr(s, i, 2), NEW.id FROM generate_series(1, length(s) - 1) AS i
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER people_grams_sync AFTER INSERT OR DELETE OR UPDATE OF org_id, name, kana, email, department ON people
    FOR EACH ROW EXECUTE FUNCTION people_grams_sync();

INSERT INTO people_grams (org_id, gram, person_id)
SELECT p.org_id, substr(t.s, i, 2), p.id
FROM people AS p,
     LATERAL (SELECT translate(p.name || E'\n' || p.kana || E'\n' || p.email || E'\n' || p.department,
                               'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS s) AS t,
     generate_series(1, length(t.s) - 1) AS i
ON CONFLICT DO NOTHING;
