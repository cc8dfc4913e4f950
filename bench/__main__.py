"""`make bench`: every benchmark module against one throwaway seeded database, one table.

Each module in MODULES (or those named on the command line: `python -m bench content`)
exposes `run() -> list[tuple[str, str, str]]` giving
(benchmark, metric, value) rows. The database is a fresh SQLite file in a temporary
directory, migrated and seeded with `seed_demo`, and removed afterwards; the demo
database under var/ is never touched.
"""

import os
import shutil
import sys
import tempfile
import time
from importlib import import_module

MODULES = ["bench.content", "bench.store", "bench.trainers", "bench.memory"]


def _table(rows: list[tuple[str, str, str]]) -> str:
    header = ("benchmark", "metric", "value")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    line = "  ".join("-" * width for width in widths)
    render = [
        f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in [header, *rows]
    ]
    return "\n".join([render[0], line, *render[1:]])


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="coachhouse-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings")
    try:
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        from django.test.utils import override_settings

        # Templates name static files; without collectstatic there is no manifest to hash them by.
        plain_static = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "private": {
                "BACKEND": "website.storage.PrivateFileSystemStorage",
                "OPTIONS": {"location": os.path.join(workdir, "private")},
            },
        }
        with override_settings(STORAGES=plain_static, MEDIA_ROOT=os.path.join(workdir, "media")):
            started = time.perf_counter()
            with open(os.devnull, "w") as quiet:
                call_command("migrate", verbosity=0, stdout=quiet)
                call_command("seed_demo", stdout=quiet)
            print(
                f"Seeded a throwaway database in {time.perf_counter() - started:.1f} s.",
                file=sys.stderr,
            )
            rows = []
            chosen = [f"bench.{name}" for name in sys.argv[1:]] or MODULES
            for name in chosen:
                rows.extend(import_module(name).run())
        print(_table(rows))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
