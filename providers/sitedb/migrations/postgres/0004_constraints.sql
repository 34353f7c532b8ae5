-- updplan site database, schema version 4 (PostgreSQL): the site database
-- holds the rules the SMS Provider holds (domain.md §2, §6, §7, §8, §10), so
-- nothing below the engine accepts what ConfigMgr would refuse.
--   * foreign keys: a program's package, an advertisement's program (in its
--     package), a site's parent, a sync host's collection, a deployment's
--     deployment package; a row that is still referred to cannot be deleted.
--   * UNIQUE: collection names per site, program names per package,
--     deployment package names and source folders, package share names,
--     custom distribution point shares.
--   * CHECK: site codes and names, enumerations, the deployment package's
--     name (50) and description (127) lengths.
-- Foreign keys and checks are added NOT VALID: every row already in the
-- database is kept as it is, and every row written from now on is checked.
-- Site and collection references are checked at plan time instead (a site
-- or collection may be made outside updplan, and the built-in collections
-- such as SMS00001 are in no table).

ALTER TABLE sites
    ADD CONSTRAINT sites_code CHECK (length(id) = 3 AND id ~ '^[A-Z0-9]{3}$' AND id NOT IN ('AUX', 'CON', 'NUL', 'PRN', 'COM', 'LPT')) NOT VALID,
    ADD CONSTRAINT sites_name CHECK (name ~ '^[A-Za-z0-9-]+$') NOT VALID,
    ADD CONSTRAINT sites_parent_fk FOREIGN KEY (parent) REFERENCES sites (id) NOT VALID;
CREATE INDEX sites_parent ON sites (parent);

ALTER TABLE collections
    ADD CONSTRAINT collections_refresh CHECK (refresh IN ('manual', 'periodic')) NOT VALID;
DROP INDEX collections_site_name;
CREATE UNIQUE INDEX collections_site_name ON collections (site, name);

ALTER TABLE packages
    ADD CONSTRAINT packages_priority CHECK (priority IN ('high', 'normal', 'low')) NOT VALID,
    ADD CONSTRAINT packages_source_version CHECK (source_version >= 1) NOT VALID;
CREATE UNIQUE INDEX packages_share_name ON packages (lower(share_name)) WHERE share_name IS NOT NULL;

DROP INDEX programs_package_name;
CREATE UNIQUE INDEX programs_package_name ON programs (package, name);
ALTER TABLE programs
    ADD CONSTRAINT programs_package_fk FOREIGN KEY (package) REFERENCES packages (id) NOT VALID,
    ADD CONSTRAINT programs_run_mode CHECK (run_mode IN ('whether_or_not_user_logged_on', 'only_when_user_logged_on', 'only_when_no_user_logged_on')) NOT VALID,
    ADD CONSTRAINT programs_max_run_minutes CHECK (max_run_minutes BETWEEN 1 AND 43200) NOT VALID,
    ADD CONSTRAINT programs_package_name_key UNIQUE USING INDEX programs_package_name;

ALTER TABLE advertisements
    ADD CONSTRAINT advertisements_rerun CHECK (rerun IN ('always', 'never', 'if_failed', 'if_succeeded')) NOT VALID,
    ADD CONSTRAINT advertisements_local_dp CHECK (local_dp IN ('download', 'run_from_dp')) NOT VALID,
    ADD CONSTRAINT advertisements_remote_dp CHECK (remote_dp IN ('dont_run', 'download', 'run_from_dp')) NOT VALID,
    ADD CONSTRAINT advertisements_priority CHECK (priority IN ('high', 'normal', 'low')) NOT VALID,
    ADD CONSTRAINT advertisements_program_fk FOREIGN KEY (package, program) REFERENCES programs (package, name) NOT VALID;
CREATE INDEX advertisements_program ON advertisements (package, program);

ALTER TABLE distribution_points
    ADD CONSTRAINT distribution_points_kind CHECK (kind IN ('server', 'server_share')) NOT VALID;
CREATE UNIQUE INDEX distribution_points_share ON distribution_points (lower(share)) WHERE share IS NOT NULL AND upper(share) !~ '^SMSPKG[A-Z]\$$';

ALTER TABLE sync_hosts
    ADD CONSTRAINT sync_hosts_mode CHECK (mode IN ('interactive', 'unattended')) NOT VALID,
    ADD CONSTRAINT sync_hosts_collection_fk FOREIGN KEY (collection) REFERENCES collections (id) NOT VALID;
CREATE INDEX sync_hosts_collection ON sync_hosts (collection);

ALTER TABLE deployment_packages
    ADD CONSTRAINT deployment_packages_name CHECK (length(name) BETWEEN 1 AND 50) NOT VALID,
    ADD CONSTRAINT deployment_packages_description CHECK (length(description) <= 127) NOT VALID,
    ADD CONSTRAINT deployment_packages_priority CHECK (priority IN ('high', 'normal', 'low')) NOT VALID,
    ADD CONSTRAINT deployment_packages_content_version CHECK (content_version >= 1) NOT VALID;
CREATE UNIQUE INDEX deployment_packages_name ON deployment_packages (name);
DROP INDEX deployment_packages_source_path;
CREATE UNIQUE INDEX deployment_packages_source_path ON deployment_packages (lower(source_path));

ALTER TABLE deployments
    ADD CONSTRAINT deployments_action CHECK (action IN ('install', 'detect')) NOT VALID,
    ADD CONSTRAINT deployments_package_fk FOREIGN KEY (package) REFERENCES deployment_packages (id) NOT VALID;
CREATE INDEX deployments_package ON deployments (package);
