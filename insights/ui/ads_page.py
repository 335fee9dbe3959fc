"""Ads: campaign -> ad set -> ad, each level with the campaign table's KPI columns and its
totals; the creatives of the view ranked by a chosen metric; and where the ads ran
(placements). The level and the picked campaign and ad set are kept in the URL."""

from __future__ import annotations

import base64
import math
from typing import Any

import pandas as pd
import streamlit as st

from insights.figures import ad_drill, campaigns, fatigue, metrics, money
from insights.figures.ad_drill import Level
from insights.figures.filters import Filters
from insights.render import ad_charts
from insights.ui import campaign_grid, columns, context, fmt_table
from insights.ui import filters as global_filters
from insights.ui import format as fmt
from insights.ui.refresh import refresh_panel, start_if_empty
from insights.ui.text import md
from insights.ui.view_state import ViewControl
from insights.ui.widgets import csv_download

ALL = ""  # the pickers' "all campaigns" / "all ad sets"
LEVELS = {"campaign": "Campaigns", "adset": "Ad sets", "ad": "Ads"}
LEVEL = ViewControl("ads_level", "level", tuple(LEVELS), "adset", what="level")
RANK = ViewControl(
    "ads_rank", "rank", tuple(ad_drill.CREATIVE_RANKS), "spend", what="creative ranking"
)
PLACEMENT_METRICS = ("spend", "impressions", "ctr", "cpc", "cpm", "cpa", "roas", "conversions")
PLACEMENT_METRIC = ViewControl(
    "ads_place_metric", "place", PLACEMENT_METRICS, "spend", what="placement metric"
)


def render() -> None:
    """The Ads page."""
    if start_if_empty():
        refresh_panel(divider=False)
        st.title("Ads")
        st.info("The demo data is being loaded (see the sidebar); ads appear when saved.")
        return
    filters = global_filters.current()
    refresh_panel()
    st.title("Ads")
    objects = context.options()["ad_sets"]
    if objects.empty:
        st.info(
            "No ad sets or ads in the store yet. A refresh reads them from the Marketing API; "
            "an Ads Manager export by ad set or by ad (Data page) keeps them too. A campaign "
            "export has campaigns only: see them on the Campaigns page."
        )
        return
    level, campaign, adset = _scope(objects, filters)
    # what the creatives and placements need, asked of the store while the level table is
    # computed (see context.prefetch)
    context.prefetch(
        (ad_drill.ad_table, filters, campaign, adset),
        (fatigue.ad_fatigue, filters),
        (ad_drill.placements, filters, campaign, adset, None),
    )
    table = _level_table(filters, level, campaign, adset)
    if table.empty:
        st.info(
            "No ad delivered in this period under the current filters and picks. Widen the "
            "date range, clear some filters or pick another campaign."
        )
        return
    _table(table, filters, level, campaign, adset)
    _creatives(filters, campaign, adset)
    _placements(filters, campaign, adset)


def _picker(key: str, url_key: str, options: list[str], what: str) -> ViewControl:
    """A picker whose options change with the view: a kept value it no longer offers (an ad
    set of another campaign) falls back to 'all' before it is drawn."""
    control = ViewControl(key, url_key, options, ALL, what=what)
    state = st.session_state
    if key in state and state[key] not in options:
        del state[key]
        state.pop(f"_kept_{key}", None)
    return control


