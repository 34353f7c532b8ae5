-- updplan site database, schema version 7 (PostgreSQL).
-- The (update, KB article) pairs of the imported scan rows, kept by
-- inventory import: the compliance of a deployment (its updates named by
-- id or KB article) finds its updates' ids here and reads only their rows
-- of each reported client, by key, instead of every row of the
-- collection's members. A pair may outlive the rows it came from.

CREATE TABLE scan_updates (
    site      TEXT NOT NULL,
    update_id TEXT NOT NULL,
    article   TEXT NOT NULL,
    PRIMARY KEY (site, update_id, article)
);

INSERT INTO scan_updates (site, update_id, article)
SELECT DISTINCT site, update_id, article FROM scan_results;
