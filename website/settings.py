"""Coachhouse settings: one module, read from the environment.

Every variable is listed in `.env.example` and in the README. The defaults are the
embedded demo (SQLite, local-memory cache, console email, test payments). A deployment
is recognised by `DEBUG` being off *and* `ALLOWED_HOSTS` being given: it must then name
a `SECRET_KEY`, and it gets HTTPS-only cookies, HSTS and the database task queue.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from babel.numbers import get_currency_precision, list_currencies
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _read(name: str, parse, default):
    """Read one variable, turning a malformed value into an error that names it."""
    try:
        return parse(name, default=default)
    except (ValueError, TypeError, KeyError, environ.ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name} must be 1/0, true/false, yes/no or on/off, not {raw!r}."
    )


DEBUG = _bool("DEBUG", default=False)

_hosts_given = "ALLOWED_HOSTS" in env
ALLOWED_HOSTS = [
    h.strip()
    for h in env.str("ALLOWED_HOSTS", default="localhost,127.0.0.1").split(",")
    if h.strip()
]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Environment variable ALLOWED_HOSTS is empty; give comma-separated host names."
    )
if DEBUG:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# A deployment: real hosts and no debug. Everything that must not be guessed is required.
IS_PRODUCTION = _hosts_given and not DEBUG


def _secret_key() -> str:
    if "SECRET_KEY" in env:
        key = env.str("SECRET_KEY").strip()
        if len(key) < 50:
            raise ImproperlyConfigured(
                "Environment variable SECRET_KEY must be at least 50 characters long."
            )
        return key
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is required when ALLOWED_HOSTS is set and DEBUG is off"
        )
    # The demo generates its own key once and keeps it under var/, which git ignores.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# Applications ---------------------------------------------------------------

INSTALLED_APPS = [
    "website.accounts",
    "website.content",
    "website.newsletter",
    "website.importers",
    "website.jobs",
    "courses",
    "shop",
    "trainers",
    "certificates",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The header mini-cart's JSON, replayed while its versions hold (shop/middleware.py).
    "shop.middleware.MiniCartMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Uploaded images when they live on this machine (MEDIA_STORAGE=local); see website/media.py.
    "website.media.PublicMediaMiddleware",
    # Repeat anonymous visits of cached pages, answered before the rest of the stack runs.
    "website.content.page_cache.PageCacheReplayMiddleware",
    # Below the file servers (their bytes are compressed or ranged already); ETags on the
    # compressed body, so a conditional GET gets 304 (docs/decisions.md: BREACH).
    "website.headers.TextGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # django-csp's CSPMiddleware, building each distinct policy once (website/headers.py).
    "website.headers.CachedPolicyCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "website.accounts.middleware.AdminAccessMiddleware",
    # Below CSP and X-Frame-Options, which honour what it decides for previews.
    "website.headers.SiteHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # WordPress's /?p=123 addresses land on the home page (200), which Wagtail's redirects
    # never see: they only look at 404s. See website/importers/middleware.py.
    "website.importers.middleware.QueryRedirectMiddleware",
    # Last, so it can tell anonymous visitors (auth, messages) apart; see content/page_cache.py.
    "website.content.page_cache.PageCacheMiddleware",
    # Below the page cache, so a hit never pays for it.
    "website.content.page_cache.KnownSiteMiddleware",
]

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Data -----------------------------------------------------------------------

DATABASES = {
    "default": _read("DATABASE_URL", env.db_url, f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if not DATABASES["default"].get("ENGINE"):
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL is malformed: use sqlite:///path or postgres://…"
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Kept open like PostgreSQL's (60 s, health-checked): opening a file and running the
    # PRAGMAs below for every request was a sixth of a small request's time (issue #16).
    # WAL lets readers and the single writer work side by side under gunicorn.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Fail fast (and answer 503) rather than hang when the database is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "Environment variable REDIS_URL must start with redis://, rediss:// or unix://."
        )
    # When Redis is down the site keeps serving: cache reads miss, writes are dropped, sessions
    # fall back to the database, and cache-based rate limits fail open (docs/decisions.md).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Tasks: run at once in the demo and tests; queued in the database for a worker in production.
# TASK_QUEUE=database queues them in the demo too (run `manage.py db_worker` beside it), so
# background jobs can be watched as a deployment shows them.
TASK_QUEUE = env.str("TASK_QUEUE", default="database" if IS_PRODUCTION else "immediate")
if TASK_QUEUE not in {"immediate", "database"}:
    raise ImproperlyConfigured(
        f"Environment variable TASK_QUEUE must be 'immediate' or 'database', not {TASK_QUEUE!r}."
    )
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASK_QUEUE == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# Newsletter: the class that keeps an e-mail service's list in step (default: ours only).
NEWSLETTER_PROVIDER = env.str(
    "NEWSLETTER_PROVIDER", default="website.newsletter.providers.local.LocalProvider"
)

# Accounts -------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:overview"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Verification mail goes out at sign-up but never stands between a buyer and checkout.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Coachhouse] "
ACCOUNT_ADAPTER = "website.accounts.adapter.AccountAdapter"
# Sign-up never reveals whether an address has an account (website/accounts/forms.py).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "website.accounts.forms.SignupForm"}
# allauth's own limits (logins, sign-ups, resets); the site's other limits are RATE_LIMITS below.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}

# Rate limits ------------------------------------------------------------------

# How many proxies of ours (TLS terminator, load balancer) stand in front of the app: only
# their X-Forwarded-For entries are believed (website/ratelimits.py: client_ip).
TRUSTED_PROXY_COUNT = _read("TRUSTED_PROXY_COUNT", env.int, 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("Environment variable TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# amount/period/scope, comma-separated; scope `ip` (client address) or `visitor` (account or
# session). Code guesses count per visitor and, looser, per address (website/ratelimits.py).
RATE_LIMITS = {
    "newsletter_signup": "5/h/ip",
    "trainer_contact": "5/h/ip",
    "contact_form": "5/h/ip",
    "coupon_code": "20/h/visitor,100/h/ip",
    "gift_card_code": "10/h/visitor,50/h/ip",
}

# Email ----------------------------------------------------------------------

if "EMAIL_URL" in env:
    globals().update(_read("EMAIL_URL", env.email_url, None))
elif "EMAIL_HOST" in env:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = _read("EMAIL_PORT", env.int, 587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hello@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Payments -------------------------------------------------------------------

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
_stripe = {
    "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
    "STRIPE_PUBLISHABLE_KEY": STRIPE_PUBLISHABLE_KEY,
    "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
}
if any(_stripe.values()) and not all(_stripe.values()):
    _missing = ", ".join(name for name, value in _stripe.items() if not value)
    raise ImproperlyConfigured(
        f"Stripe is half-configured: set {_missing} as well (or none of the STRIPE_* keys)."
    )

# How much one order may hold: courses and gift cards (summed quantity). Refused with a message
# when adding and at checkout, so no total approaches what the money columns or Stripe can carry.
SHOP_CART_MAX_COURSES = 20
SHOP_CART_MAX_GIFT_CARDS = 20

# The test gateway takes "payments" where no money moves. The demo uses it when Stripe has no
# keys; a deployment never falls back to it: it needs the Stripe keys or an explicit PAYMENTS=test,
# and then every page carries a banner saying so (docs/decisions.md).
PAYMENTS = env.str("PAYMENTS", default="").strip().lower()
if PAYMENTS not in {"", "test"}:
    raise ImproperlyConfigured(
        f"Environment variable PAYMENTS must be empty (Stripe) or 'test', not {PAYMENTS!r}."
    )
if PAYMENTS == "test" and STRIPE_SECRET_KEY:
    raise ImproperlyConfigured(
        "PAYMENTS=test and STRIPE_SECRET_KEY are both set: unset one (test payments move no money)."
    )
if IS_PRODUCTION and not STRIPE_SECRET_KEY and PAYMENTS != "test":
    raise ImproperlyConfigured(
        "Environment variable STRIPE_SECRET_KEY (with STRIPE_PUBLISHABLE_KEY and "
        "STRIPE_WEBHOOK_SECRET) is required when ALLOWED_HOSTS is set and DEBUG is off; "
        "set PAYMENTS=test instead to take test payments where no money moves."
    )

SITE_CURRENCY = env.str("SITE_CURRENCY", default="USD").strip().upper()
if len(SITE_CURRENCY) != 3 or not SITE_CURRENCY.isalpha():
    raise ImproperlyConfigured(
        f"Environment variable SITE_CURRENCY must be a three-letter ISO code, not {SITE_CURRENCY!r}"
    )
if SITE_CURRENCY not in list_currencies():
    raise ImproperlyConfigured(
        f"Environment variable SITE_CURRENCY names no known currency: {SITE_CURRENCY!r}"
    )
_currency_decimals = get_currency_precision(SITE_CURRENCY)
# Prices are entered and Stripe is paid in hundredths; a currency with other minor units (JPY 0,
# KWD 3, and HUF, which Stripe counts in hundredths though its minor unit is whole) is refused.
if _currency_decimals != 2:
    raise ImproperlyConfigured(
        f"Environment variable SITE_CURRENCY must be a currency with two decimals; "
        f"{SITE_CURRENCY} has {_currency_decimals}."
    )

# How long after payment a full refund still takes back a promotion reward; the reward
# becomes spendable only then. The demo may shorten it (0 = spendable at once).
SHOP_REFUND_WINDOW_DAYS = _read("SHOP_REFUND_WINDOW_DAYS", env.int, 14)
if SHOP_REFUND_WINDOW_DAYS < 0:
    raise ImproperlyConfigured("Environment variable SHOP_REFUND_WINDOW_DAYS must be 0 or more")
# How long a member whose renewal failed keeps access while the payment is retried.
MEMBERSHIP_GRACE_DAYS = _read("MEMBERSHIP_GRACE_DAYS", env.int, 7)
if MEMBERSHIP_GRACE_DAYS < 0:
    raise ImproperlyConfigured("Environment variable MEMBERSHIP_GRACE_DAYS must be 0 or more")

# Files ----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="").strip() or VAR_DIR / "media")

# Documents (lesson files and videos, episode videos, reading lists) are private: outside
# MEDIA_ROOT, served only through the access-checked document view (website/storage.py).
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "website.storage.MediaStorage"},
    "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "website.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local").strip().lower()
MEDIA_ORIGINS: list[str] = []  # where images and videos come from besides this site
if MEDIA_STORAGE == "s3":
    # Credentials, bucket and endpoint come from the AWS_* variables django-storages reads.
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_QUERYSTRING_AUTH = False
    STORAGES["public"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    # Private files: their own bucket (or, without one, the `private/` prefix of the media
    # bucket, which its public-read policy must leave out), reached only by presigned URLs
    # that expire in a minute.
    AWS_PRIVATE_STORAGE_BUCKET_NAME = env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default="")
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_PRIVATE_STORAGE_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME,
            "location": "" if AWS_PRIVATE_STORAGE_BUCKET_NAME else "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "signature_version": "s3v4",
            "custom_domain": None,
        },
    }
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        MEDIA_ORIGINS = [AWS_S3_ENDPOINT_URL]
    else:
        MEDIA_ORIGINS = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
    # Lesson videos play from the presigned URL the document view redirects to.
    if AWS_S3_ENDPOINT_URL:
        MEDIA_ORIGINS = [*MEDIA_ORIGINS, AWS_S3_ENDPOINT_URL]
    else:
        _private_bucket = AWS_PRIVATE_STORAGE_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME
        MEDIA_ORIGINS = [*MEDIA_ORIGINS, f"https://{_private_bucket}.s3.amazonaws.com"]
        if AWS_S3_REGION_NAME:
            MEDIA_ORIGINS.append(f"https://{_private_bucket}.s3.{AWS_S3_REGION_NAME}.amazonaws.com")
    MEDIA_ORIGINS = list(dict.fromkeys(MEDIA_ORIGINS))
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(
        f"Environment variable MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}."
    )

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security -------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Only Wagtail's previews may be framed, by our own origin (website/headers.py).
X_FRAME_OPTIONS = "DENY"
# Pages load only our own scripts and styles; provider players are framed only after a click.
# Pages that need more (the trainer map's tiles, Stripe on checkout) widen it with csp_update.
CONTENT_SECURITY_POLICY = {
    # Wagtail's admin relies on inline styles and scripts of its own.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if h != "*"]

# Absolute URLs --------------------------------------------------------------


def _site_url() -> str:
    """Where the site is reached ("https://coach.example.com"): every absolute link starts here.

    The demo's `make run`/`make serve` pass the port they serve on; a deployment whose first
    host is a plain name defaults to HTTPS on it, any other deployment must say.
    """
    raw = env.str("SITE_URL", default="").strip().rstrip("/")
    if raw:
        parts = urlsplit(raw)
        try:
            parts.port  # noqa: B018 - a malformed port raises here
        except ValueError:
            parts = urlsplit("")
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
            raise ImproperlyConfigured(
                f"Environment variable SITE_URL must be like https://coach.example.com "
                f"(scheme, host and optional port, no path), not {raw!r}."
            )
        return raw
    if not IS_PRODUCTION:
        return "http://127.0.0.1:8000"
    first_host = ALLOWED_HOSTS[0]
    if "*" in first_host or first_host.startswith("."):
        raise ImproperlyConfigured(
            "Environment variable SITE_URL is required when the first of ALLOWED_HOSTS is a "
            f"pattern ({first_host!r}): give the site's address, e.g. https://coach.example.com"
        )
    return f"https://{first_host}"


SITE_URL = _site_url()

# Wagtail --------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Coachhouse"
# Links in moderation and other admin e-mails.
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "epub",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "vtt",
    "xlsx",
    "zip",
    "mp4",
    "webm",
]
WAGTAIL_MODERATION_ENABLED = True
# The admin has no login of its own: it sends visitors to the site's (allauth's) login.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No Gravatar: Wagtail would send a hash of every staff e-mail to gravatar.com on each admin
# page (and show broken avatars offline); staff upload an avatar in Account if they want one.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor a call home: the dashboard would ask releases.wagtail.org for updates (an error offline).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Documents are private: every download goes through the document view (website/documents.py)
# and its before_serve_document hooks (courses.wagtail_hooks), never a public storage URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Locale ---------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "coachhouse": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Trainers -------------------------------------------------------------------

# Dotted path of the place-search geocoder: the offline gazetteer, or
# "trainers.geocoding.nominatim.NominatimGeocoder" (online, cached) for production.
TRAINERS_GEOCODER = "trainers.geocoding.gazetteer.GazetteerGeocoder"
