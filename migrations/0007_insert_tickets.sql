-- The one statement that stores new tickets, as a function called with bind parameters:
-- intake, the webhooks, Open311 and the staff call insert_tickets (a single ticket is a
-- batch of one); the webhooks' first step calls inbound_first, which takes the senders'
-- advisory locks and then inserts, in one round trip.
--
-- The tickets come as parallel arrays, one element per ticket, and are stored with their
-- 'created' and 'routed' events. A row that conflicts on any unique key (a redelivered
-- external message, a tracking code taken) is skipped; the function returns the rows it
-- inserted. With new_only, a row is inserted only when its message did not join a ticket
-- before and its sender has no open ticket on the channel of the unit with a message
-- within thread_window: the conditions are scalar subqueries, so that each is an index
-- probe per row (written as NOT EXISTS they became anti-joins, and on a table the
-- statistics still thought small the generic plan hashed all of tickets).
--
-- The plans are generic from the first call (plan_cache_mode): left to choose, PostgreSQL
-- planned the insert again for every batch (a custom plan looks cheaper for two or three
-- rows than the generic plan's guess of the arrays' length), and planning it cost more
-- than running it. The setting is the function's; the session's stays as it is.
CREATE FUNCTION insert_tickets(
    p_tracking_code text[], p_unit_id bigint[], p_department_id bigint[], p_category_id bigint[],
    p_kind text[], p_channel text[], p_title text[], p_body text[], p_citizen_name text[],
    p_citizen_phone text[], p_citizen_email text[], p_citizen_external_id text[], p_address text[],
    p_lat float8[], p_lng float8[], p_village text[], p_public boolean[], p_channel_account_id bigint[],
    p_external_id text[], p_thread_id text[], p_reception_day date[], p_created_at timestamptz[],
    p_deadline_unit text[], p_due_at timestamptz[], p_accept_due_at timestamptz[], p_actor_id bigint[],
    p_created_data jsonb[], p_routed_data jsonb[], p_identity_restricted boolean[],
    p_identity_sealed bytea[], p_new_only boolean, p_thread_window interval)
RETURNS TABLE (id bigint, tracking_code text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH i AS (
        SELECT * FROM unnest(p_tracking_code, p_unit_id, p_department_id, p_category_id, p_kind,
            p_channel, p_title, p_body, p_citizen_name, p_citizen_phone, p_citizen_email,
            p_citizen_external_id, p_address, p_lat, p_lng, p_village, p_public, p_channel_account_id,
            p_external_id, p_thread_id, p_reception_day, p_created_at, p_deadline_unit, p_due_at,
            p_accept_due_at, p_actor_id, p_created_data, p_routed_data, p_identity_restricted,
            p_identity_sealed)
        AS i (tracking_code, unit_id, department_id, category_id, kind, channel, title, body, citizen_name,
            citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
            channel_account_id, external_id, thread_id, reception_day, created_at, deadline_unit, due_at,
            accept_due_at, actor_id, created_data, routed_data, identity_restricted, identity_sealed)
    ), t AS (
        INSERT INTO tickets AS n (tracking_code, unit_id, department_id, category_id, kind, channel, title, body,
            citizen_name, citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
            channel_account_id, external_id, thread_id, reception_day, created_at, updated_at, last_citizen_at,
            deadline_unit, due_at, accept_due_at, identity_restricted, identity_sealed)
        SELECT i.tracking_code, i.unit_id, i.department_id, i.category_id, i.kind, i.channel, i.title, i.body,
            i.citizen_name, i.citizen_phone, i.citizen_email, i.citizen_external_id, i.address, i.lat, i.lng,
            i.village, i.public, i.channel_account_id, i.external_id, i.thread_id, i.reception_day,
            i.created_at, i.created_at, i.created_at, i.deadline_unit, i.due_at, i.accept_due_at,
            i.identity_restricted, i.identity_sealed
        FROM i
        WHERE NOT p_new_only OR (
            (SELECT x.ticket_id FROM ticket_events x WHERE x.channel = i.channel AND x.external_id = i.external_id) IS NULL
            AND (SELECT x.id FROM tickets x
                WHERE i.citizen_external_id <> '' AND x.citizen_external_id <> '' AND x.unit_id = i.unit_id
                  AND x.citizen_external_id = i.citizen_external_id AND x.channel = i.channel
                  AND x.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen') AND x.merged_into IS NULL
                  AND x.last_citizen_at > i.created_at - p_thread_window
                LIMIT 1) IS NULL)
        ON CONFLICT DO NOTHING
        RETURNING n.id, n.tracking_code, n.created_at
    ), e AS (
        INSERT INTO ticket_events (ticket_id, type, actor_id, body, public, data, created_at)
        SELECT t.id, 'created', i.actor_id, '', false, i.created_data, t.created_at
        FROM t JOIN i ON i.tracking_code = t.tracking_code
        UNION ALL
        SELECT t.id, 'routed', NULL, '', false, i.routed_data, t.created_at
        FROM t JOIN i ON i.tracking_code = t.tracking_code
    )
    SELECT t.id, t.tracking_code FROM t;
END
$$;

-- inbound_first takes the advisory locks given as two arrays of keys, in array order (the
-- caller sorts them), then inserts the new tickets (insert_tickets with new_only). In
-- READ COMMITTED each statement of the function reads with a snapshot taken when it starts,
-- so the insert sees whatever the locks' earlier holders committed. Called outside a
-- transaction, it commits before it answers.
CREATE FUNCTION inbound_first(
    p_lock_space int4[], p_lock_key int4[],
    p_tracking_code text[], p_unit_id bigint[], p_department_id bigint[], p_category_id bigint[],
    p_kind text[], p_channel text[], p_title text[], p_body text[], p_citizen_name text[],
    p_citizen_phone text[], p_citizen_email text[], p_citizen_external_id text[], p_address text[],
    p_lat float8[], p_lng float8[], p_village text[], p_public boolean[], p_channel_account_id bigint[],
    p_external_id text[], p_thread_id text[], p_reception_day date[], p_created_at timestamptz[],
    p_deadline_unit text[], p_due_at timestamptz[], p_accept_due_at timestamptz[], p_actor_id bigint[],
    p_created_data jsonb[], p_routed_data jsonb[], p_identity_restricted boolean[],
    p_identity_sealed bytea[], p_thread_window interval)
RETURNS TABLE (id bigint, tracking_code text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(k.space, k.key) FROM unnest(p_lock_space, p_lock_key) AS k (space, key);
    RETURN QUERY SELECT r.id, r.tracking_code FROM insert_tickets(p_tracking_code, p_unit_id, p_department_id,
        p_category_id, p_kind, p_channel, p_title, p_body, p_citizen_name, p_citizen_phone, p_citizen_email,
        p_citizen_external_id, p_address, p_lat, p_lng, p_village, p_public, p_channel_account_id,
        p_external_id, p_thread_id, p_reception_day, p_created_at, p_deadline_unit, p_due_at,
        p_accept_due_at, p_actor_id, p_created_data, p_routed_data, p_identity_restricted,
        p_identity_sealed, true, p_thread_window) AS r;
END
$$;
