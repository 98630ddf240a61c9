"""The channel list API against a bare `values()` view of the same rows, in requests per second.

    .venv/bin/python bench/api_bench.py --database-url URL [--requests 100] [--rounds 5] [--out results.json]

Run by `bench/run.py` after the search benchmark of each database, on the pool it left (the
database must hold it; the searching specialist is `search_bench.bench_user`). Both answers go
through the whole Django stack in this process, with the application's settings and middleware,
driven by the test `Client` signed in with a session (no network, no server: what is compared is
the work each view does):

- the API: `GET /api/channels?limit=50`, the first page of the default search (`-followers`);
- the bare view: the same 50 rows as `JsonResponse({"items": list(qs.values(...)), "next": None})`
  over `Channel.objects.for_user(user)` — the permission lookup and the query, nothing else;

The two alternate in `rounds` rounds of `requests` requests each (after a warm-up), so load from
other work falls on both alike; the result is the median requests per second of each and the
ratio API ÷ bare (target ≥ 0.5).
"""

import argparse
import functools
import json
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import search_bench  # noqa: E402

TARGET_RATIO = 0.5
PAGE = 50
API_PATH = f"/api/channels?limit={PAGE}"
BARE_PATH = "/bench/bare-channels"
# What the API lists for a channel (ChannelOut), as columns: `kol` is the KOL's name.
COLUMNS = (
    "id",
    "kol_id",
    "kol_name",
    "platform",
    "handle",
    "followers",
    "tier",
    "engagement_rate",
    "url",
    "avg_views",
    "er_basis",
    "verified",
    "kol_type",
    "kol_status",
    "home_region",
    "is_archived",
    "aud_age_13_17",
    "aud_age_18_24",
    "aud_age_25_34",
    "aud_age_35_44",
    "aud_age_45_54",
    "aud_age_55_plus",
    "aud_female",
    "aud_male",
    "stats_updated_at",
    "audience_updated_at",
    "updated_at",
)


def bare_channels(request):
    """The reference: the page's rows as `values()` dicts, straight into a JsonResponse."""
    from django.http import JsonResponse

    from kolops.kols.models import Channel

    rows = (
        Channel.objects.for_user(request.user)
        .filter(is_archived=False)
        .order_by("-followers", "-id")
        .values(*COLUMNS)[:PAGE]
    )
    return JsonResponse({"items": list(rows), "next": None})


def _urlpatterns():
    from django.urls import path

    from kolops import urls

    return [path(BARE_PATH.lstrip("/"), bare_channels), *urls.urlpatterns]


def __getattr__(name):  # this module is the URLconf while measuring: its patterns on first use
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def _rate(client, path: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return requests / elapsed


def run(database_url: str, requests: int = 100, rounds: int = 5, progress=print) -> dict:
    """Measure both views on the pool in `database_url`; the results as plain data."""
    search_bench.setup_django(database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from kolops.kols.models import Channel

    settings.ROOT_URLCONF = "api_bench"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    _group, user = search_bench.bench_user()
    channels = Channel.objects.filter(group=_group).count()
    client = Client()
    client.force_login(user)
    api_items = client.get(API_PATH).json()["items"]
    bare_items = client.get(BARE_PATH).json()["items"]
    assert [r["id"] for r in api_items] == [r["id"] for r in bare_items], "the two views list other rows"
    progress(f"  {connection.vendor}: API vs bare values() view, {rounds} rounds × {requests} requests …")
    _rate(client, API_PATH, max(10, requests // 5)), _rate(client, BARE_PATH, max(10, requests // 5))
    api, bare = [], []
    for _ in range(rounds):
        api.append(_rate(client, API_PATH, requests))
        bare.append(_rate(client, BARE_PATH, requests))
    api_rps, bare_rps = statistics.median(api), statistics.median(bare)
    return {
        "database": connection.vendor,
        "channels": channels,
        "rows": len(api_items),
        "api_per_second": [round(v, 1) for v in api],
        "bare_per_second": [round(v, 1) for v in bare],
        "api": round(api_rps, 1),
        "bare": round(bare_rps, 1),
        "ratio": round(api_rps / bare_rps, 3),
        "target": TARGET_RATIO,
        "met": api_rps / bare_rps >= TARGET_RATIO,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", help="write the results here as JSON (default: print them)")
    args = parser.parse_args()
    result = run(args.database_url, args.requests, args.rounds, progress=functools.partial(print, flush=True))
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
