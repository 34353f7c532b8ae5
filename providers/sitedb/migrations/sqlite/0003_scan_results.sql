-- updplan site database, schema version 3 (SQLite).
-- Compliance data loaded by `updplan inventory import` (domain.md §9, §11):
-- what SMS 2003 clients reported through the Inventory Tool for Microsoft
-- Updates and a hardware inventory cycle (v_GS_PatchStatusEx joined with
-- v_R_System and v_GS_WORKSTATION_STATUS), and the members of collections
-- as v_FullCollectionMembership lists them. Times are UTC in the fixed
-- form 2006-01-02T15:04:05Z, so that text order is time order.

-- One row per client and site: its latest scan and hardware inventory.
CREATE TABLE scan_clients (
    site           TEXT NOT NULL,
    resource_id    INTEGER NOT NULL,
    name           TEXT NOT NULL,
    scanned_at     TEXT NOT NULL,
    inventoried_at TEXT,
    PRIMARY KEY (site, resource_id)
) WITHOUT ROWID;

-- One row per client and update, from the client's latest scan. state is
-- installed, required, not_required, reboot_pending or unknown.
CREATE TABLE scan_results (
    site        TEXT NOT NULL,
    resource_id INTEGER NOT NULL,
    update_id   TEXT NOT NULL,
    bulletin    TEXT NOT NULL,
    article     TEXT NOT NULL,
    title       TEXT NOT NULL,
    state       TEXT NOT NULL,
    scanned_at  TEXT NOT NULL,
    PRIMARY KEY (site, resource_id, update_id)
) WITHOUT ROWID;

-- Members of collections whose membership comes from the site (a query
-- rule updplan cannot evaluate, or a built-in collection such as
-- SMS00001). A collection with declared members uses those instead.
CREATE TABLE collection_members (
    collection_id TEXT NOT NULL,
    resource_id   INTEGER NOT NULL,
    name          TEXT NOT NULL,
    PRIMARY KEY (collection_id, resource_id)
) WITHOUT ROWID;
