-- A counter that every write transaction of the store raises as it commits (Store.transaction):
-- the key that tells the pages' caches the data changed. A run's id cannot be that key: an
-- import that commits while a refresh is fetching has the higher id but the older data.
CREATE TABLE store_version (
    one     BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
    version BIGINT NOT NULL
);
INSERT INTO store_version VALUES (true, 1);
