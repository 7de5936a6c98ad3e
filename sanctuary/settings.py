"""Sanctuary's one settings module, driven by environment variables.

Secure by default: production is the default mode. `SANCTUARY_DEMO=1` (set by `make demo`)
turns on DEBUG and fills in throwaway secrets; outside demo a missing secret stops start-up.
docs/operations.md lists every variable.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def envsecret(name: str, demo_value: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE; demo mode has a default."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if not value and path:
        value = Path(path).read_text().strip()
    if value:
        return value
    if DEMO:
        return demo_value
    raise ImproperlyConfigured(
        f"{name} is not set. Sanctuary refuses to start without it outside demo mode: "
        f"set {name} (or {name}_FILE) to a long random value, see docs/operations.md."
    )


# Behind PgBouncer in transaction mode a connection's server session changes from one
# transaction to the next: no prepared statements (psycopg prepares a query on its fifth run)
# and no server-side cursors, which live across transactions.
TRANSACTION_POOLER_OPTIONS: dict[str, object] = {
    "DISABLE_SERVER_SIDE_CURSORS": True,
    "OPTIONS": {"prepare_threshold": None},
}


def database_from_url(url: str) -> dict[str, object]:
    """DATABASE_URL=postgres://user:password@host:port/name selects PostgreSQL."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL must start with postgres://, not {parts.scheme}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Kept open across requests when DB_CONN_MAX_AGE > 0 (deploy/sanctuary.env.example: 60):
        # a new connection costs a server process on every request. A kept connection is
        # checked before a request reuses it, so one that a restart ended is replaced instead
        # of failing the request. Not psycopg's pool: with sync workers it would keep the same
        # one connection per process, and behind PgBouncer it must stay off.
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": f"test_{unquote(parts.path.lstrip('/'))}_sanctuary"},
        **(TRANSACTION_POOLER_OPTIONS if envbool("DB_TRANSACTION_POOLER") else {}),
    }


