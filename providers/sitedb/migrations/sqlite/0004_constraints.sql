-- updplan site database, schema version 4 (SQLite): the site database holds
-- the rules the SMS Provider holds (domain.md §2, §6, §7, §8, §10), so
-- nothing below the engine accepts what ConfigMgr would refuse.
--   * foreign keys: a program's package, an advertisement's program (in its
--     package), a site's parent, a sync host's collection, a deployment's
--     deployment package; a row that is still referred to cannot be deleted.
--   * UNIQUE: collection names per site, program names per package,
--     deployment package names and source folders, package share names,
--     custom distribution point shares.
--   * CHECK: site codes and names, enumerations, the deployment package's
--     name (50) and description (127) lengths.
-- SQLite adds constraints only by rebuilding a table: each table is copied
-- into a new one and renamed, keeping every row. updplan runs this with
-- foreign key enforcement off, as SQLite's documented procedure for schema
-- changes asks, and checks the foreign keys (PRAGMA foreign_key_check)
-- before it commits. Site and collection references are checked at plan
-- time instead (a site or collection may be made outside updplan, and the
-- built-in collections such as SMS00001 are in no table).

CREATE TABLE sites_new (
    id           TEXT PRIMARY KEY CONSTRAINT sites_code CHECK (length(id) = 3 AND id NOT GLOB '*[^A-Z0-9]*' AND id NOT IN ('AUX', 'CON', 'NUL', 'PRN', 'COM', 'LPT')),
    owner        TEXT,
    name         TEXT NOT NULL CONSTRAINT sites_name CHECK (name <> '' AND name NOT GLOB '*[^A-Za-z0-9-]*'),
    server       TEXT NOT NULL,
    parent       TEXT CONSTRAINT sites_parent_fk REFERENCES sites (id),
    install_dir  TEXT,
    admins_group TEXT
);
INSERT INTO sites_new SELECT id, owner, name, server, parent, install_dir, admins_group FROM sites;
DROP TABLE sites;
ALTER TABLE sites_new RENAME TO sites;
CREATE INDEX sites_owner ON sites (owner);
CREATE INDEX sites_parent ON sites (parent);

CREATE TABLE collections_new (
    id               TEXT PRIMARY KEY,
    owner            TEXT,
    site             TEXT NOT NULL,
    name             TEXT NOT NULL,
    comment          TEXT,
    members          TEXT,
    query            TEXT,
    refresh          TEXT CONSTRAINT collections_refresh CHECK (refresh IN ('manual', 'periodic')),
    refresh_schedule TEXT
);
INSERT INTO collections_new SELECT id, owner, site, name, comment, members, query, refresh, refresh_schedule FROM collections;
DROP TABLE collections;
ALTER TABLE collections_new RENAME TO collections;
CREATE INDEX collections_owner ON collections (owner);
CREATE UNIQUE INDEX collections_site_name ON collections (site, name);

CREATE TABLE packages_new (
    id               TEXT PRIMARY KEY,
    owner            TEXT,
    site             TEXT NOT NULL,
    name             TEXT NOT NULL,
    version          TEXT,
    manufacturer     TEXT,
    language         TEXT,
    description      TEXT,
    source_path      TEXT,
    priority         TEXT CONSTRAINT packages_priority CHECK (priority IN ('high', 'normal', 'low')),
    share_name       TEXT,
    distribute_to    TEXT,
    refresh_schedule TEXT,
    source_version   INTEGER CONSTRAINT packages_source_version CHECK (source_version >= 1)
);
INSERT INTO packages_new SELECT id, owner, site, name, version, manufacturer, language, description, source_path, priority, share_name, distribute_to, refresh_schedule, source_version FROM packages;
DROP TABLE packages;
ALTER TABLE packages_new RENAME TO packages;
CREATE INDEX packages_owner ON packages (owner);
CREATE INDEX packages_source_path ON packages (source_path);
CREATE UNIQUE INDEX packages_share_name ON packages (lower(share_name)) WHERE share_name IS NOT NULL;

CREATE TABLE programs_new (
    id                TEXT PRIMARY KEY,
    owner             TEXT,
    package           TEXT NOT NULL CONSTRAINT programs_package_fk REFERENCES packages (id),
    name              TEXT NOT NULL,
    command_line      TEXT NOT NULL,
    working_directory TEXT,
    run_mode          TEXT CONSTRAINT programs_run_mode CHECK (run_mode IN ('whether_or_not_user_logged_on', 'only_when_user_logged_on', 'only_when_no_user_logged_on')),
    admin_rights      INTEGER,
    max_run_minutes   INTEGER CONSTRAINT programs_max_run_minutes CHECK (max_run_minutes BETWEEN 1 AND 43200),
    disk_space        TEXT,
    dependent_program TEXT,
    platforms         TEXT,
    disabled          INTEGER
);
INSERT INTO programs_new SELECT id, owner, package, name, command_line, working_directory, run_mode, admin_rights, max_run_minutes, disk_space, dependent_program, platforms, disabled FROM programs;
DROP TABLE programs;
ALTER TABLE programs_new RENAME TO programs;
CREATE INDEX programs_owner ON programs (owner);
CREATE UNIQUE INDEX programs_package_name ON programs (package, name);

