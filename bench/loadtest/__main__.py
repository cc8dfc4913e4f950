"""`make loadtest`: the mixed scenario against a throwaway copy of the site, then a data check.

Creates its own PostgreSQL database (migrated, demo seeded, a pool of buyers), serves it with
gunicorn (2 workers, DEBUG off) on a free port of 127.0.0.1 with Redis database 13 as the
cache, drives locust headless for --duration with --users visitors (see locustfile.py), prints
requests/s, p50/p95/p99 and errors per request, then checks the store's data
(consistency.py). Exits 1 on any request error or inconsistency. gunicorn is stopped and the
database dropped however the run ends.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.loadtest import server
from bench.loadtest.stats import summarise, table

# Each checkout uses a buyer of its own: at 20 users that lasts about twenty minutes.
BUYERS = 1000
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def run_locust(base: str, duration: str, users: int, env: dict[str, str], folder: Path) -> dict:
    """Drive the scenario with locust headless; return what the locustfile recorded."""
    results = folder / "results.json"
    command = [
        str(server.BIN / "locust"),
        f"--locustfile={LOCUSTFILE}",
        "--headless",
        "--only-summary",
        f"--host={base}",
        f"--users={users}",
        f"--spawn-rate={max(1, users // 5)}",
        f"--run-time={duration}",
        "--stop-timeout=10",
        "--loglevel=WARNING",
    ]
    locust_env = {
        **env,
        "PYTHONPATH": str(server.ROOT),
        "LOADTEST_RESULTS": str(results),
        "LOADTEST_SESSIONS": str(folder / "sessions.json"),
    }
    # locust's own exit code only repeats the error count we compute ourselves.
    subprocess.run(command, cwd=server.ROOT, env=locust_env, check=False)  # noqa: S603
    if not results.exists():
        raise RuntimeError("locust stopped without recording results")
    return json.loads(results.read_text())


def check_data() -> tuple[int, list[str]]:
    """How many orders were paid, and the consistency problems of the throwaway database."""
    import django

    django.setup()
    from django.db import connections

    from bench.loadtest.consistency import find_inconsistencies
    from shop.models import Order

    try:
        return Order.objects.filter(paid_at__isnull=False).count(), find_inconsistencies()
    finally:
        connections.close_all()


def create_buyer_pool(sessions_file: Path) -> None:
    """Create the buyers and write their session keys, in order, as JSON to `sessions_file`."""
    import django

    django.setup()
    from django.db import connections

    from bench.loadtest.buyers import create_buyers

    sessions_file.write_text(json.dumps(create_buyers(BUYERS)))
    connections.close_all()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--duration", default="60s", help="how long to drive traffic (60s, 2m)")
    parser.add_argument("--users", type=int, default=20, help="concurrent simulated visitors")
    args = parser.parse_args()
    server.stop_on_sigterm()
    sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the servers'
    server.flush_redis()
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            server.throwaway_database("coachhouse_loadtest") as database_url,
        ):
            env = server.site_environment(database_url, server.REDIS_URL)
            server.prepare_site(env)
            # Settings are read from the environment when Django starts in this process.
            os.environ.update(env)
            create_buyer_pool(Path(folder) / "sessions.json")
            with server.gunicorn(env, "loadtest") as base:
                results = run_locust(base, args.duration, args.users, env, Path(folder))
            paid, problems = check_data()
    finally:
        server.flush_redis()
    if not results["samples"]:
        print("FAIL: locust made no requests")
        return 1
    lines = summarise([tuple(sample) for sample in results["samples"]], results["seconds"])
    total = lines[-1]
    print(f"\nLoad test: {args.users} users for {results['seconds']:.0f} s\n")
    print(table(lines))
    for message, count in sorted(results["failures"].items()):
        print(f"  error x{count}: {message}")
    print(
        f"\nConsistency ({paid} paid orders and the rest of the store): {len(problems)} problem(s)"
    )
    for problem in problems:
        print(f"  {problem}")
    passed = total.errors == 0 and not problems
    print(
        f"\n{'PASS' if passed else 'FAIL'}: {total.per_second:.1f} requests/s, "
        f"p50 {total.p50_ms:.0f} ms, p95 {total.p95_ms:.0f} ms, p99 {total.p99_ms:.0f} ms, "
        f"{total.errors} error(s), {len(problems)} inconsistency(ies)"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
