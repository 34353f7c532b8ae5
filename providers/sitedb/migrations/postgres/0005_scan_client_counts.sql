-- updplan site database, schema version 5 (PostgreSQL).
-- Each client's rows per state, kept with its latest scan by inventory
-- import, so that the compliance of a collection (reports, the
-- data "compliance" source) sums one row per member instead of reading
-- every (client, update) row.

ALTER TABLE scan_clients ADD COLUMN installed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scan_clients ADD COLUMN required BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scan_clients ADD COLUMN reboot_pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scan_clients ADD COLUMN not_required BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scan_clients ADD COLUMN unknown BIGINT NOT NULL DEFAULT 0;

UPDATE scan_clients SET (installed, required, reboot_pending, not_required, unknown) = (
    SELECT COALESCE(SUM(CASE WHEN r.state = 'installed' THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN r.state = 'required' THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN r.state = 'reboot_pending' THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN r.state = 'not_required' THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN r.state = 'unknown' THEN 1 ELSE 0 END), 0)
    FROM scan_results r WHERE r.site = scan_clients.site AND r.resource_id = scan_clients.resource_id);
