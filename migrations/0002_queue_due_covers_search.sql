-- The queue of many units at once (a province) walks the open tickets in due
-- order; with the unit and the folded words in the index, a search over that
-- queue reads the index only (about 60 pages for a page of 50 at a million
-- tickets, where the walk through the table read over a thousand).
DROP INDEX tickets_queue_due;
CREATE INDEX tickets_queue_due ON tickets (due_at, id) INCLUDE (unit_id, search_vector)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');
