-- The paid filters, the sales sums and a post's engagement, each written once (issue 20):
-- every paid query calls paid_selected, every sales figure sales_only / sales_sum, and every
-- organic query reads `engagement` and `has_insights` from organic_posts. A macro is expanded
-- where it is called, so the plans (and the speed) are those of the clauses written out.

-- Whether a paid row is in the view: of the listed campaigns, of campaigns with the listed
-- objectives, of the listed age groups and genders (NULL: all). The rollups read without an
-- age or gender filter have NULL in those columns.
CREATE OR REPLACE MACRO paid_selected(cid, age_group, sex, campaign_ids, objectives, ages, genders) AS
    (campaign_ids IS NULL OR list_contains(campaign_ids, cid))
    AND (objectives IS NULL OR cid IN (
        SELECT c.campaign_id FROM ad_campaigns AS c WHERE list_contains(objectives, c.objective)))
    AND (ages IS NULL OR list_contains(ages, age_group))
    AND (genders IS NULL OR list_contains(genders, sex));

-- A figure counted in the sales figures (ROAS, cost per purchase): only where its campaign
-- sells (sells(), migration 0031; a campaign not known counts). sales_sum is NULL, not 0,
-- where no campaign of the rows sells, so a ROAS over them is empty.
CREATE OR REPLACE MACRO sales_only(figure, campaign_sells) AS
    CASE WHEN campaign_sells IS NOT FALSE THEN figure END;
CREATE OR REPLACE MACRO sales_sum(figure, campaign_sells) AS
    sum(sales_only(figure, campaign_sells));

-- The posts the organic filters select (migration 0007), now with each post's engagement
-- (post_engagement, defined with the metrics) and whether it has insights (a reach: only
-- those count in an engagement rate).
CREATE OR REPLACE MACRO organic_posts(since, until, account_ids, media_types) AS TABLE
    SELECT *,
           post_engagement(total_interactions, like_count, likes, comments_count, saved, shares)
               AS engagement,
           reach IS NOT NULL AS has_insights
    FROM ig_media
    WHERE posted_at >= timezone('UTC', since::TIMESTAMP)
      AND posted_at < timezone('UTC', (until + 1)::TIMESTAMP)
      AND (account_ids IS NULL OR list_contains(account_ids, account_id))
      AND (media_types IS NULL OR list_contains(media_types, media_type));
