-- Ad sets, ads and creatives, and the ad-level insights Meta serves in two separate queries
-- (issue 18). Existing tables keep their meaning: ad_insights_daily stays the campaign level,
-- and the ad-level rows of a campaign add up to it.

-- An ad set as the Marketing API lists it (GET /act_{id}/adsets). Budgets are in the ad
-- account's currency, in its major unit (the API's minor units divided by the currency's
-- offset); targeting_summary is a sentence made from the targeting spec (targeting_json keeps
-- the spec as Meta sent it); attribution_setting is Meta's name for the ad set's windows, e.g.
-- 7d_click_1d_view.
CREATE TABLE ad_sets (
    adset_id            VARCHAR PRIMARY KEY,
    ad_account_id       VARCHAR NOT NULL,
    campaign_id         VARCHAR NOT NULL,
    name                VARCHAR,
    status              VARCHAR,
    effective_status    VARCHAR,
    optimization_goal   VARCHAR,
    billing_event       VARCHAR,
    daily_budget        DECIMAL(18, 2),
    lifetime_budget     DECIMAL(18, 2),
    targeting_summary   VARCHAR,
    targeting_json      VARCHAR,
    attribution_setting VARCHAR,
    start_time          TIMESTAMPTZ,
    end_time            TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ,
    import_id           BIGINT
);

-- An ad (GET /act_{id}/ads): its ad set, campaign and creative.
CREATE TABLE ads (
    ad_id            VARCHAR PRIMARY KEY,
    ad_account_id    VARCHAR NOT NULL,
    adset_id         VARCHAR NOT NULL,
    campaign_id      VARCHAR NOT NULL,
    name             VARCHAR,
    status           VARCHAR,
    effective_status VARCHAR,
    creative_id      VARCHAR,
    updated_at       TIMESTAMPTZ,
    import_id        BIGINT
);

-- An ad's creative (the ads' creative{...} field). thumbnail_url is Meta's CDN link, which
-- expires; thumbnail holds the picture's bytes as the last refresh read them (thumbnail_type
-- its media type), so the pages show it offline and after the link has expired.
CREATE TABLE ad_creatives (
    creative_id       VARCHAR PRIMARY KEY,
    ad_account_id     VARCHAR NOT NULL,
    name              VARCHAR,
    title             VARCHAR,
    body              VARCHAR,
    call_to_action    VARCHAR,   -- Meta's call_to_action type, e.g. SHOP_NOW, SIGN_UP
    destination_url   VARCHAR,
    url_tags          VARCHAR,   -- the query string Meta appends to the destination URL
    thumbnail_url     VARCHAR,
    thumbnail         BLOB,
    thumbnail_type    VARCHAR,   -- e.g. image/png; NULL when no picture could be read
    thumbnail_read_at TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ,
    import_id         BIGINT
);

-- Ad-level insights by day, age and gender (level=ad, breakdowns=age,gender). The figures mean
-- what they mean in ad_insights_daily: conversions and conversion_value count ONE purchase
-- action type, results the campaign's own result; reach is NULL over 13 months back.
CREATE TABLE ad_level_daily (
    ad_account_id    VARCHAR NOT NULL,
    campaign_id      VARCHAR NOT NULL,
    adset_id         VARCHAR NOT NULL,
    ad_id            VARCHAR NOT NULL,
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
    results          BIGINT,
    import_id        BIGINT,
    PRIMARY KEY (ad_id, date, age, gender)
);

-- Ad-level insights by day and placement (level=ad,
-- breakdowns=publisher_platform,platform_position,impression_device): Meta serves them in a
-- query of their own, since age and gender do not combine with placements.
CREATE TABLE ad_level_placement_daily (
    ad_account_id      VARCHAR NOT NULL,
    campaign_id        VARCHAR NOT NULL,
    adset_id           VARCHAR NOT NULL,
    ad_id              VARCHAR NOT NULL,
    date               DATE NOT NULL,
    publisher_platform VARCHAR NOT NULL,   -- facebook, instagram, audience_network, messenger
    platform_position  VARCHAR NOT NULL,   -- feed, instagram_stories, instagram_reels ...
    impression_device  VARCHAR NOT NULL,   -- iphone, android_smartphone, desktop ...
    spend              DECIMAL(18, 2) NOT NULL,
    impressions        BIGINT NOT NULL,
    reach              BIGINT,
    clicks             BIGINT NOT NULL,
    link_clicks        BIGINT NOT NULL,
    conversions        BIGINT NOT NULL,
    conversion_value   DECIMAL(18, 2) NOT NULL,
    results            BIGINT,
    import_id          BIGINT,
    PRIMARY KEY (ad_id, date, publisher_platform, platform_position, impression_device)
);
