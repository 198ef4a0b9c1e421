-- Written in Go (repository/migrate_identities.go, sealStoredIdentities): the identities of the
-- tickets migration 5 marked restricted are encrypted with CAUNOI_SECRET_KEY into
-- identity_sealed and their plain columns emptied. Without the key, this step fails when there is
-- anything to seal and says to set it; this file's text is not run.
SELECT 1;