def _scope(objects: pd.DataFrame, filters: Filters) -> tuple[Level | str, str | None, str | None]:
    """The level shown and the campaign and ad set it is narrowed to (None: all)."""
    if filters.campaign_ids:  # the sidebar's campaign filter narrows what can be picked
        objects = objects[objects["campaign_id"].isin(filters.campaign_ids)]
    campaign_names = dict(zip(objects["campaign_id"], objects["campaign_name"], strict=True))
    LEVEL.seed()
    level = LEVEL.keep(
        st.segmented_control("Level", list(LEVELS), key=LEVEL.key, format_func=LEVELS.__getitem__)
    )
    middle, right = st.columns(2)
    picked_campaign = _picker("ads_campaign", "campaign", [ALL, *campaign_names], "campaign")
    campaign = picked_campaign.selectbox(
        middle,
        "Drill into campaign",
        lambda cid: "All campaigns" if cid == ALL else campaign_names.get(cid, cid),
    )
    in_campaign = objects if campaign == ALL else objects[objects["campaign_id"] == campaign]
    adset_names = dict(zip(in_campaign["adset_id"], in_campaign["adset_name"], strict=True))
    picked_adset = _picker("ads_adset", "adset", [ALL, *adset_names], "ad set")
    adset = picked_adset.selectbox(
        right,
        "Drill into ad set",
        lambda aid: "All ad sets" if aid == ALL else adset_names.get(aid, aid),
    )
    if level == "campaign" and campaign != ALL:
        level = "adset"  # a picked campaign is drilled into: its ad sets
    if level == "adset" and adset != ALL:
        level = "ad"  # a picked ad set: its ads
    trail = ["All campaigns" if campaign == ALL else campaign_names.get(campaign, campaign)]
    if adset != ALL:
        trail.append(adset_names.get(adset, adset))
    st.caption(
        md(" › ".join(trail))
        + f" · showing **{LEVELS[level].lower()}**. Pick a campaign to see its ad sets, an "
        "ad set to see its ads."
    )
    return level, campaign or None, adset or None


def _level_table(
    filters: Filters, level: str, campaign: str | None, adset: str | None
) -> pd.DataFrame:
    if level == "campaign":
        return context.frame(ad_drill.campaign_level_table, filters)
    if level == "adset":
        return context.frame(ad_drill.ad_set_table, filters, campaign)
    return context.frame(ad_drill.ad_table, filters, campaign, adset)


def _columns(level: str) -> dict[str, str]:
    return ad_drill.level_columns(level)  # type: ignore[arg-type]


def _table(
    table: pd.DataFrame, filters: Filters, level: str, campaign: str | None, adset: str | None
) -> None:
    st.subheader(f"{LEVELS[level]} ({len(table)})")
    total_table = ad_drill.totals(table, level)  # type: ignore[arg-type]
    columns = _columns(level)
    budgets = level in ("campaign", "adset")
    shown = {
        "campaign": lambda: context.figure_key(ad_drill.campaign_level_table, filters),
        "adset": lambda: context.figure_key(ad_drill.ad_set_table, filters, campaign),
        "ad": lambda: context.figure_key(ad_drill.ad_table, filters, campaign, adset),
    }[level]()
    campaign_grid.campaign_grid(
        table,
        total_table,
        key=f"ads_grid_{level}",
        budgets=budgets,
        figures=shown,
        columns=columns,
    )
    notes = [
        "Click a column header to sort (a metric: highest first); the total stays at the "
        "bottom. Results are what each campaign's objective seeks; CPA and ROAS are taken "
        "over the campaigns that sell."
    ]
    if level != "campaign":
        notes.append(
            "The figures are Meta's ad-level insights: a campaign's ad sets and ads add up to "
            "its figures on the Campaigns page."
        )
    if budgets:
        notes.append(
            "A budget stands on the ad set, or on the campaign where Meta shares it across its "
            "ad sets (Advantage campaign budget)."
        )
    note = context.frame(ad_drill.reach_note, filters)
    if not note.empty:
        notes.append(str(note.iloc[0]["note"]))
    else:
        notes.append(
            "Reach and frequency are Meta's counts of people for the whole period (a total "
            "row has none: people reached by several ads are one person)."
        )
    st.caption(" ".join(notes))
    csv_download(
        f"Download {LEVELS[level].lower()} table (CSV)",
        lambda: fmt_table.campaign_download(table, total_table, budgets=budgets, columns=columns),
        f"{level}s_{filters.since}_{filters.until}.csv",
        f"ads_{level}_csv",
    )


# -- creatives ---------------------------------------------------------------------------------


