-- The platforms are the program's registered adapters (channels.Registry, cmd/caunoi/platforms.go),
-- no longer a list in the schema: a channel account's platform is any adapter's name, and adding
-- a platform needs no migration of its own. The administration refuses a platform no adapter serves.
ALTER TABLE channel_accounts DROP CONSTRAINT channel_accounts_platform_check;
ALTER TABLE channel_accounts ADD CONSTRAINT channel_accounts_platform_check
    CHECK (platform ~ '^[a-z][a-z0-9_]{1,31}$');
