-- The data model of the product (a public SQL contract: names are stable, columns may be added).
-- Ids are strings: Meta's ids exceed 2^53 and are opaque.
CREATE TABLE ig_accounts (
    account_id      VARCHAR PRIMARY KEY,
    username        VARCHAR,
    name            VARCHAR,
    followers_count BIGINT,
    media_count     BIGINT,
    updated_at      TIMESTAMPTZ
);

CREATE TABLE ig_media (
    media_id           VARCHAR PRIMARY KEY,
    account_id         VARCHAR NOT NULL,
    posted_at          TIMESTAMPTZ NOT NULL,
    media_type         VARCHAR,
    media_product_type VARCHAR,
    caption            VARCHAR,
    permalink          VARCHAR,
    like_count         BIGINT,
    comments_count     BIGINT,
    reach              BIGINT,
    views              BIGINT,
    saved              BIGINT,
    shares             BIGINT,
    total_interactions BIGINT,
    updated_at         TIMESTAMPTZ
);

-- follower_count is the number of NEW followers that day, as the API defines it.
CREATE TABLE ig_account_daily (
    account_id     VARCHAR NOT NULL,
    date           DATE NOT NULL,
    reach          BIGINT,
    views          BIGINT,
    follower_count BIGINT,
    profile_views  BIGINT,
    website_clicks BIGINT,
    PRIMARY KEY (account_id, date)
);

CREATE TABLE ad_campaigns (
    campaign_id     VARCHAR PRIMARY KEY,
    ad_account_id   VARCHAR NOT NULL,
    name            VARCHAR,
    objective       VARCHAR,
    status          VARCHAR,
    start_time      TIMESTAMPTZ,
    stop_time       TIMESTAMPTZ,
    daily_budget    DECIMAL(18, 2),
    lifetime_budget DECIMAL(18, 2),
    updated_at      TIMESTAMPTZ
);

-- conversions / conversion_value: the actions / action_values of ONE configured action type.
CREATE TABLE ad_insights_daily (
    ad_account_id    VARCHAR NOT NULL,
    campaign_id      VARCHAR NOT NULL,
    date             DATE NOT NULL,
    age              VARCHAR NOT NULL,
    gender           VARCHAR NOT NULL,
    spend            DECIMAL(18, 2) NOT NULL,
    impressions      BIGINT NOT NULL,
    reach            BIGINT,
    clicks           BIGINT NOT NULL,
    link_clicks      BIGINT NOT NULL,
    conversions      BIGINT NOT NULL,
    conversion_value DECIMAL(18, 2) NOT NULL,
    PRIMARY KEY (campaign_id, date, age, gender)
);

CREATE SEQUENCE ingest_run_id START 1;

CREATE TABLE ingest_runs (
    run_id       BIGINT PRIMARY KEY DEFAULT nextval('ingest_run_id'),
    source       VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,  -- running | succeeded | failed | interrupted
    rows_written BIGINT,
    error        VARCHAR            -- one sentence for the user, tokens masked
);

-- What the ingester needs to resume incrementally, per resource and key (e.g. per account).
CREATE TABLE sync_state (
    resource   VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    value      VARCHAR,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (resource, key)
);
