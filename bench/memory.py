"""Memory of a gunicorn worker after city and ZIP searches, served as `make serve` does.

gunicorn runs with `website/gunicorn_conf.py` (the app and the gazetteer loaded before the
workers fork), 2 sync workers, DEBUG off, on the benchmark's throwaway database and on
127.0.0.1:BENCH_PORT (default: a free port). Each worker then answers city and ZIP searches,
and its resident set (RSS: every page it maps, shared ones too) and proportional set (PSS:
shared pages divided among the processes sharing them) are read from /proc.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.loadtest.server import LOG_DIR, ROOT, free_port, get, site_environment

SEARCHES = ("/find-a-trainer/?q=Chicago", "/find-a-trainer/?q=60601", "/find-a-trainer/?q=Paris")
TARGET_MB = 150


def _kilobytes(path: Path, field: str) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def run() -> list[tuple[str, str, str]]:
    env = site_environment(os.environ["DATABASE_URL"])
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = int(os.environ.get("BENCH_PORT") or free_port())
    base = f"http://127.0.0.1:{port}"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with (LOG_DIR / "memory.log").open("w") as log:
        master = subprocess.Popen(  # noqa: S603 - our own gunicorn
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "website.wsgi:application",
                "-c",
                "website/gunicorn_conf.py",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--timeout=60",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + 120
        while get(f"{base}/healthz")[0] != 200:
            if master.poll() is not None or time.monotonic() > deadline:
                return [("memory per worker", "skipped", "gunicorn did not start")]
            time.sleep(0.5)
        workers = _workers(master.pid)
        before = [_kilobytes(Path(f"/proc/{pid}/status"), "VmRSS") for pid in workers]
        # Sync workers take turns, so a few rounds reach both of them.
        statuses = {get(base + path, timeout=60)[0] for _ in range(4) for path in SEARCHES}
        rss = [_kilobytes(Path(f"/proc/{pid}/status"), "VmRSS") for pid in workers]
        pss = [_kilobytes(Path(f"/proc/{pid}/smaps_rollup"), "Pss") for pid in workers]
    finally:
        master.terminate()
        master.wait(timeout=30)
    if statuses != {200}:
        return [("memory per worker", "skipped", f"searches answered {sorted(statuses)}")]
    return [
        ("memory per worker (gunicorn, preloaded)", "RSS at start", f"{max(before) / 1024:.0f} MB"),
        (
            "memory per worker (after city/ZIP search)",
            f"RSS / PSS (target RSS <= {TARGET_MB})",
            f"{max(rss) / 1024:.0f} MB / {max(pss) / 1024:.0f} MB",
        ),
    ]