CREATE TABLE advertisements_new (
    id                     TEXT PRIMARY KEY,
    owner                  TEXT,
    site                   TEXT NOT NULL,
    name                   TEXT NOT NULL,
    collection             TEXT NOT NULL,
    package                TEXT NOT NULL,
    program                TEXT NOT NULL,
    include_subcollections INTEGER,
    available_after        TEXT,
    expires_at             TEXT,
    schedule               TEXT,
    rerun                  TEXT CONSTRAINT advertisements_rerun CHECK (rerun IN ('always', 'never', 'if_failed', 'if_succeeded')),
    local_dp               TEXT CONSTRAINT advertisements_local_dp CHECK (local_dp IN ('download', 'run_from_dp')),
    remote_dp              TEXT CONSTRAINT advertisements_remote_dp CHECK (remote_dp IN ('dont_run', 'download', 'run_from_dp')),
    priority               TEXT CONSTRAINT advertisements_priority CHECK (priority IN ('high', 'normal', 'low')),
    enabled                INTEGER,
    CONSTRAINT advertisements_program_fk FOREIGN KEY (package, program) REFERENCES programs (package, name)
);
INSERT INTO advertisements_new SELECT id, owner, site, name, collection, package, program, include_subcollections, available_after, expires_at, schedule, rerun, local_dp, remote_dp, priority, enabled FROM advertisements;
DROP TABLE advertisements;
ALTER TABLE advertisements_new RENAME TO advertisements;
CREATE INDEX advertisements_owner ON advertisements (owner);
CREATE INDEX advertisements_program ON advertisements (package, program);

CREATE TABLE distribution_points_new (
    id           TEXT PRIMARY KEY,
    owner        TEXT,
    site         TEXT NOT NULL,
    server       TEXT NOT NULL,
    kind         TEXT CONSTRAINT distribution_points_kind CHECK (kind IN ('server', 'server_share')),
    share        TEXT,
    content_path TEXT
);
INSERT INTO distribution_points_new SELECT id, owner, site, server, kind, share, content_path FROM distribution_points;
DROP TABLE distribution_points;
ALTER TABLE distribution_points_new RENAME TO distribution_points;
CREATE INDEX distribution_points_owner ON distribution_points (owner);
CREATE UNIQUE INDEX distribution_points_share ON distribution_points (lower(share)) WHERE share IS NOT NULL AND upper(share) NOT GLOB 'SMSPKG[A-Z]$';

CREATE TABLE sync_hosts_new (
    id              TEXT PRIMARY KEY,
    owner           TEXT,
    site            TEXT NOT NULL,
    computer        TEXT NOT NULL,
    mode            TEXT CONSTRAINT sync_hosts_mode CHECK (mode IN ('interactive', 'unattended')),
    internet_access INTEGER,
    collection      TEXT CONSTRAINT sync_hosts_collection_fk REFERENCES collections (id)
);
INSERT INTO sync_hosts_new SELECT id, owner, site, computer, mode, internet_access, collection FROM sync_hosts;
DROP TABLE sync_hosts;
ALTER TABLE sync_hosts_new RENAME TO sync_hosts;
CREATE INDEX sync_hosts_owner ON sync_hosts (owner);
CREATE INDEX sync_hosts_collection ON sync_hosts (collection);

CREATE TABLE deployment_packages_new (
    id              TEXT PRIMARY KEY,
    owner           TEXT,
    site            TEXT NOT NULL,
    name            TEXT NOT NULL CONSTRAINT deployment_packages_name CHECK (length(name) BETWEEN 1 AND 50),
    description     TEXT CONSTRAINT deployment_packages_description CHECK (length(description) <= 127),
    source_path     TEXT NOT NULL,
    priority        TEXT CONSTRAINT deployment_packages_priority CHECK (priority IN ('high', 'normal', 'low')),
    binary_delta    INTEGER,
    distribute_to   TEXT,
    content_version INTEGER CONSTRAINT deployment_packages_content_version CHECK (content_version >= 1)
);
INSERT INTO deployment_packages_new SELECT id, owner, site, name, description, source_path, priority, binary_delta, distribute_to, content_version FROM deployment_packages;
DROP TABLE deployment_packages;
ALTER TABLE deployment_packages_new RENAME TO deployment_packages;
CREATE INDEX deployment_packages_owner ON deployment_packages (owner);
CREATE UNIQUE INDEX deployment_packages_name ON deployment_packages (name);
CREATE UNIQUE INDEX deployment_packages_source_path ON deployment_packages (lower(source_path));

CREATE TABLE deployments_new (
    id                             TEXT PRIMARY KEY,
    owner                          TEXT,
    site                           TEXT NOT NULL,
    name                           TEXT NOT NULL,
    description                    TEXT,
    updates                        TEXT NOT NULL,
    collection                     TEXT NOT NULL,
    package                        TEXT CONSTRAINT deployments_package_fk REFERENCES deployment_packages (id),
    start_time                     TEXT NOT NULL,
    deadline                       TEXT,
    action                         TEXT CONSTRAINT deployments_action CHECK (action IN ('install', 'detect')),
    notify_user                    INTEGER,
    suppress_reboot                TEXT,
    override_service_windows       INTEGER,
    reboot_outside_service_windows INTEGER,
    allow_irreversible             INTEGER,
    sms2003                        TEXT
);
INSERT INTO deployments_new SELECT id, owner, site, name, description, updates, collection, package, start_time, deadline, action, notify_user, suppress_reboot, override_service_windows, reboot_outside_service_windows, allow_irreversible, sms2003 FROM deployments;
DROP TABLE deployments;
ALTER TABLE deployments_new RENAME TO deployments;
CREATE INDEX deployments_owner ON deployments (owner);
CREATE INDEX deployments_package ON deployments (package);
