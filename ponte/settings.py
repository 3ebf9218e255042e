"""Ponte's one settings module: every setting comes from the environment.

Development defaults are safe for a laptop (SQLite under var/, e-mail printed to the
console, DEBUG on). Production is chosen with PONTE_ENV=production, which turns DEBUG
off and refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PONTE_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRODUCTION = env("PONTE_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# Under pytest, background tasks run inline and password hashing is fast.
TESTING = env_bool("PONTE_TESTING", default="pytest" in sys.modules)

_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", _DEV_SECRET)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("PONTE_ENV=production needs SECRET_KEY set to a random value of 50 or more characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("PONTE_ENV=production needs ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ponte.reference",
    "ponte.core",
    "ponte.accounts",
    "ponte.organisations",
    "ponte.challenges",
    "ponte.solutions",
    "ponte.lab",
    "ponte.exchange",
    "ponte.sandbox",
    "ponte.learning",
    "ponte.recognition",
    "ponte.insights",
    "ponte.matchmaking",
    "ponte.opendata",
    "ponte.api",
    "ponte.dev",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ponte.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ponte.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ponte.accounts.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "ponte.urls"
FORM_RENDERER = "ponte.core.forms.FormRenderer"
WSGI_APPLICATION = "ponte.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ponte" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ponte.core.context_processors.ponte",
            ],
        },
    },
]

# Databases: SQLite (WAL) under var/ by default, anything dj-database-url reads otherwise.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # Tests open a connection per live-server thread: close them so the test database can be dropped.
            conn_max_age=0 if TESTING else 60,
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "ponte.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL and TESTING and env("PYTEST_XDIST_WORKER"):
    # Parallel test workers each clear the cache around every test, so each gets a Redis
    # database of its own for everything below (cache, sessions, task queue, throttles):
    # gw0 the URL's, gw1 the one below it, and so on (down from CI's 15, away from the 0 a
    # developer's Ponte uses), wrapping within Redis's 16 databases.
    _redis = urlsplit(REDIS_URL)
    _database = int(_redis.path.strip("/") or 0) - int(env("PYTEST_XDIST_WORKER").removeprefix("gw"))
    REDIS_URL = _redis._replace(path=f"/{_database % 16}").geturl()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "ponte.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS += ["django_rq"]
    # django-rq's dashboard in the Django admin is written with inline scripts and styles, which
    # Ponte's Content-Security-Policy blocks: it stays out of the admin. Operators read the
    # queue with `manage.py rqstats`.
    RQ_SHOW_ADMIN_LINK = False
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Without Redis, the cache is a folder that every process of the server shares: what is
    # kept (pages, a person's memberships) and counted (rate limits) must be one for all of
    # them, or a write seen by one worker would leave another serving what it kept before.
    # The test suite, one process per database, keeps it in memory.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if TESTING
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Public pages are kept for visitors (core.pagecache). The test suite reads pages as it writes
# with factories, which the audit trail does not see; the page cache's own tests turn it on.
PONTE_PUBLIC_PAGE_CACHE = env_bool("PONTE_PUBLIC_PAGE_CACHE", default=not TESTING)
if env_bool("PONTE_TASKS_IMMEDIATE", default=TESTING):
    # Tests run background work inline so that its effects can be asserted.
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # allauth's sign-in; and the person read with their second factor and unread count.
    "ponte.accounts.backends.PersonBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sessions opened before PersonBackend still name allauth's backend: they stay signed in.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the identity; verification is mandatory.
ACCOUNT_ADAPTER = "ponte.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "ponte.accounts.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ponte] "
ACCOUNT_RATE_LIMITS = {} if TESTING else {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Ponte")

# Internationalisation: five interface languages. Portuguese is European Portuguese.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("pt-pt", "Português"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("sl", "Slovenščina"),
]
LOCALE_PATHS = [BASE_DIR / "ponte" / "locale"]
# One way to write dates and times per language, everywhere: ponte/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["ponte.formats"]
TIME_ZONE = env("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Outside production, static files are served straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files live outside the web root and are only ever served through a view
# that checks permission (see ponte.core.attachments).
PRIVATE_MEDIA_ROOT = Path(env("PONTE_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private-media")))
ATTACHMENT_MAX_BYTES = int(env("PONTE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail: printed to the console in development, SMTP in production.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25")),
        "username": env("EMAIL_HOST_USER") or None,
        "password": env("EMAIL_HOST_PASSWORD") or None,
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Ponte <no-reply@ponte.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. HTTPS settings apply in production, behind a proxy that sets
# X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ponte.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: scripts, styles, images, fonts, connections and forms come from
# Ponte's own origin only. Nothing inline (no <script> without a file, no style attribute or
# block, no event handler attribute), so neither 'unsafe-inline' nor nonces are needed; htmx
# is configured not to need eval nor to inject its indicator styles (see base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# The public API.
PONTE_API_RATE_ANON = env("PONTE_API_RATE_ANON", "60/m")
PONTE_API_RATE_AUTH = env("PONTE_API_RATE_AUTH", "600/m")

# Companies may ask clarification questions until this many hours before a challenge's deadline.
PONTE_QUESTIONS_CLOSE_HOURS = int(env("PONTE_QUESTIONS_CLOSE_HOURS", "72"))
# A challenge is published at least this many days before its deadline (refused otherwise).
PONTE_MIN_TENDER_DAYS = int(env("PONTE_MIN_TENDER_DAYS", "10"))
# Either minimum, for one procurement instrument, e.g. PONTE_MIN_TENDER_DAYS_PRE_COMMERCIAL=30 or
# PONTE_QUESTIONS_CLOSE_HOURS_PRIZE=120: {"pre_commercial": {"tender_days": 30}, ...}. An
# instrument without its own value takes the two above.
PONTE_INSTRUMENT_PERIODS = {
    instrument: {
        key: int(value)
        for key, value in (
            ("tender_days", env(f"PONTE_MIN_TENDER_DAYS_{instrument.upper()}")),
            ("questions_close_hours", env(f"PONTE_QUESTIONS_CLOSE_HOURS_{instrument.upper()}")),
        )
        if value
    }
    for instrument in ("low_value", "innovation_partnership", "pre_commercial", "prize")
}
# The stages of a lab project, in order (ponte.lab.models.STAGE_NAMES names them); a project
# can stop at any of them. E.g. PONTE_LAB_STAGES=investigate,experiment,evaluate,scale.
PONTE_LAB_STAGES = env_list("PONTE_LAB_STAGES", "investigate,co_create,experiment,evaluate,scale")
# The portfolio flags a project that stayed longer than this in one stage.
PONTE_LAB_STUCK_DAYS = int(env("PONTE_LAB_STUCK_DAYS", "90"))
# The programme's target the portfolio reads its progress against: so many projects started
# in so many months (LabX's first years: 12 projects in 36 months).
PONTE_LAB_TARGET_PROJECTS = int(env("PONTE_LAB_TARGET_PROJECTS", "12"))
PONTE_LAB_TARGET_MONTHS = int(env("PONTE_LAB_TARGET_MONTHS", "36"))
# The right to challenge a rule: the fewest people an experiment may cover (0: no minimum) and
# the longest it may run, in years (Denmark's free-municipality experiments: 4 years).
PONTE_SANDBOX_MIN_POPULATION = int(env("PONTE_SANDBOX_MIN_POPULATION", "0"))
PONTE_SANDBOX_MAX_YEARS = int(env("PONTE_SANDBOX_MAX_YEARS", "4"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
    },
}

PONTE_SITE_NAME = _("Ponte")
# The address people reach Ponte at, used in e-mails and open data links.
PONTE_BASE_URL = env("PONTE_BASE_URL", "http://127.0.0.1:8000")
# OCDS open data: the ocid prefix registered with the Open Contracting Partnership ("ocds-" and
# six characters); every challenge's ocid is the prefix, a hyphen and its id.
PONTE_OCDS_PREFIX = env("PONTE_OCDS_PREFIX", "ocds-ponte0")