def _creatives(filters: Filters, campaign: str | None, adset: str | None) -> None:
    st.subheader("Creatives")
    left, _ = st.columns([2, 5])
    rank = RANK.selectbox(left, "Rank by", ad_drill.CREATIVE_RANKS.__getitem__)
    cards = ad_drill.creative_grid(context.frame, filters, campaign, adset, rank)
    if cards.empty:
        st.info("No ad delivered in this period under the current filters.")
        return
    tiring = set(cards.loc[cards["tiring"].fillna(False).astype(bool), "ad_id"])
    for start in range(0, len(cards), 4):
        row = st.columns(4)
        for column, card in zip(row, cards.iloc[start : start + 4].itertuples(), strict=False):
            with column.container(border=True):
                _card(card, card.ad_id in tiring)
    shown = len(cards)
    st.caption(
        f"The {shown} ads of the view ranked by {ad_drill.CREATIVE_RANKS[rank]} "
        f"({'lowest' if rank == 'cpa' else 'highest'} first; an ad without the figure last). "
        "Pictures are the copies the last refresh kept, so they show offline and after Meta's "
        "links expire. Tiring: the people reached see the ad more often each week while "
        "fewer of them click (see the sample under each)."
    )
    out = cards[["ad_name", "adset_name", "campaign_name", "title", "call_to_action"]].copy()
    out["destination_url"] = [
        _destination(u, t) for u, t in zip(cards["destination_url"], cards["url_tags"], strict=True)
    ]
    figures = cards[["spend", "results", "cpa", "ctr", "roas", "impressions", "clicks"]]
    out = pd.concat([out, fmt_table.metric_columns(figures, cards["currency"])], axis=1)
    out["Tiring"] = ["yes" if a in tiring else "" for a in cards["ad_id"]]
    csv_download(
        "Download creatives (CSV)",
        out.rename(
            columns={
                "ad_name": "Ad",
                "adset_name": "Ad set",
                "campaign_name": "Campaign",
                "title": "Title",
                "call_to_action": "Call to action",
                "destination_url": "Destination URL",
            }
        ),
        f"creatives_{filters.since}_{filters.until}.csv",
        "ads_creatives_csv",
    )


def _destination(url: object, tags: object) -> str:
    """The URL an ad leads to as Meta opens it: the destination with its url_tags."""
    if not isinstance(url, str) or not url:
        return ""
    if not isinstance(tags, str) or not tags:
        return url
    return f"{url}{'&' if '?' in url else '?'}{tags}"


def _card(card: object, tiring: bool) -> None:
    picture = getattr(card, "thumbnail", None)
    kind = getattr(card, "thumbnail_type", None)
    if isinstance(picture, bytes | bytearray) and isinstance(kind, str) and kind:
        # an <img> of the kept bytes: the page needs no link to Meta's CDN
        data = base64.b64encode(bytes(picture)).decode("ascii")
        st.markdown(
            f'<img src="data:{kind};base64,{data}" alt="" '
            'style="width:100%;max-width:160px;aspect-ratio:1;object-fit:cover;'
            'border-radius:4px;image-rendering:pixelated">',
            unsafe_allow_html=True,
        )
    else:
        st.caption("No picture kept")
    st.markdown(f"**{md(card.ad_name)}**")  # type: ignore[attr-defined]
    st.caption(md(f"{card.campaign_name} › {card.adset_name}"))  # type: ignore[attr-defined]
    title = getattr(card, "title", None)
    if isinstance(title, str) and title:
        st.caption(md(title))
    currency = None if pd.isna(card.currency) else str(card.currency)  # type: ignore[attr-defined]
    lines = [
        f"Spend {fmt.value(card.spend, 'money', currency)}",  # type: ignore[attr-defined]
        f"Results {_results(card)}",
        f"CPA {fmt.value(card.cpa, 'money', currency)}",  # type: ignore[attr-defined]
        f"CTR {fmt.value(card.ctr, 'percent')}",  # type: ignore[attr-defined]
        f"ROAS {fmt.value(card.roas, 'ratio')}",  # type: ignore[attr-defined]
    ]
    st.markdown("  \n".join(md(line) for line in lines))
    if tiring:
        st.markdown(":orange-badge[Tiring]")
    sample = getattr(card, "fatigue_sample", math.nan)
    if isinstance(sample, float | int) and not pd.isna(sample):
        st.caption(md(getattr(card, "fatigue_text", "")))


