-- mamori schema 10 (SQLite): an index of the people list's search.
--
-- The people list searches name, kana, e-mail and department for a
-- substring (LIKE '%…%'), which no B-tree serves: on a 10,000-person
-- organisation a search read half the table. Trigram indexes (FTS5's
-- trigram tokenizer, pg_trgm) need three characters, and many Japanese
-- names and searches have two (田中), so this is an index of bigrams: every
-- two consecutive characters of the four fields, lower-cased in ASCII only
-- (as LIKE compares), with the people they occur in. A search of two or
-- more characters takes the people holding all of its bigrams (a few
-- hundred at most) and then applies the same LIKE as before to them, so it
-- finds exactly what it found before; a one-character search stays a plain
-- LIKE, which finds a page of matches quickly.
--
-- Kept in step by triggers, so that every way of writing people (forms,
-- imports, bulk loads, the API) keeps it without knowing about it.
CREATE TABLE people_grams (
    org_id    INTEGER NOT NULL,
    gram      TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, gram, person_id)
) WITHOUT ROWID;
CREATE INDEX people_grams_person ON people_grams(person_id);

-- The positions 0 … length-2 of the text come from json_each over an array
-- of that many zeros (built from zeroblob), since a trigger may not hold a
-- recursive query.
CREATE TRIGGER people_grams_insert AFTER INSERT ON people BEGIN
    INSERT OR IGNORE INTO people_grams (org_id, gram, person_id)
    SELECT NEW.org_id, substr(t.s, j.key + 1, 2), NEW.id
    FROM (SELECT lower(NEW.name || char(10) || NEW.kana || char(10) || NEW.email || char(10) || NEW.department) AS s) AS t,
         json_each('[' || rtrim(replace(hex(zeroblob(max(length(t.s) - 1, 1))), '00', '0,'), ',') || ']') AS j
    WHERE j.key < length(t.s) - 1;
END;

CREATE TRIGGER people_grams_update AFTER UPDATE OF org_id, name, kana, email, department ON people BEGIN
    DELETE FROM people_grams WHERE person_id = OLD.id;
    INSERT OR IGNORE INTO people_grams (org_id, gram, person_id)
    SELECT NEW.org_id, substr(t.s, j.key + 1, 2), NEW.id
    FROM (SELECT lower(NEW.name || char(10) || NEW.kana || char(10) || NEW.email || char(10) || NEW.department) AS s) AS t,
         json_each('[' || rtrim(replace(hex(zeroblob(max(length(t.s) - 1, 1))), '00', '0,'), ',') || ']') AS j
    WHERE j.key < length(t.s) - 1;
END;

CREATE TRIGGER people_grams_delete AFTER DELETE ON people BEGIN
    DELETE FROM people_grams WHERE person_id = OLD.id;
END;

INSERT OR IGNORE INTO people_grams (org_id, gram, person_id)
SELECT t.org_id, substr(t.s, j.key + 1, 2), t.id
FROM (SELECT id, org_id, lower(name || char(10) || kana || char(10) || email || char(10) || department) AS s FROM people) AS t,
     json_each('[' || rtrim(replace(hex(zeroblob(max(length(t.s) - 1, 1))), '00', '0,'), ',') || ']') AS j
WHERE j.key < length(t.s) - 1;
