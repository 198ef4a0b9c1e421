-- The folded words of a ticket were a generated column, computed on every insert (unaccent and
-- to_tsvector, about 16 µs a row). A bulk load whose texts repeat (caunoi seed --synthetic
-- draws a million tickets from a few thousand texts) computes each distinct text's vector once
-- and supplies it; every other writer still gets it computed, now by triggers: on insert when
-- none is given, and on any update that names title, body or the vector itself, so an update
-- can never leave a vector that differs from ticket_search_vector(title, body).
-- DROP EXPRESSION keeps the stored values and does not rewrite the table.
ALTER TABLE tickets ALTER COLUMN search_vector DROP EXPRESSION;

CREATE FUNCTION tickets_fill_search_vector() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.search_vector := ticket_search_vector(NEW.title, NEW.body);
    RETURN NEW;
END
$$;

CREATE TRIGGER tickets_search_vector_insert BEFORE INSERT ON tickets
    FOR EACH ROW WHEN (NEW.search_vector IS NULL) EXECUTE FUNCTION tickets_fill_search_vector();
CREATE TRIGGER tickets_search_vector_update BEFORE UPDATE OF title, body, search_vector ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_fill_search_vector();
