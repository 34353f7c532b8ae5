-- updplan site database, schema version 6 (SQLite): attributes closer to ConfigMgr's
-- (domain.md §7, §8.1, §8.3, §9): content hashes that raise a package's
-- source version and a deployment package's content version, the package
-- source flag, the advertisement flags, subcollections and the hardware
-- inventory history's age. Every existing row keeps its values; the new
-- columns are null (ConfigMgr's defaults).

ALTER TABLE packages ADD COLUMN content_hash TEXT;
ALTER TABLE packages ADD COLUMN source_flag TEXT CONSTRAINT packages_source_flag CHECK (source_flag IN ('direct', 'compressed', 'local'));
ALTER TABLE deployment_packages ADD COLUMN content_hash TEXT;
ALTER TABLE advertisements ADD COLUMN override_service_windows INTEGER;
ALTER TABLE advertisements ADD COLUMN reboot_outside_service_windows INTEGER;
ALTER TABLE advertisements ADD COLUMN wake_on_lan INTEGER;
ALTER TABLE advertisements ADD COLUMN slow_network INTEGER;
ALTER TABLE advertisements ADD COLUMN no_display INTEGER;
ALTER TABLE hardware_inventories ADD COLUMN delete_aged_history_days INTEGER CONSTRAINT hardware_inventories_delete_aged_history_days CHECK (delete_aged_history_days BETWEEN 1 AND 3650);
ALTER TABLE collections ADD COLUMN parent_collection TEXT;
