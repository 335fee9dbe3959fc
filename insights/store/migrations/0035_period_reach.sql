-- Reach and frequency of whole periods at the campaign, ad set and ad level (issue 18). Meta
-- counts reach as unique people over the period it is asked for (time_increment=all_days over
-- a time_range): a sum of daily reach overstates it, so the pages show reach and frequency only
-- for the periods stored here, as Meta served them, and say so for any other range.
CREATE TABLE ad_period_reach (
    level         VARCHAR NOT NULL,   -- campaign | adset | ad
    object_id     VARCHAR NOT NULL,   -- the campaign, ad set or ad id
    ad_account_id VARCHAR NOT NULL,
    since         DATE NOT NULL,      -- the period, both days included, in the account's time zone
    until         DATE NOT NULL,
    reach         BIGINT NOT NULL,
    impressions   BIGINT NOT NULL,
    frequency     DOUBLE,             -- Meta's frequency for the period (impressions / reach)
    read_at       TIMESTAMPTZ NOT NULL,
    import_id     BIGINT,
    PRIMARY KEY (level, object_id, since, until)
);