def cache_from_url(url: str) -> dict[str, object]:
    """CACHE_URL selects where throttle counters and used form tokens live. They must be shared
    by every app process: redis://host:port/db (Django's Redis backend) or db://table (the
    database cache, made by `migrate`). locmem:// keeps them in one process's memory: demo only."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "sanctuary",
        }
    if parts.scheme == "db":
        table = (parts.netloc + parts.path).strip("/") or "sanctuary_cache"
        if not table.replace("_", "").isalnum():
            raise ImproperlyConfigured(f"CACHE_URL db://{table}: a table name is letters and _")
        return {"BACKEND": "sanctuary.cache.DatabaseCache", "LOCATION": table}
    if parts.scheme == "locmem":
        if not DEMO:
            raise ImproperlyConfigured(
                "CACHE_URL=locmem:// keeps throttle counters in one process's memory, so each "
                "process and each restart forgets them: demo only. Use redis:// or db://."
            )
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, db:// or locmem://, not {parts.scheme!r}"
    )


DEMO = envbool("SANCTUARY_DEMO")
DEBUG = DEMO
SECRET_KEY = envsecret("SECRET_KEY", "demo-only-secret-key-never-use-in-production-0123456789")
# Keys the audit log's hash chain. It lives outside the database so that someone who can write
# to the database cannot rewrite the chain after editing a row (docs/threat-model.md).
AUDIT_KEY = envsecret("AUDIT_KEY", "demo-only-audit-key-never-use-in-production")
# Backups are sealed to this X25519 public key (base64), made by `sanctuary backup keygen`. Its
# secret key stays offline, so the server can write backups it cannot read (docs/keys.md).
# Mixed into every seeker's codename derivation. It lives outside the database (and its
# backups), so a database copy cannot be used to test codename guesses offline.
SEEKER_PEPPER = envsecret("SEEKER_PEPPER", "demo-only-seeker-pepper-never-use-in-production-0123")
if not 32 <= len(SEEKER_PEPPER.encode()) <= 64:
    raise ImproperlyConfigured("SEEKER_PEPPER must be 32 to 64 bytes long")
# Keys the digest under which every session key is stored (sanctuary.accounts.sessions). It
# lives outside the database, so a copy of the session table holds no cookie that opens a
# session, nor anything to test a guessed cookie against.
SESSION_PEPPER = envsecret("SESSION_PEPPER", "demo-only-session-pepper-never-use-in-production-01")
if not 32 <= len(SESSION_PEPPER.encode()) <= 64:
    raise ImproperlyConfigured("SESSION_PEPPER must be 32 to 64 bytes long")
# Seals staff members' notice channels (an e-mail address, a push endpoint and its secret,
# sanctuary.notices.sealing). It lives outside the database, so a database copy reveals no address.
NOTICES_KEY = envsecret("NOTICES_KEY", "demo-only-notices-key-never-use-in-production-0123456")
if len(NOTICES_KEY.encode()) < 32:
    raise ImproperlyConfigured("NOTICES_KEY must be at least 32 bytes long")
# Floods (docs/threat-model.md). Past this many new cases in an hour the network is "under
# pressure": a submission then needs a form that was open for INTAKE_PRESSURE_FORM_SECONDS (a
# person answering takes longer; a script must wait). Nobody is refused for others' floods.
INTAKE_CASES_PER_HOUR = envint("INTAKE_CASES_PER_HOUR", 300)
INTAKE_PRESSURE_FORM_SECONDS = envint("INTAKE_PRESSURE_FORM_SECONDS", 60)
# New cases one client address may send per hour before each further one waits (doubling).
INTAKE_CASES_PER_CLIENT = envint("INTAKE_CASES_PER_CLIENT", 3)
# Messages one case may send in a window, however often the seeker signs in; a counselor's
# answer opens a new allowance.
INTAKE_MESSAGES_PER_CASE = envint("INTAKE_MESSAGES_PER_CASE", 30)
INTAKE_MESSAGE_WINDOW_HOURS = envint("INTAKE_MESSAGE_WINDOW_HOURS", 24)
# Wrong codenames one client (or one browser's form) may send before it must wait (doubling).
INTAKE_CODENAME_FAILURES = envint("INTAKE_CODENAME_FAILURES", 10)
BACKUP_PUBLIC_KEY = os.environ.get("BACKUP_PUBLIC_KEY", "").strip()
# Per-record erasure keys: a small SQLite file that overwrites what it deletes, shared by every
# app process on this machine. Shredding a record destroys its key there (docs/keys.md,
# "Shredding"); back it up with the database (docs/operations.md).
ERASURE_KEY_STORE = os.environ.get(
    "ERASURE_KEY_STORE", str(BASE_DIR / "var" / "erasure-keys.sqlite3")
)
HTTPS = envbool("SANCTUARY_HTTPS")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
SITE_ROOT = os.environ.get("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_ROOT] if SITE_ROOT.startswith("https://") else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "sanctuary.audit",
    "sanctuary.accounts",
    "sanctuary.keyring",
    "sanctuary.notices",
    "sanctuary.routes",
    "sanctuary.intake",
    "sanctuary.cases",
    "sanctuary.referrals",
    "sanctuary.hosts",
    "sanctuary.shelter",
    "sanctuary.stats",
    "sanctuary.demo",
    "django_tasks",
    "django_tasks_db",
]

# Background work (check-in alarms, the retention purge) runs through django-tasks: jobs are rows
# in our own database and `sanctuary db_worker` runs them, so there is no broker to operate.
# `sanctuary casework_tick`, from a timer every few minutes, enqueues the periodic ones.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How long a closed case is kept before it is shredded; only a statistics row remains.
CASE_RETENTION_DAYS = envint("CASE_RETENTION_DAYS", 90)
# Shelter policy of this network (docs/operations.md): the vetting tier from which a host
# receives guests, and the tier from which he receives families with children.
SHELTER_MIN_TIER_FOR_GUESTS = envint("SHELTER_MIN_TIER_FOR_GUESTS", 1)
SHELTER_MIN_TIER_FOR_CHILDREN = envint("SHELTER_MIN_TIER_FOR_CHILDREN", 2)
# A shared language between host and guests as a hard rule of the matcher, not only a score.
SHELTER_SHARED_LANGUAGE_REQUIRED = envbool("SHELTER_SHARED_LANGUAGE_REQUIRED")
if not 0 <= SHELTER_MIN_TIER_FOR_GUESTS <= SHELTER_MIN_TIER_FOR_CHILDREN <= 2:
    raise ImproperlyConfigured(
        "SHELTER_MIN_TIER_FOR_GUESTS and SHELTER_MIN_TIER_FOR_CHILDREN must be tiers 0 to 2, "
        "the children's tier not below the guests' tier"
    )
# How long a host has to accept or decline an approved proposal before it expires.
SHELTER_ANSWER_HOURS = envint("SHELTER_ANSWER_HOURS", 24)

# Public figures (sanctuary/stats/README.md gives the reasoning). Each release spends
# STATS_EPSILON of differential privacy; a year's releases together spend at most
# STATS_EPSILON_YEAR (a monthly release at the default: twelve a year). No number under
# STATS_K is published. Countries outside STATS_COUNTRIES are counted as "other countries".
STATS_EPSILON = envfloat("STATS_EPSILON", 1.0)
STATS_EPSILON_YEAR = envfloat("STATS_EPSILON_YEAR", 12.0)
STATS_K = envint("STATS_K", 10)
STATS_COUNTRIES = [
    c.strip().upper()
    for c in os.environ.get(
        "STATS_COUNTRIES", "RU,BY,KZ,GE,AM,KG,UZ,TR,RS,ME,DE,FR,LT,LV,EE,FI,PL,IL,AR"
    ).split(",")
    if c.strip()
]
if not 0 < STATS_EPSILON <= STATS_EPSILON_YEAR or STATS_K < 1:
    raise ImproperlyConfigured(
        "STATS_EPSILON must be positive and at most STATS_EPSILON_YEAR; STATS_K at least 1"
    )

# Notices (sanctuary.notices) go out through Django's SMTP backend, sent only by the task worker
# so that a dead mail server holds up no page. Demo mode prints them to the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "") if EMAIL_HOST_USER else ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sanctuary@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A webhook channel's timeout in seconds, and the hour (UTC) when daily digests go out.
NOTICES_TIMEOUT = envint("NOTICES_TIMEOUT", 10)
NOTICES_DAILY_DIGEST_HOUR = envint("NOTICES_DAILY_DIGEST_HOUR", 8)
if not 0 <= NOTICES_DAILY_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NOTICES_DAILY_DIGEST_HOUR must be an hour from 0 to 23")

MIDDLEWARE = [
    "sanctuary.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sanctuary.accounts.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sanctuary.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanctuary.middleware.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sanctuary.keyring.session.KeyCookieMiddleware",
    "sanctuary.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sanctuary.middleware.KeyringErrorMiddleware",
]

ROOT_URLCONF = "sanctuary.urls"
WSGI_APPLICATION = "sanctuary.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanctuary" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanctuary.accounts.context_processors.navigation",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    # SQLite is the embedded default: `make demo` needs no database server.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "sanctuary.sqlite3")),
            # The suite runs on a file, in WAL mode as in production, so the canary test can
            # read the database file and its write-ahead log byte for byte.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH") or None},
            "OPTIONS": {
                # secure_delete: a deleted row is overwritten with zeros, whatever default
                # the system's libsqlite3 was built with (Debian's happens to turn it on).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id at the key wrap's cost (sanctuary/accounts/hashers.py). It reads the hashes Django's
# own Argon2 hasher made, and Django re-hashes each at its next login.
PASSWORD_HASHERS = ["sanctuary.accounts.hashers.KeyWrapArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in the database so app processes stay stateless, each row found by a keyed
# digest of its cookie (SESSION_PEPPER). Saving on every request turns the 30-minute age into
# an idle timeout; the cookie dies with the browser.
SESSION_ENGINE = "sanctuary.accounts.sessions"
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-session" if HTTPS else "session"
# The CSRF cookie, too, dies with the browser rather than staying on a staff laptop for a year.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
CSRF_FAILURE_VIEW = "sanctuary.views.csrf_failure"

# Throttles slow failures and never lock a door (docs/threat-model.md, "Floods and guessing").
# A browser's form or a client address that failed more than the free failures waits 2, 4, 8 …
# seconds before its next try, up to THROTTLE_MAX_WAIT_SECONDS. Once the whole site, or one
# username, has had more failures than its budget in the window, a try is only checked if its
# form was open for LOGIN_PRESSURE_SECONDS: a person typing takes that long, a script must wait.
LOGIN_BROWSER_FREE_FAILURES = envint("LOGIN_BROWSER_FREE_FAILURES", 3)
LOGIN_CLIENT_MAX_FAILURES = envint("LOGIN_CLIENT_MAX_FAILURES", 20)
LOGIN_ACCOUNT_FREE_FAILURES = envint("LOGIN_ACCOUNT_FREE_FAILURES", 5)
LOGIN_GLOBAL_FAILURES = envint("LOGIN_GLOBAL_FAILURES", 100)
LOGIN_PRESSURE_SECONDS = envint("LOGIN_PRESSURE_SECONDS", 10)
LOGIN_CLIENT_WINDOW_SECONDS = envint("LOGIN_CLIENT_WINDOW_SECONDS", 15 * 60)
THROTTLE_MAX_WAIT_SECONDS = envint("THROTTLE_MAX_WAIT_SECONDS", 15 * 60)
# The second factor's lock (a wrong code needs the right password first) doubles from 30 s.
LOGIN_ACCOUNT_MAX_LOCK_SECONDS = envint("LOGIN_ACCOUNT_MAX_LOCK_SECONDS", 3600)
# Client addresses: REMOTE_ADDR, unless the request comes from one of TRUSTED_PROXIES (addresses
# or networks); then the last address in CLIENT_ADDRESS_HEADER that is not a trusted proxy. A
# request from a proxy that names no other client (Tor's onion service connects from loopback)
# has no address of its own and is throttled by browser and site-wide budgets only.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "").strip()
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()
]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address") from None
CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL", "") or ("locmem://" if DEMO else "db://sanctuary_cache")
    )
}

# Uploads never touch the disk in plain: they stay in memory, and a request body larger than the
# largest accepted one (a 10 MB attachment, sanctuary.intake.scrub, with the message's text) is
# refused before it is read (RequestSizeMiddleware). nginx's client_max_body_size sits above it.
REQUEST_BODY_MAX_BYTES = 12 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

# Flash messages live in the server-side session, never in a cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

INVITATION_LIFETIME_HOURS = 72
RECOVERY_CODE_COUNT = 10
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Sanctuary")
# Where the quick exit on every seeker page lands, after ending his session: a neutral site
# that someone looking over a seeker's shoulder would not remark on.
QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.google.com/")

# Security headers: CSP, Permissions-Policy and Cache-Control come from our middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Browsers that ship the preload list never make a first plain-HTTP request (the one an
# on-path observer could strip); the header only allows submitting the domain to the list.
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# security.W003 looks for Django's CSRF middleware by its exact path; ours subclasses it
# (sanctuary/csrf.py) and sanctuary/tests/test_settings.py checks that it is in MIDDLEWARE.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "sanctuary" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "sanctuary" / "static"]

# Logs go to standard error only; nothing here writes a client address or a request body.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No log line carries an invitation's or a referral's secret token (sanctuary/logs.py).
    "filters": {"link_secrets": {"()": "sanctuary.logs.RedactLinkSecrets"}},
    "formatters": {"server": {"format": "[{asctime}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["link_secrets"]},
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["link_secrets"],
            "formatter": "server",
        },
    },
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "sanctuary": {"handlers": ["console"], "level": "INFO"},
    },
}
