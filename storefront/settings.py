"""Storefront settings: everything comes from the environment (see docs/configuration.md).

Embedded defaults (no variables set): DEBUG off, SQLite in var/, local-memory cache, the sandbox on
127.0.0.1:8001 as Magento. ``DJANGO_ENV=production`` makes the secrets and hosts mandatory.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from storefront.env import PRODUCTION, env_bool, env_float, env_hosts, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STOREFRONT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str(
    "SECRET_KEY",
    "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef",
    required_in_production=True,
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"], required_in_production=True
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "storefront",
    "catalog",
    "cart",
    "checkout",
    "accounts",
]

MIDDLEWARE = [
    "storefront.middleware.OuterServerTimingMiddleware",
    # Header-only middleware first, so cached responses (answered by the page cache below) get them too.
    "django.middleware.security.SecurityMiddleware",
    "storefront.middleware.StaticContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "storefront.middleware.RequestContextMiddleware",
    # Cached pages are answered here, before sessions, CSRF and auth: a HIT costs one store read.
    "storefront.pagecache.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "storefront.csrf.OriginCsrfMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "storefront.middleware.MagentoErrorMiddleware",
]

ROOT_URLCONF = "storefront.urls"
WSGI_APPLICATION = "storefront.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'storefront.sqlite3'}"), conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the default database) behind several gunicorn workers: WAL lets readers run beside the one writer, and
# IMMEDIATE transactions with a busy timeout make session writers queue instead of failing with "database is
# locked" (500/400 under `make load`, docs/load.md). Applied to SQLite only; PostgreSQL needs none of it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

REDIS_URL = env_str("REDIS_URL", "")
# Redis Sentinel (docs/deploy.md): REDIS_SENTINELS=host:port,host:port and REDIS_URL=redis://[:password@]<master
# name>/<db>. django-redis's SentinelClient asks the sentinels for the current primary and follows failovers;
# every command goes to the primary (LOCATION names no replica), so a lock or a page is read where it was written.
REDIS_SENTINELS = env_hosts("REDIS_SENTINELS")
_sentinel_password = env_str("REDIS_SENTINEL_PASSWORD", "")
REDIS_SENTINEL_KWARGS = {"password": _sentinel_password} if _sentinel_password else None
if REDIS_URL:
    _redis_options: dict[str, object] = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        # A Redis outage must degrade to "uncached", never to a 500 (DESIGN.md §4).
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
        "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
    }
    if REDIS_SENTINELS:
        _redis_options["CLIENT_CLASS"] = "django_redis.client.SentinelClient"
        _redis_options["SENTINELS"] = REDIS_SENTINELS
        _redis_options["SENTINEL_KWARGS"] = REDIS_SENTINEL_KWARGS
        DJANGO_REDIS_CONNECTION_FACTORY = "django_redis.pool.SentinelConnectionFactory"
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": [REDIS_URL] if REDIS_SENTINELS else REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sf"),
            "OPTIONS": _redis_options,
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sf"}}

# Sessions live in the database with a cache in front: a cache flush never logs anybody out, and the
# Magento token never leaves the server (never the signed-cookie backend).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# Preload only makes the domain eligible for browsers' built-in HSTS list; submitting it stays a manual step.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Production runs behind a TLS-terminating proxy (DESIGN.md §2) that sends X-Forwarded-Proto. gunicorn
# believes that header only from FORWARDED_ALLOW_IPS and then hands Django an https request, so the redirect
# below does not loop. TRUST_X_FORWARDED_PROTO makes Django read the header itself, from anyone who can reach
# the node: only for servers other than our gunicorn config, and only behind a proxy that overwrites it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load-balancer probes speak plain HTTP to the node; a redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# security.W003 looks for Django's CsrfViewMiddleware by name; ours is a subclass that checks the origin
# first (storefront/csrf.py). storefront.checks.csrf_middleware_check (E001) takes W003's place.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000

# --- Magento -----------------------------------------------------------------------------------
MAGENTO_BASE_URL = env_str("MAGENTO_BASE_URL", "http://127.0.0.1:8001", required_in_production=True).rstrip("/")
# Store views served by this storefront; the first is the default and has no URL prefix, the others
# live under /<code>/.
MAGENTO_STORE_CODES = env_list("MAGENTO_STORE_CODES", ["default", "de"])
MAGENTO_CONNECT_TIMEOUT = env_float("MAGENTO_CONNECT_TIMEOUT", 2.0)
MAGENTO_READ_TIMEOUT = env_float("MAGENTO_READ_TIMEOUT", 10.0)
# Place-order alone waits longer: Magento runs payment, stock and mail inside that one call, and a cut-off there
# leaves the shopper not knowing whether they ordered (checkout/services.py), which is worse than waiting.
MAGENTO_ORDER_TIMEOUT = env_float("MAGENTO_ORDER_TIMEOUT", 30.0)
MAGENTO_GET_RETRIES = env_int("MAGENTO_GET_RETRIES", 2)
MAGENTO_RETRY_AFTER_MAX = env_float("MAGENTO_RETRY_AFTER_MAX", 2.0)
MAGENTO_BREAKER_THRESHOLD = env_int("MAGENTO_BREAKER_THRESHOLD", 5)
MAGENTO_BREAKER_RESET = env_float("MAGENTO_BREAKER_RESET", 15.0)
MAGENTO_MAX_GET_URL = env_int("MAGENTO_MAX_GET_URL", 8000)
MAGENTO_POOL_SIZE = env_int("MAGENTO_POOL_SIZE", 20)
# Bulkhead: Magento calls in flight per process. Below gunicorn's thread count, so a hanging Magento can never
# hold every thread (cache HITs and /healthz keep answering); 0 turns the limit off.
MAGENTO_MAX_IN_FLIGHT = env_int("MAGENTO_MAX_IN_FLIGHT", max(1, env_int("GUNICORN_THREADS", 8) - 2))
MAGENTO_IN_FLIGHT_WAIT = env_float("MAGENTO_IN_FLIGHT_WAIT", 2.0)

# --- Page cache (windows in seconds: fresh, stale-while-revalidate, stale-if-error) --------------
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", True)
PAGECACHE_WINDOWS = {
    "home": env_list("PAGECACHE_HOME", ["120", "86400", "604800"]),
    "category": env_list("PAGECACHE_CATEGORY", ["300", "86400", "604800"]),
    "product": env_list("PAGECACHE_PRODUCT", ["300", "86400", "604800"]),
    "search": env_list("PAGECACHE_SEARCH", ["60", "3600", "86400"]),
    "cms": env_list("PAGECACHE_CMS", ["600", "86400", "604800"]),
}
PAGECACHE_LOCK_TIMEOUT = env_float("PAGECACHE_LOCK_TIMEOUT", MAGENTO_READ_TIMEOUT + 5)
PAGECACHE_WAIT_POLL = env_float("PAGECACHE_WAIT_POLL", 0.02)
PAGECACHE_REFRESH_WORKERS = env_int("PAGECACHE_REFRESH_WORKERS", 2)
PAGECACHE_REFRESH_QUEUE = env_int("PAGECACHE_REFRESH_QUEUE", 64)
PAGECACHE_REFRESH_BACKOFF = env_float("PAGECACHE_REFRESH_BACKOFF", 30.0)
PAGECACHE_ERROR_BACKOFF = env_float("PAGECACHE_ERROR_BACKOFF", 5.0)
# Per-process copies of bodies fetched from Redis (validated against Redis on every request).
PAGECACHE_LOCAL_BYTES = env_int("PAGECACHE_LOCAL_BYTES", 64 * 1024 * 1024)
REVALIDATE_SECRET = env_str("REVALIDATE_SECRET", "dev-only-revalidation-secret", required_in_production=True)
# Varnish edges that get every purge too (storefront/pagecache/edge.py, deploy/varnish/default.vcl); empty = none.
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS", [])
VARNISH_PURGE_TIMEOUT = env_float("VARNISH_PURGE_TIMEOUT", 2.0)
# Proxies in front of gunicorn that append to X-Forwarded-For (nginx + Varnish = 2); 0 = use REMOTE_ADDR.
FORWARDED_FOR_HOPS = env_int("FORWARDED_FOR_HOPS", 0)

# --- Rate limits (attempts per client IP and per cart in RATE_LIMIT_WINDOW seconds) -------------
# Production values by default; the load suite (bench/load) raises them because all its users share one IP.
RATE_LIMIT_PLACE_ORDER = env_int("RATE_LIMIT_PLACE_ORDER", 10)
RATE_LIMIT_COUPON = env_int("RATE_LIMIT_COUPON", 10)
RATE_LIMIT_WINDOW = env_int("RATE_LIMIT_WINDOW", 300)

LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
ACCESS_LOG_HITS = env_bool("ACCESS_LOG_HITS", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "storefront.logs.JsonFormatter"},
    },
    "filters": {
        "one_line": {"()": "storefront.logs.OneLineException"},
        "scrub_request": {"()": "storefront.logs.RequestScrubber"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["scrub_request"]},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["scrub_request", "one_line"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Redis down: django-redis logs each ignored error with a traceback; one line each says as much.
        "django_redis": {"handlers": ["console_one_line"], "propagate": False},
        "django.server": {"level": "WARNING"},
        # httpx would log every Magento URL (search terms, cart ids): keep it quiet.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "storefront.access": {"level": env_str("ACCESS_LOG_LEVEL", "INFO")},
    },
}

# --- Metrics (/metrics for Prometheus; see storefront/metrics.py) ------------------------------------
# Peers allowed to scrape (addresses or networks; "none" for token-only), and an optional bearer token.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Customer login lives in the accounts app; the Magento-error middleware sends expired sessions there.
LOGIN_URL = "/account/login/"

# Content Security Policy: no inline script and no eval anywhere (cached HTML cannot carry nonces), styles
# from our own stylesheet only; product images may come from Magento's media host.
_magento_origin = "/".join(MAGENTO_BASE_URL.split("/")[:3])
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", _magento_origin, *env_list("MAGENTO_MEDIA_ORIGINS", [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
