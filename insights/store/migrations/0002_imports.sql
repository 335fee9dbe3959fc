-- CSV imports (Ads Manager and Instagram exports). Each import is one file, written in one
-- transaction; the rows it wrote carry its import_id so it can be removed again. Rows the API
-- wrote have a NULL import_id. Overlaps: the API wins over imports, a newer import over an
-- older one (see insights/importer.py).
CREATE SEQUENCE import_id START 1;

CREATE TABLE imports (
    import_id   BIGINT PRIMARY KEY DEFAULT nextval('import_id'),
    file_name   VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,   -- ads-manager | instagram-posts
    sha256      VARCHAR NOT NULL UNIQUE,
    rows_read   BIGINT NOT NULL,    -- data rows in the file (totals rows excluded)
    rows_written BIGINT NOT NULL,   -- rows written after merging and the API-wins rule
    first_day   DATE,
    last_day    DATE,
    imported_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE ig_accounts ADD COLUMN import_id BIGINT;
ALTER TABLE ig_media ADD COLUMN import_id BIGINT;
ALTER TABLE ad_campaigns ADD COLUMN import_id BIGINT;
ALTER TABLE ad_insights_daily ADD COLUMN import_id BIGINT;
