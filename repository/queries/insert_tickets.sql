-- insert_tickets: the one statement that stores new tickets, for intake,
-- the webhooks, Open311 and the staff alike (a single ticket is a batch of
-- one). The tickets come as parallel arrays, one element per ticket, with
-- their 'created' and 'routed' events, in one statement. A row that
-- conflicts on any unique key (a redelivered external message, a tracking
-- code taken) is skipped; the statement returns the rows it inserted.
-- Prepared at start-up (Store.PrepareIntake); the arguments are built by
-- insertArgs in tickets_create.go, in this order.
WITH i AS (
	SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[],
		$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
		$14::float8[], $15::float8[], $16::text[], $17::boolean[], $18::bigint[], $19::text[], $20::text[],
		$21::date[], $22::timestamptz[], $23::text[], $24::timestamptz[], $25::timestamptz[], $26::bigint[],
		$27::jsonb[], $28::jsonb[], $29::boolean[], $30::bytea[])
	AS i (tracking_code, unit_id, department_id, category_id, kind, channel, title, body, citizen_name,
		citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
		channel_account_id, external_id, thread_id, reception_day, created_at, deadline_unit, due_at,
		accept_due_at, actor_id, created_data, routed_data, identity_restricted, identity_sealed)
), t AS (
	INSERT INTO tickets (tracking_code, unit_id, department_id, category_id, kind, channel, title, body,
		citizen_name, citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
		channel_account_id, external_id, thread_id, reception_day, created_at, updated_at, last_citizen_at,
		deadline_unit, due_at, accept_due_at, identity_restricted, identity_sealed)
	SELECT tracking_code, unit_id, department_id, category_id, kind, channel, title, body,
		citizen_name, citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
		channel_account_id, external_id, thread_id, reception_day, created_at, created_at, created_at,
		deadline_unit, due_at, accept_due_at, identity_restricted, identity_sealed
	FROM i
	ON CONFLICT DO NOTHING
	RETURNING id, tracking_code, created_at
), e AS (
	INSERT INTO ticket_events (ticket_id, type, actor_id, body, public, data, created_at)
	SELECT t.id, 'created', i.actor_id, '', false, i.created_data, t.created_at
	FROM t JOIN i ON i.tracking_code = t.tracking_code
	UNION ALL
	SELECT t.id, 'routed', NULL, '', false, i.routed_data, t.created_at
	FROM t JOIN i ON i.tracking_code = t.tracking_code
)
SELECT id, tracking_code FROM t
