-- Instagram as the Graph API serves it (issue 17): post pictures, Reels watch time and when each
-- post's insights were last read; the total_value account metrics; stories (kept forever: the
-- API shows them for 24 hours only); a daily follower snapshot; the follower demographics; and
-- the unique reach of whole periods (a sum of daily reach is not reach).

-- media_url / thumbnail_url: Meta CDN links (they expire; a refresh writes new ones).
-- likes: the `likes` insight (present when the owner hides like counts and like_count is NULL).
-- reels_*_watch_time_ms: ig_reels_avg_watch_time / ig_reels_video_view_total_time (Reels only).
-- insights_read_at: when the lifetime insights were last read (refreshed while the post is
-- younger than 90 days, then at least weekly); insights_note: why some are missing.
ALTER TABLE ig_media ADD COLUMN media_url VARCHAR;
ALTER TABLE ig_media ADD COLUMN thumbnail_url VARCHAR;
ALTER TABLE ig_media ADD COLUMN likes BIGINT;
ALTER TABLE ig_media ADD COLUMN reels_avg_watch_time_ms BIGINT;
ALTER TABLE ig_media ADD COLUMN reels_total_watch_time_ms BIGINT;
ALTER TABLE ig_media ADD COLUMN insights_read_at TIMESTAMPTZ;
ALTER TABLE ig_media ADD COLUMN insights_note VARCHAR;

-- accounts_engaged and total_interactions of each day (asked with metric_type=total_value).
ALTER TABLE ig_account_daily ADD COLUMN accounts_engaged BIGINT;
ALTER TABLE ig_account_daily ADD COLUMN total_interactions BIGINT;

-- Stories from /{ig-user-id}/stories, with their lifetime insights as last read while they
-- lived. insights_note says why a story has none (fewer than 5 viewers: Meta gives no data).
CREATE TABLE ig_stories (
    story_id        VARCHAR PRIMARY KEY,
    account_id      VARCHAR NOT NULL,
    posted_at       TIMESTAMPTZ NOT NULL,
    media_type      VARCHAR,
    caption         VARCHAR,
    permalink       VARCHAR,
    media_url       VARCHAR,
    thumbnail_url   VARCHAR,
    reach           BIGINT,
    views           BIGINT,
    replies         BIGINT,
    shares          BIGINT,
    total_interactions BIGINT,
    navigation      BIGINT,   -- every navigation action: the sum of the four below
    taps_forward    BIGINT,
    taps_back       BIGINT,
    exits           BIGINT,
    swipes_forward  BIGINT,
    insights_note   VARCHAR,
    first_seen_at   TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ
);

-- followers_count of the profile, as each refresh saw it (the last refresh of a day wins).
CREATE TABLE ig_follower_snapshots (
    account_id      VARCHAR NOT NULL,
    date            DATE NOT NULL,
    followers_count BIGINT NOT NULL,
    taken_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, date)
);

-- follower_demographics (lifetime) as read on `date`: followers per age, gender, city, country.
CREATE TABLE ig_audience (
    account_id VARCHAR NOT NULL,
    date       DATE NOT NULL,
    breakdown  VARCHAR NOT NULL,  -- age | gender | city | country
    key        VARCHAR NOT NULL,
    followers  BIGINT NOT NULL,
    PRIMARY KEY (account_id, date, breakdown, key)
);

-- Unique accounts reached over a whole period (since..until, both included), asked for that
-- period with metric_type=total_value: what a "Reach" figure of the period may show.
CREATE TABLE ig_account_reach (
    account_id VARCHAR NOT NULL,
    since      DATE NOT NULL,
    until      DATE NOT NULL,
    reach      BIGINT NOT NULL,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (account_id, since, until)
);
