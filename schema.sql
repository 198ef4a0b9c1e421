-- Cầu Nối: the whole schema for a fresh database (migration version 1).
-- Later changes go in migrations/NNNN_name.sql, applied in order after this file.
-- Applied by `caunoi migrate` in one transaction.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is STABLE; an index needs an IMMUTABLE wrapper that names its dictionary.
-- Folds every Vietnamese letter, đ and Đ included, and lower-cases.
CREATE FUNCTION fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, t)) $$;

-- What the queue's search and the similar-tickets list look in: title and body, folded.
CREATE FUNCTION ticket_search_text(title text, body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT fold(coalesce(title, '') || ' ' || coalesce(body, '')) $$;

-- The words of a ticket, folded, for the full-text index of the queue's search.
CREATE FUNCTION ticket_search_vector(title text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_tsvector('simple'::regconfig, ticket_search_text(title, body)) $$;

-- Units form a tree: province → commune / ward / special zone.
CREATE TABLE units (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name         text NOT NULL CHECK (name <> ''),
    level        text NOT NULL CHECK (level IN ('province', 'commune', 'ward', 'special_zone')),
    parent_id    bigint REFERENCES units (id),
    timezone     text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    -- working periods in minutes from midnight, Monday to Friday
    work_periods jsonb NOT NULL DEFAULT '[{"start_min": 450, "end_min": 690}, {"start_min": 810, "end_min": 1020}]',
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX units_parent ON units (parent_id);

-- The unit and every unit below it: the scope of an admin or a leader.
CREATE FUNCTION unit_subtree(root bigint) RETURNS SETOF bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        WITH RECURSIVE t(id) AS (
            SELECT root
            UNION
            SELECT u.id FROM units u JOIN t ON u.parent_id = t.id
        )
        SELECT id FROM t
    $$;

CREATE TABLE departments (
    id         bigserial PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units (id),
    code       text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name       text NOT NULL CHECK (name <> ''),
    triage     boolean NOT NULL DEFAULT false,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (unit_id, code),
    UNIQUE (unit_id, id)
);
-- One triage department per unit.
CREATE UNIQUE INDEX departments_one_triage ON departments (unit_id) WHERE triage;

CREATE TABLE categories (
    id                    bigserial PRIMARY KEY,
    unit_id               bigint NOT NULL REFERENCES units (id),
    code                  text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name                  text NOT NULL CHECK (name <> ''),
    description           text NOT NULL DEFAULT '',
    default_department_id bigint REFERENCES departments (id),
    deadline_amount       integer NOT NULL DEFAULT 10 CHECK (deadline_amount > 0),
    deadline_unit         text NOT NULL DEFAULT 'working_days'
        CHECK (deadline_unit IN ('calendar_days', 'working_days', 'working_hours')),
    keywords              text[] NOT NULL DEFAULT '{}',
    position              integer NOT NULL DEFAULT 0,
    -- extra fields a category asks for (Open311 service attributes)
    attributes            jsonb NOT NULL DEFAULT '[]',
    active                boolean NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (unit_id, code)
);

-- A unit's ordered routing rules; empty conditions match anything.
CREATE TABLE routing_rules (
    id              bigserial PRIMARY KEY,
    unit_id         bigint NOT NULL REFERENCES units (id),
    position        integer NOT NULL DEFAULT 0,
    category_id     bigint REFERENCES categories (id),
    kind            text CHECK (kind IN ('feedback', 'petition', 'inquiry', 'complaint', 'denunciation')),
    channel         text CHECK (channel IN ('web', 'facebook_comment', 'facebook_message', 'zalo', 'open311',
                                            'hotline', 'walk_in', 'email')),
    keywords        text[] NOT NULL DEFAULT '{}',
    set_category_id bigint REFERENCES categories (id),
    department_id   bigint REFERENCES departments (id),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (set_category_id IS NOT NULL OR department_id IS NOT NULL)
);
CREATE INDEX routing_rules_unit ON routing_rules (unit_id, position);

-- The legal clocks of each kind (DOMAIN.md); data, not constants.
CREATE TABLE kind_rules (
    kind              text PRIMARY KEY
        CHECK (kind IN ('feedback', 'petition', 'inquiry', 'complaint', 'denunciation')),
    accept_amount     integer NOT NULL CHECK (accept_amount > 0),
    accept_unit       text NOT NULL CHECK (accept_unit IN ('calendar_days', 'working_days', 'working_hours')),
    settle_amount     integer CHECK (settle_amount > 0), -- NULL: the category's deadline
    settle_unit       text CHECK (settle_unit IN ('calendar_days', 'working_days', 'working_hours')),
    extension_amount  integer NOT NULL CHECK (extension_amount > 0),
    extension_unit    text NOT NULL CHECK (extension_unit IN ('calendar_days', 'working_days', 'working_hours')),
    max_extensions    integer NOT NULL DEFAULT 1 CHECK (max_extensions >= 0),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- The working-day calendar: days off and make-up working days.
-- unit_id NULL: the national calendar, for every unit.
CREATE TABLE holidays (
    id         bigserial PRIMARY KEY,
    unit_id    bigint REFERENCES units (id),
    day        date NOT NULL,
    off        boolean NOT NULL DEFAULT true, -- false: a make-up working day
    name       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX holidays_unit_day ON holidays (coalesce(unit_id, 0), day);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL CHECK (email = lower(email) AND email LIKE '%@%'),
    name          text NOT NULL CHECK (name <> ''),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'leader', 'head', 'staff')),
    unit_id       bigint NOT NULL REFERENCES units (id),
    department_id bigint REFERENCES departments (id),
    zalo_user_id  text,
    digest        boolean NOT NULL DEFAULT false, -- a daily digest instead of a message per ticket
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    CHECK (role NOT IN ('head', 'staff') OR department_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_department ON users (department_id) WHERE active;

-- Opaque refresh tokens, stored hashed; a family is one sign-in and its rotations.
CREATE TABLE refresh_tokens (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family     text NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

-- A commune's fanpage or Zalo Official Account.
CREATE TABLE channel_accounts (
    id               bigserial PRIMARY KEY,
    unit_id          bigint NOT NULL REFERENCES units (id),
    platform         text NOT NULL CHECK (platform IN ('facebook', 'zalo')),
    account_id       text NOT NULL CHECK (account_id <> ''), -- page id or OA id
    app_id           text NOT NULL DEFAULT '',
    name             text NOT NULL DEFAULT '',
    secret_key_enc   bytea, -- Zalo OA secret key, encrypted with CAUNOI_SECRET_KEY
    access_token_enc bytea, -- page token or OA access token, encrypted
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, account_id)
);
CREATE INDEX channel_accounts_app ON channel_accounts (platform, app_id);

CREATE TABLE tickets (
    id                  bigserial PRIMARY KEY,
    tracking_code       text NOT NULL UNIQUE,
    unit_id             bigint NOT NULL REFERENCES units (id),
    department_id       bigint REFERENCES departments (id),
    category_id         bigint REFERENCES categories (id),
    assignee_id         bigint REFERENCES users (id),
    kind                text NOT NULL DEFAULT 'feedback'
        CHECK (kind IN ('feedback', 'petition', 'inquiry', 'complaint', 'denunciation')),
    channel             text NOT NULL
        CHECK (channel IN ('web', 'facebook_comment', 'facebook_message', 'zalo', 'open311',
                           'hotline', 'walk_in', 'email')),
    status              text NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'assigned', 'in_progress', 'waiting_citizen', 'resolved', 'closed',
                          'rejected', 'duplicate')),
    priority            smallint NOT NULL DEFAULT 0,
    title               text NOT NULL DEFAULT '',
    body                text NOT NULL CHECK (body <> ''),
    -- personal data (Decree 13/2023): never shown to citizens, exports or reports
    citizen_name        text NOT NULL DEFAULT '',
    citizen_phone       text NOT NULL DEFAULT '',
    citizen_email       text NOT NULL DEFAULT '',
    citizen_external_id text NOT NULL DEFAULT '', -- page-scoped id, Zalo user id
    address             text NOT NULL DEFAULT '',
    lat                 double precision CHECK (lat BETWEEN -90 AND 90),
    lng                 double precision CHECK (lng BETWEEN -180 AND 180),
    village             text NOT NULL DEFAULT '', -- thôn, xóm, tổ dân phố
    public              boolean NOT NULL DEFAULT false,
    -- where it came from: idempotency key and reply target on its channel
    channel_account_id  bigint REFERENCES channel_accounts (id),
    external_id         text,
    thread_id           text NOT NULL DEFAULT '',
    reception_day       date, -- walk-in: the chairman's reception day
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    deadline_unit       text NOT NULL DEFAULT 'working_days'
        CHECK (deadline_unit IN ('calendar_days', 'working_days', 'working_hours')),
    due_at              timestamptz NOT NULL,
    accept_due_at       timestamptz,
    paused_at           timestamptz, -- the clock stopped: waiting for the citizen since
    first_response_at   timestamptz,
    resolved_at         timestamptz,
    closed_at           timestamptz,
    last_citizen_at     timestamptz NOT NULL DEFAULT now(), -- for the platforms' reply windows
    extensions          smallint NOT NULL DEFAULT 0,
    merged_into         bigint REFERENCES tickets (id),
    rating              smallint CHECK (rating BETWEEN 1 AND 5),
    rating_comment      text NOT NULL DEFAULT '',
    rated_at            timestamptz,
    reminded_at         timestamptz,
    escalation_level    smallint NOT NULL DEFAULT 0,
    -- the folded words of title and body, kept so a search never refolds a row
    search_vector       tsvector GENERATED ALWAYS AS (ticket_search_vector(title, body)) STORED,
    UNIQUE (channel, external_id),
    CHECK (merged_into IS NULL OR merged_into <> id),
    CHECK (due_at >= created_at)
);
-- The staff queue: open tickets of a department (or a unit) in due order.
CREATE INDEX tickets_queue_department ON tickets (department_id, due_at, id)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');
CREATE INDEX tickets_queue_unit ON tickets (unit_id, due_at, id)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');
-- The queue of many units at once (a province): walked in due order, filtered by unit.
CREATE INDEX tickets_queue_due ON tickets (due_at, id)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');
CREATE INDEX tickets_assignee_open ON tickets (assignee_id, due_at, id)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');
-- Every status, in due order (a queue filtered on closed tickets) and by period (reports).
CREATE INDEX tickets_unit_due ON tickets (unit_id, due_at, id);
CREATE INDEX tickets_unit_created ON tickets (unit_id, created_at);
CREATE INDEX tickets_unit_resolved ON tickets (unit_id, resolved_at) WHERE resolved_at IS NOT NULL;
-- The deadline watch.
CREATE INDEX tickets_due_open ON tickets (due_at)
    WHERE status IN ('new', 'assigned', 'in_progress');
-- A sender's open ticket on a channel (threading follow-ups).
CREATE INDEX tickets_sender_open ON tickets (unit_id, citizen_external_id, created_at DESC)
    WHERE citizen_external_id <> '' AND status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');
-- Diacritic-insensitive search: "den duong" finds "Đèn đường". Full-text indexes of the
-- folded words (a few entries per word, where a trigram index over whole bodies made every
-- insert several times dearer): one over every ticket, and one over the open ones, which the
-- queue searches by default.
CREATE INDEX tickets_search ON tickets USING gin (search_vector);
CREATE INDEX tickets_search_open ON tickets USING gin (search_vector)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_citizen');

-- The timeline: who, when, what, why. Written in the same transaction as the change.
CREATE TABLE ticket_events (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    type        text NOT NULL,
    actor_id    bigint REFERENCES users (id),
    body        text NOT NULL DEFAULT '',
    public      boolean NOT NULL DEFAULT false,
    data        jsonb NOT NULL DEFAULT '{}',
    -- an inbound message that joined an existing ticket: taken once
    channel     text,
    external_id text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id)
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE attachments (
    id           bigserial PRIMARY KEY,
    ticket_id    bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    event_id     bigint REFERENCES ticket_events (id) ON DELETE CASCADE,
    type         text NOT NULL DEFAULT 'file',
    url          text NOT NULL DEFAULT '',
    name         text NOT NULL DEFAULT '',
    content_type text NOT NULL DEFAULT '',
    data         bytea,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_ticket ON attachments (ticket_id);

-- Who read a ticket's personal data, and when (Decree 13/2023).
CREATE TABLE personal_data_access (
    id        bigserial PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id   bigint NOT NULL REFERENCES users (id),
    purpose   text NOT NULL DEFAULT 'view',
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX personal_data_access_ticket ON personal_data_access (ticket_id, at);

-- Open311 API keys, stored hashed.
CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (name <> ''),
    unit_id      bigint REFERENCES units (id),
    key_hash     bytea NOT NULL UNIQUE,
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- Work to do outside the request (replies on channels, e-mail, Zalo to staff).
-- The row commits with the change that asks for it; workers claim rows with
-- FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL,
    ticket_id       bigint REFERENCES tickets (id) ON DELETE CASCADE,
    event_id        bigint REFERENCES ticket_events (id) ON DELETE CASCADE,
    payload         jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_ticket ON outbox (ticket_id);

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ticket_id  bigint REFERENCES tickets (id) ON DELETE CASCADE,
    kind       text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    emailed_at timestamptz,
    UNIQUE (user_id, ticket_id, kind)
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The report archive: scheduled weekly / monthly / quarterly reports and generated ones.
CREATE TABLE reports (
    id          bigserial PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    period      text NOT NULL CHECK (period IN ('week', 'month', 'quarter', 'custom')),
    period_from date NOT NULL,
    period_to   date NOT NULL CHECK (period_to >= period_from),
    header      text NOT NULL DEFAULT 'ubnd' CHECK (header IN ('ubnd', 'dang-uy')),
    summary     jsonb NOT NULL,
    pdf         bytea NOT NULL,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX reports_scheduled ON reports (unit_id, period, period_from, header)
    WHERE period <> 'custom';
CREATE INDEX reports_unit ON reports (unit_id, period_from DESC);

-- Runs of the background jobs, for the metrics and for "once per period" work.
CREATE TABLE job_runs (
    job         text NOT NULL,
    key         text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (job, key)
);

-- Bumped by any change to what the servers cache (units, departments,
-- categories, rules, holidays, kind rules), so every server refreshes its
-- routing tables and calendars within a moment.
CREATE TABLE config_version (
    id      integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version bigint NOT NULL DEFAULT 1
);
INSERT INTO config_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_config_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE config_version SET version = version + 1 WHERE id = 1;
        RETURN NULL;
    END $$;

CREATE TRIGGER units_config AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER departments_config AFTER INSERT OR UPDATE OR DELETE ON departments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER categories_config AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER routing_rules_config AFTER INSERT OR UPDATE OR DELETE ON routing_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER holidays_config AFTER INSERT OR UPDATE OR DELETE ON holidays
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER kind_rules_config AFTER INSERT OR UPDATE OR DELETE ON kind_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();
