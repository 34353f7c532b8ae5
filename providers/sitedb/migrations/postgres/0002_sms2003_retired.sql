-- updplan site database, schema version 2 (PostgreSQL).
-- Deployments whose SMS 2003 settings were turned off. ConfigMgr disables
-- the SMS 2003 program and advertisement for good and never turns them on
-- again (domain.md §10.2); the deployment's own row cannot remember that, so
-- this table does. Written in the same transaction as the deployment's row,
-- removed with the deployment.

CREATE TABLE sms2003_retired (
    deployment_id TEXT PRIMARY KEY,
    retired_at    TIMESTAMPTZ NOT NULL
);
