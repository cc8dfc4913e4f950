"""`website/settings.py` read under many environments in one interpreter (test_settings.py).

`main()` takes a JSON list of environments (variable →
value) on standard input. For each, the environment of this process is replaced by the one it
started with plus those variables, the settings module is imported afresh (as `django.setup()`
imports it: every value is read and every check raised at import), and one JSON line is printed:
the settings a test looks at, or the error as a traceback's last line shows it.

One interpreter start instead of one per environment: Django, Wagtail and the settings'
dependencies are imported once (a start costs ~3 CPU-seconds on the test machine).
"""

import importlib
import json
import os
import sys

MODULE = "website.settings"


def _values(s) -> dict:
    db = s.DATABASES["default"]
    return {
        "engine": db["ENGINE"],
        "name": str(db["NAME"]),
        "cache": s.CACHES["default"]["BACKEND"],
        "email": s.EMAIL_BACKEND,
        "tasks": s.TASKS["default"]["BACKEND"],
        "debug": s.DEBUG,
        "currency": s.SITE_CURRENCY,
        "ssl_redirect": getattr(s, "SECURE_SSL_REDIRECT", False),
        "payments": s.PAYMENTS,
        "site_url": s.SITE_URL,
        "wagtail": s.WAGTAILADMIN_BASE_URL,
    }


def evaluate(variables: dict[str, str], base: dict[str, str]) -> dict:
    os.environ.clear()  # in place: django-environ reads this very mapping
    os.environ.update(base)
    os.environ.update(variables)
    sys.modules.pop(MODULE, None)
    try:
        module = importlib.import_module(MODULE)
    except Exception as exc:
        return {"error": f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"}
    return {"values": _values(module)}


def main() -> None:
    base = dict(os.environ)
    for variables in json.load(sys.stdin):
        print(json.dumps(evaluate(variables, base)), flush=True)


if __name__ == "__main__":
    main()
