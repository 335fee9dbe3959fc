"""The Overview's trend as the page and the report show it: the series of the two metrics at a
grain, their rolling average, the unusual days with what explains them, the days whose ad
figures are still provisional, and the rows a download of the chart holds. Built once here so
the page (insights/ui/overview.py) and the report (insights/render/report.py) show the same
chart. Nothing here imports Streamlit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from insights.figures import anomalies, formatting, metrics, overview
from insights.figures.filters import Filters
from insights.figures.formatting import value as fmt_value
from insights.figures.frames import FrameSource

AVERAGE_DAYS = 7  # the rolling average the day grain can add


@dataclass(frozen=True)
class TrendPanel:
    """What the trend shows. `series` has one row per period with every metric; `averaged`
    the same columns as rolling averages (None without one); `unusual` the unusual days of
    the paid and the organic metric (None where not looked for: a week or month grain)."""

    paid_key: str
    organic_key: str
    grain: str
    series: pd.DataFrame
    averaged: pd.DataFrame | None = None
    unusual: tuple[pd.DataFrame | None, pd.DataFrame | None] = (None, None)
    provisional: tuple[date, date] | None = None
    currencies: list[str | None] = field(default_factory=list)

    @property
    def currency(self) -> str | None:
        """The one currency of the paid figures, or None (unknown, or several)."""
        return self.currencies[0] if len(self.currencies) == 1 else None

    def unusual_notes(self, per_metric: int = 3) -> list[str]:
        """The strongest unusual days of each metric, in words ('Tue 03 Nov: Spend $1,234.00,
        usual $400.00; what explains it')."""
        notes = []
        for days, key in zip(self.unusual, (self.paid_key, self.organic_key), strict=True):
            if days is None:
                continue
            metric = metrics.ALL_METRICS[key]
            money_in = self.currency if key == self.paid_key else None
            strongest = days.reindex(days["z"].abs().sort_values(ascending=False).index)
            for row in strongest.head(per_metric).itertuples():
                why = f"; {row.explanation}" if row.explanation else ""
                notes.append(
                    f"{formatting.day(row.date)}: {metric.label} "
                    f"{fmt_value(row.value, metric.unit, money_in)}, "
                    f"usual {fmt_value(row.usual, metric.unit, money_in)}{why}"
                )
        return notes

    def download(self) -> pd.DataFrame:
        """The chart's rows: the period, both metrics and, with an average, both averages."""
        shown = self.series[["period", self.paid_key, self.organic_key]].rename(
            columns={"period": self.grain}
        )
        if self.averaged is not None:
            for key in (self.paid_key, self.organic_key):
                shown[f"{key}_7day_average"] = self.averaged[key].to_numpy()
        return shown


def trend_panel(
    frames: FrameSource,
    filters: Filters,
    paid_key: str,
    organic_key: str,
    grain: str = "day",
    average: bool = True,
    currency: str | None = overview.ALL_CURRENCIES,
) -> TrendPanel:
    """The trend of `paid_key` and `organic_key` under `filters` at `grain`, with the 7-day
    average (day grain only, when `average`), the unusual days (day grain) and the
    provisional days, from the page computations `frames` gives (the app's cache, or Frames).
    `currency`: the paid figures of the campaigns in that currency only (a view spanning
    currencies draws its money one currency at a time)."""
    window = AVERAGE_DAYS if average and grain == "day" else 0
    if grain == "day":  # one daily history for the chart and its unusual days
        history = frames(overview.trend, anomalies.with_history(filters), "day", currency)
        series = overview.daily_view(history, filters.since, window)
    else:
        series = frames(overview.trend_view, filters, grain, window, currency)
    currencies = list(series.attrs.get("currencies", []))
    averaged = None
    if window and not series.empty:
        rolled = [c for c in series.columns if c.endswith("_avg")]
        averaged = series[["period", *rolled]].rename(columns=lambda c: c.removesuffix("_avg"))
        series = series.drop(columns=rolled)
    unusual: tuple[pd.DataFrame | None, pd.DataFrame | None] = (None, None)
    if grain == "day" and not series.empty:
        # the paid unusual days are judged on every currency's series; a view of one currency
        # of several shows the organic ones only
        every = currency == overview.ALL_CURRENCIES
        unusual = (
            anomalies.unusual_days(frames, filters, paid_key) if every else None,
            anomalies.unusual_days(frames, filters, organic_key, currency),
        )
    settling = frames(anomalies.provisional, filters)
    provisional = None if settling.empty else (settling["since"].iloc[0], settling["until"].iloc[0])
    return TrendPanel(
        paid_key, organic_key, grain, series, averaged, unusual, provisional, currencies
    )


def needs_one_currency(key: str) -> bool:
    """Whether a metric is money or a ratio over money (spend, CPC, ROAS, CPA ...): across
    currencies it has no value, so it is charted one currency at a time."""
    metric = metrics.ALL_METRICS[key]
    return metric.unit == "money" or bool(
        {metric.numerator, metric.denominator} & set(metrics.MONEY_SUMS)
    )
