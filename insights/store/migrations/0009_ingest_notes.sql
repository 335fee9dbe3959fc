-- What an ingest run skipped, retried or could not get, and why: one sentence each for the
-- user (tokens masked), shown on the Data page beside the run. A run whose notes include an
-- 'incomplete' one (a source it was asked for gave nothing, or only part) ends 'partial',
-- not 'succeeded'.
CREATE TABLE ingest_notes (
    run_id    BIGINT NOT NULL,
    seq       INTEGER NOT NULL,  -- order within the run
    source    VARCHAR NOT NULL,  -- instagram | ads
    object_id VARCHAR,           -- the account, post, story, campaign or report concerned
    kind      VARCHAR NOT NULL,  -- skipped | retried | incomplete | warning
    message   VARCHAR NOT NULL,
    PRIMARY KEY (run_id, seq)
);
