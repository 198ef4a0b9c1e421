-- A province's report reads a period's tickets through indexes that do not start with the
-- unit: at a million tickets, the monthly province summary read the whole table twice (the
-- period and the previous one). Now one pass reads the tickets received in the two periods
-- (tickets_created), those resolved in them but received before (tickets_resolved_created, the
-- receipt time in the index so the others are skipped there), and the older open tickets from
-- tickets_open_created alone.
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX tickets_resolved_created ON tickets (resolved_at, created_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_open_created ON tickets (created_at)
    INCLUDE (unit_id, department_id, category_id, status, due_at, resolved_at, channel, kind, village)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');