def _results(card: object) -> str:
    text = campaigns.results_text(card.results, card.result_type)  # type: ignore[attr-defined]
    return text or "–"


# -- placements --------------------------------------------------------------------------------


def _placements(filters: Filters, campaign: str | None, adset: str | None) -> None:
    st.subheader("Placements")
    left, right = st.columns([2, 5])
    metric_key = PLACEMENT_METRIC.selectbox(
        left, "Placement metric", lambda k: metrics.ALL_METRICS[k].label
    )
    ads = context.frame(ad_drill.ad_table, filters, campaign, adset)
    ad_names = dict(zip(ads["ad_id"], ads["ad_name"], strict=True))
    picked_ad = _picker("ads_place_ad", "ad", [ALL, *ad_names], "ad")
    ad = picked_ad.selectbox(
        right, "Ad", lambda a: "All ads of the view" if a == ALL else ad_names.get(a, a)
    )
    frame = context.frame(ad_drill.placements, filters, campaign, adset, ad or None)
    if frame.attrs.get("no_breakdown"):
        st.info(
            "Meta serves placements apart from age and gender, so they cannot follow an age or "
            "gender filter. Clear those filters to see where the ads ran."
        )
        return
    if frame.empty:
        st.info("No delivery by placement for these ads in this period.")
        return
    found = frame.attrs.get("currencies", [])
    one = found[0] if len(found) == 1 else None
    drawn = metric_key
    if len(found) > 1 and metrics.ALL_METRICS[metric_key].unit == "money":
        drawn = "impressions"  # money is never added across currencies
        st.caption(
            f"These ads spend in several currencies, so the chart shows impressions, not "
            f"{metrics.ALL_METRICS[metric_key].label}: pick a campaign of one currency to see "
            "money by placement."
        )
    st.plotly_chart(
        ad_charts.placement_bars(frame, drawn, one),
        key="ads_placement_chart",
        config={"displaylogo": False},
    )
    shown = frame[["platform", "position", "device", *PLACEMENT_METRICS]]
    shown = fmt_table.metric_columns(shown, one).rename(
        columns={"platform": "Platform", "position": "Placement", "device": "Device"}
    )
    st.dataframe(
        _numbers(shown),
        hide_index=True,
        key="ads_placement_table",
        column_config=_number_columns(shown.columns, one),
    )
    st.caption(
        "Each placement's figures over the ads of the view: the platform, where on it "
        "(feed, stories, reels ...) and the device the ad was seen on. Rates are of the sums."
    )
    csv_download(
        "Download placements (CSV)",
        shown,
        f"placements_{filters.since}_{filters.until}.csv",
        "ads_placements_csv",
    )


def _numbers(shown: pd.DataFrame) -> pd.DataFrame:
    """A frame of `fmt_table.metric_columns` with its figures as numbers (empty: NaN), for a
    table the page draws (the CSV keeps them as written)."""
    out = shown.copy()
    for column in out.columns:
        if out[column].map(lambda v: v is None or not isinstance(v, str)).all():
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out


def _number_columns(headings: pd.Index, currency: str | None) -> dict[str, Any]:
    """How each heading of `fmt_table.metric_columns` is drawn: percents with their sign,
    money to its currency's decimals, counts whole."""
    out: dict[str, Any] = {}
    for metric in metrics.PAID_METRICS:
        for heading in headings:
            if heading != metric.label and not str(heading).startswith(f"{metric.label} ("):
                continue
            if metric.unit == "percent":
                out[heading] = columns.percent(heading)
            elif metric.unit == "money":
                out[heading] = columns.decimal(heading, places=money.decimals(currency))
            elif metric.unit == "ratio":
                out[heading] = columns.decimal(heading)
            else:
                out[heading] = columns.count(heading)
    return out
