-- Money and results by ad account and objective (issue 16, the display side).
--
-- sells(result_type): whether a campaign's spend counts in a ROAS and a cost per purchase.
-- Only campaigns judged on purchases report the conversion value a ROAS divides; a lead,
-- traffic or awareness campaign's spend would only drag it down. A campaign whose result type
-- is not known (an import without an objective) keeps counting, as before results were kept.
CREATE MACRO sells(result_type) AS coalesce(result_type, 'purchase') = 'purchase';

-- Each campaign with what its figures are in: its ad account's currency (NULL when the
-- account is not known: an import that did not name it) and the result it is judged on.
-- Every paid query joins it, so money is summed within one currency only.
CREATE VIEW ad_campaign_values AS
SELECT
    c.campaign_id,
    c.ad_account_id,
    a.currency,
    c.result_type,
    sells(c.result_type) AS sells
FROM ad_campaigns AS c
LEFT JOIN ad_accounts AS a USING (ad_account_id);

-- figure_changes gains the currency of the figures that moved: a day's figures are compared
-- per currency (two accounts' spend is never one figure). '' where the currency is not known;
-- rows kept before this migration get the store's one currency when it has exactly one.
CREATE TABLE figure_changes_by_currency (
    run_id   BIGINT NOT NULL,
    date     DATE NOT NULL,
    currency VARCHAR NOT NULL DEFAULT '',  -- ISO 4217 code of the figures, '' when not known
    metric   VARCHAR NOT NULL,             -- spend | conversions | conversion_value | roas | cpa
    before   DOUBLE,
    after    DOUBLE,
    PRIMARY KEY (run_id, date, currency, metric)
);
INSERT INTO figure_changes_by_currency
SELECT run_id, date,
       coalesce((SELECT any_value(currency) FROM ad_accounts
                 HAVING count(DISTINCT currency) = 1 AND count(*) = count(currency)), ''),
       metric, before, after
FROM figure_changes;
DROP TABLE figure_changes;
ALTER TABLE figure_changes_by_currency RENAME TO figure_changes;
