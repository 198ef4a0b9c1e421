-- A denouncer's identity is the leader's and the handler's alone (Law on Denunciations 2018),
-- and it stays so when a ticket's kind changes: identity_restricted is set once a ticket is a
-- denunciation and never cleared. The identity itself (name, phone, e-mail, address) is kept
-- in identity_sealed, encrypted with CAUNOI_SECRET_KEY (AES-256-GCM, bound to the ticket's
-- tracking code), and the plain columns are emptied. Migration 6, run by the program, seals
-- the identities stored before this version; this one only marks which tickets they are.
ALTER TABLE tickets
    ADD COLUMN identity_restricted boolean NOT NULL DEFAULT false,
    ADD COLUMN identity_sealed bytea;

UPDATE tickets t SET identity_restricted = true
WHERE t.kind = 'denunciation'
   OR EXISTS (SELECT 1 FROM ticket_events e
              WHERE e.ticket_id = t.id AND e.type = 'updated'
                AND e.data->>'field' = 'kind'
                AND (e.data->>'from' = 'denunciation' OR e.data->>'to' = 'denunciation'));
