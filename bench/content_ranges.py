"""The Content page against the naive pandas peer by date range, and what each of the page's
statements costs DuckDB before it reads a row (the same statements over an empty range).

Uses the 10M-row store of page_speed.py (generated there on first use).
Run: .venv/bin/python bench/content_ranges.py [--rows 10000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import page_speed

from insights.demo import scale as scale_data
from insights.figures.filters import Filters
from insights.store import queries
from insights.store.database import Store

STATEMENTS = {  # the Content page's figures: query -> its arguments besides the filters
    "content_formats": {},
    "content_top_posts": {"post_rank": "engagement_rate", "limit": 10},
    "content_best_time": {"tz": "Europe/Paris"},
    "content_hashtags": {"min_posts": 5},
}


def median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path: Path = page_speed.store_for(args.rows)
    con = duckdb.connect(str(path), read_only=True)
    media = {"ig_media": con.execute("SELECT * EXCLUDE (hashtags) FROM ig_media").df()}
    con.close()
    last = scale_data.LAST_DAY
    with Store(path, read_only=True) as store, store.cursor() as cur:
        print(f"{args.rows:,} ad rows; medians of {args.runs} runs of the same filter")
        print("| days | posts | ours ms | naive ms | naive / ours |")
        print("| --- | --- | --- | --- | --- |")
        for days in (7, 28, 90, 365):
            f = Filters(last - timedelta(days=days - 1), last)
            posts = len(page_speed._posts(media["ig_media"], f))
            ours = median_ms(lambda f=f: page_speed.content_page(cur, f), args.runs)
            naive = median_ms(lambda f=f: page_speed.naive_content(media, f), args.runs)
            print(f"| {days} | {posts:,} | {ours:.1f} | {naive:.1f} | {naive / ours:.1f}x |")
        empty = Filters(date(2000, 1, 1), date(2000, 1, 1)).organic_params()
        print("\n| statement over an empty range | ms |")
        print("| --- | --- |")
        total = 0.0
        for name, extra in STATEMENTS.items():
            sql, values = queries.get(name).bind({**empty, **extra})
            ms = median_ms(lambda s=sql, v=values: cur.execute(s, v).df(), args.runs * 4)
            total += ms
            print(f"| {name} | {ms:.2f} |")
        print(f"| all four | {total:.2f} |")


if __name__ == "__main__":
    main()
