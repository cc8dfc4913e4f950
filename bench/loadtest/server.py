"""A throwaway copy of the site on 127.0.0.1: its own PostgreSQL database and gunicorn.

The load test, the fault drills and the tests that run the site as a deployment does
(tests/e2e/test_production.py, tests/website/test_app_servers.py) all start gunicorn here.
Each context manager undoes what it did however the block ends (an error, Ctrl-C, or SIGTERM
once `stop_on_sigterm()` is called): gunicorn is stopped and the database dropped.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOG_DIR = ROOT / "var" / "bench"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
# A Redis database number of its own, emptied before and after each run.
REDIS_URL = "redis://127.0.0.1:6379/13"
STARTUP_SECONDS = 60


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so `finally` blocks clean up as they do on Ctrl-C."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(statement)


def wait_for_postgres(seconds: float = STARTUP_SECONDS) -> None:
    """Return once PostgreSQL accepts connections again; raise if it does not in time."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            _admin(sql.SQL("SELECT 1"))
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """Create an empty database, yield its DATABASE_URL, then drop it (closing its sessions)."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        # A drill may have just restarted PostgreSQL: give it the time to come back.
        wait_for_postgres()
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        print(f"Dropped database {name}.")


def flush_redis(url: str = REDIS_URL) -> None:
    """Empty our Redis database, so no cached page outlives the database it came from."""
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


# Configuration the caller's environment may carry (a test run's database, localstripe, a
# developer's Redis) that must not leak into the site it starts.
_SITE_VARIABLES = ("DJANGO_", "DATABASE_", "REDIS_", "STRIPE_", "EMAIL_", "SITE_", "PAYMENTS")


def site_environment(database_url: str, redis_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a loopback site: DEBUG off and no ALLOWED_HOSTS (so no HTTPS redirect).

    Without `redis_url` it is the one-machine setup (a per-process memory cache).
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_SITE_VARIABLES) and key != "ALLOWED_HOSTS"
    }
    env.update(DJANGO_SETTINGS_MODULE="website.settings", DATABASE_URL=database_url, DEBUG="0")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return {**env, **extra}


def manage(env: dict[str, str], *args: str) -> None:
    """Run one manage.py command for the throwaway site; raise if it fails."""
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=600
    )


def prepare_site(env: dict[str, str]) -> None:
    """Migrate and seed the demo into the throwaway database; collect the static files."""
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")


def get(url: str, timeout: float = 5) -> tuple[int, float, bytes, dict[str, str]]:
    """GET `url`: the status (0 when nothing answered), the seconds taken, body and headers."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            body = response.read()
            return response.status, time.monotonic() - started, body, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, time.monotonic() - started, exc.read(), dict(exc.headers)
    except OSError:
        return 0, time.monotonic() - started, b"", {}


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    name: str,
    workers: int = 2,
    *,
    port: int | None = None,
    log_dir: Path = LOG_DIR,
) -> Iterator[str]:
    """Serve the site with gunicorn on 127.0.0.1 (`port`, else a free one); yield its base URL
    once it answers, then stop it.

    Its output goes to <log_dir>/<name>.log (var/bench/ by default), whose path is printed and
    named in the error when it does not start.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    base = f"http://127.0.0.1:{port or free_port()}"
    command = [
        str(BIN / "gunicorn"),
        "website.wsgi:application",
        f"--workers={workers}",
        f"--bind={base.removeprefix('http://')}",
        "--timeout=30",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn
            command, cwd=ROOT, env=env, stdout=log, stderr=log
        )
    print(f"gunicorn ({workers} workers) on {base}, log in {log_path}")
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while get(f"{base}/healthz")[0] == 0:
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"gunicorn did not start; see {log_path}:\n{tail}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
