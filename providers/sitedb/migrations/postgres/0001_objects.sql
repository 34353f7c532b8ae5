-- updplan site database, schema version 1 (PostgreSQL).
-- Every object table: id (the ConfigMgr key), owner (the updplan address that
-- manages the row, NULL for rows made outside updplan), then one column per
-- attribute. Sets and nested blocks are JSON text.

CREATE TABLE updplan_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO updplan_meta (key, value) VALUES ('application', 'updplan-sitedb');

CREATE TABLE updplan_migrations (
    version    BIGINT PRIMARY KEY,
    applied_at TEXT NOT NULL
);

CREATE TABLE id_counter (
    site       TEXT PRIMARY KEY,
    next_value BIGINT NOT NULL
);

CREATE TABLE sites (
    id           TEXT PRIMARY KEY,
    owner        TEXT,
    name         TEXT NOT NULL,
    server       TEXT NOT NULL,
    parent       TEXT,
    install_dir  TEXT,
    admins_group TEXT
);
CREATE INDEX sites_owner ON sites (owner);

CREATE TABLE collections (
    id               TEXT PRIMARY KEY,
    owner            TEXT,
    site             TEXT NOT NULL,
    name             TEXT NOT NULL,
    comment          TEXT,
    members          TEXT,
    query            TEXT,
    refresh          TEXT,
    refresh_schedule TEXT
);
CREATE INDEX collections_owner ON collections (owner);
CREATE INDEX collections_site_name ON collections (site, name);

CREATE TABLE packages (
    id               TEXT PRIMARY KEY,
    owner            TEXT,
    site             TEXT NOT NULL,
    name             TEXT NOT NULL,
    version          TEXT,
    manufacturer     TEXT,
    language         TEXT,
    description      TEXT,
    source_path      TEXT,
    priority         TEXT,
    share_name       TEXT,
    distribute_to    TEXT,
    refresh_schedule TEXT,
    source_version   BIGINT
);
CREATE INDEX packages_owner ON packages (owner);
CREATE INDEX packages_source_path ON packages (source_path);

CREATE TABLE programs (
    id                TEXT PRIMARY KEY,
    owner             TEXT,
    package           TEXT NOT NULL,
    name              TEXT NOT NULL,
    command_line      TEXT NOT NULL,
    working_directory TEXT,
    run_mode          TEXT,
    admin_rights      BIGINT,
    max_run_minutes   BIGINT,
    disk_space        TEXT,
    dependent_program TEXT,
    platforms         TEXT,
    disabled          BIGINT
);
CREATE INDEX programs_owner ON programs (owner);
CREATE INDEX programs_package_name ON programs (package, name);

CREATE TABLE advertisements (
    id                     TEXT PRIMARY KEY,
    owner                  TEXT,
    site                   TEXT NOT NULL,
    name                   TEXT NOT NULL,
    collection             TEXT NOT NULL,
    package                TEXT NOT NULL,
    program                TEXT NOT NULL,
    include_subcollections BIGINT,
    available_after        TEXT,
    expires_at             TEXT,
    schedule               TEXT,
    rerun                  TEXT,
    local_dp               TEXT,
    remote_dp              TEXT,
    priority               TEXT,
    enabled                BIGINT
);
CREATE INDEX advertisements_owner ON advertisements (owner);

CREATE TABLE distribution_points (
    id           TEXT PRIMARY KEY,
    owner        TEXT,
    site         TEXT NOT NULL,
    server       TEXT NOT NULL,
    kind         TEXT,
    share        TEXT,
    content_path TEXT
);
CREATE INDEX distribution_points_owner ON distribution_points (owner);

CREATE TABLE sync_hosts (
    id              TEXT PRIMARY KEY,
    owner           TEXT,
    site            TEXT NOT NULL,
    computer        TEXT NOT NULL,
    mode            TEXT,
    internet_access BIGINT,
    collection      TEXT
);
CREATE INDEX sync_hosts_owner ON sync_hosts (owner);

CREATE TABLE hardware_inventories (
    id       TEXT PRIMARY KEY,
    owner    TEXT,
    schedule TEXT
);
CREATE INDEX hardware_inventories_owner ON hardware_inventories (owner);

CREATE TABLE deployment_packages (
    id              TEXT PRIMARY KEY,
    owner           TEXT,
    site            TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    source_path     TEXT NOT NULL,
    priority        TEXT,
    binary_delta    BIGINT,
    distribute_to   TEXT,
    content_version BIGINT
);
CREATE INDEX deployment_packages_owner ON deployment_packages (owner);
CREATE INDEX deployment_packages_source_path ON deployment_packages (source_path);

CREATE TABLE deployments (
    id                             TEXT PRIMARY KEY,
    owner                          TEXT,
    site                           TEXT NOT NULL,
    name                           TEXT NOT NULL,
    description                    TEXT,
    updates                        TEXT NOT NULL,
    collection                     TEXT NOT NULL,
    package                        TEXT,
    start_time                     TEXT NOT NULL,
    deadline                       TEXT,
    action                         TEXT,
    notify_user                    BIGINT,
    suppress_reboot                TEXT,
    override_service_windows       BIGINT,
    reboot_outside_service_windows BIGINT,
    allow_irreversible             BIGINT,
    sms2003                        TEXT
);
CREATE INDEX deployments_owner ON deployments (owner);
