"""Trainer search latency: p50/p95 of trainer_search at 1k, 10k and 100k trainers, 50-mile radius.

Each database engine runs in its own process (`python -m bench.trainers DATABASE_URL`),
against a throwaway test database that is created, filled and dropped again:
SQLite in a temporary file, PostgreSQL at BENCH_POSTGRES_URL (default: the local server).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)
QUERIES = 200
RADIUS_MILES = 50
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coachhouse_bench"
)
ROOT = Path(__file__).resolve().parent.parent


def run() -> list[tuple[str, str, str]]:
    """Benchmark SQLite and PostgreSQL; a missing PostgreSQL is reported, not fatal."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        engines = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3"), ("postgresql", POSTGRES_URL)]
        for label, url in engines:
            proc = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "bench.trainers", url],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={
                    **os.environ,
                    "DATABASE_URL": url,
                    "DJANGO_SETTINGS_MODULE": "website.settings",
                },
                check=False,
            )
            if proc.returncode != 0:
                reason = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                rows.append((f"trainer search ({label})", "skipped", reason[:80]))
                continue
            for size, p50, p95, ratio in json.loads(proc.stdout):
                rows.append(
                    (
                        f"trainer search ({label}, {size // 1000}k trainers)",
                        "p50 / p95",
                        f"{p50:.1f} ms / {p95:.1f} ms",
                    )
                )
                if ratio is not None:
                    rows.append((f"trainer search ({label})", "100k vs 10k p50", f"{ratio:.2f}x"))
    return rows


def _measure() -> list:
    """In the worker process: build the test database, grow it, time searches at each size."""
    import django

    django.setup()
    from django.db import connection

    from trainers.demo import PLACES, insert_synthetic_trainers
    from trainers.geometry import KM_PER_MILE
    from trainers.selectors import trainer_search

    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rng = random.Random(7)  # noqa: S311 - repeatable query points
        us_centres = [(lat, lng) for _, _, _, country, lat, lng, _ in PLACES if country == "US"]
        results, inserted, p50_by_size = [], 0, {}
        for size in SIZES:
            insert_synthetic_trainers(size - inserted, start=inserted)
            inserted = size
            if connection.vendor == "postgresql":
                # As autovacuum would after a bulk load: fresh statistics, and a visibility
                # map that lets the search read the covering index without the table.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE trainers_trainer")
            points = [rng.choice(us_centres) for _ in range(QUERIES)]
            timings = []
            for lat, lng in points:
                started = time.perf_counter()
                trainer_search(near=(lat, lng), radius_km=RADIUS_MILES * KM_PER_MILE)
                timings.append((time.perf_counter() - started) * 1000)
            p50 = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[18]
            p50_by_size[size] = p50
            ratio = p50 / p50_by_size[10_000] if size == 100_000 else None
            results.append((size, p50, p95, ratio))
        return results
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_measure()))
