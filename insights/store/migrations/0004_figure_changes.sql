-- Past daily paid figures that a refresh changed (conversions attributed late, corrections),
-- so the Data page can say after each refresh what moved: one row per run, day and metric.
CREATE TABLE figure_changes (
    run_id BIGINT NOT NULL,
    date   DATE NOT NULL,
    metric VARCHAR NOT NULL,   -- spend | conversions | conversion_value | roas | cpa
    before DOUBLE,
    after  DOUBLE,
    PRIMARY KEY (run_id, date, metric)
);
