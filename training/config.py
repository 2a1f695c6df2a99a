"""Configuration: defaults here, then the environment, then what ``create_app`` is given."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: values that must never sign a production session
WEAK_SECRET_KEYS = {"dev", "development", "secret", "changeme", "change-me", "test", "key"}


class Config:
    PROGRAM_NAME = "Peer Support Training Program"
    #: the program's approval as a training provider, printed on certificates when it has one,
    #: e.g. "Approved education provider no. 1234, State Certification Board"
    PROVIDER_APPROVAL = ""
    #: default: a SQLite file in the instance folder (filled in by the factory)
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: PostgreSQL only (``training.database_timeouts``), in seconds: how long connecting may
    #: take; how long one statement may run in a web request before the server cancels it (the
    #: page says the site is busy; 0: no limit), and a request stops waiting for a server that
    #: does not answer at all 2 s after that; how long a request waits for a free connection
    #: when every one of the pool's is in use. Commands (migrations, backups) run without the
    #: statement timeout.
    DATABASE_CONNECT_TIMEOUT = 3
    DATABASE_STATEMENT_TIMEOUT = 5
    DATABASE_POOL_TIMEOUT = 5
    CONTENT_PATH = str(PROJECT_ROOT / "content")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set FLASK_SESSION_COOKIE_SECURE=true behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    #: how long "Keep me signed in" lasts; no sign-in lasts longer on the server either
    REMEMBER_COOKIE_DURATION = timedelta(days=365)

    # A trainee writing a long answer must not lose it to an expired form token: the token lives
    # as long as the session instead of Flask-WTF's default hour.
    WTF_CSRF_TIME_LIMIT = None

    #: where Flask-Limiter keeps its counters; use redis://… so several app servers share them
    RATELIMIT_STORAGE_URI = "memory://"
    #: how Redis is reached: a frozen or stopped Redis costs a request one timeout (seconds;
    #: e.g. FLASK_RATELIMIT_STORAGE_OPTIONS__socket_timeout=1.0), never a retry ("retry": None).
    #: Meanwhile the limits count in each process's memory (``training.limit_store``).
    RATELIMIT_STORAGE_OPTIONS = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "retry": None,
    }
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Flask-Limiter's fallback catches only the request that first finds Redis failing; others
    #: already waiting on it at that moment are let through (logged) instead of failing with 500
    RATELIMIT_SWALLOW_ERRORS = True
    # No X-RateLimit-* headers on every limited answer: they cost two more storage round trips
    # per public verification (a fifth of its time). A refused client is told when to come back
    # by the Retry-After header of the 429 answer instead (``training.errors``).
    RATELIMIT_HEADERS_ENABLED = False
    #: failed password checks (sign-in, and the current password when changing it) allowed per
    #: client address; per account from one address (or from one browser that signed in to it
    #: before); and per account from browsers that never did, all addresses together
    #: (``training.auth.throttle``)
    LOGIN_FAILURES_PER_ADDRESS = "10 per 15 minutes"
    LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
    LOGIN_FAILURES_PER_ACCOUNT = "20 per hour"
    #: password-reset links that do not work (unknown, used or expired) opened per address
    RESET_LINK_FAILURES_PER_ADDRESS = "20 per hour"
    #: number of reverse proxies in front of the app whose X-Forwarded-For may be trusted
    PROXY_COUNT = 0

    #: may people create their own trainee account at /register?
    SELF_REGISTRATION = False
    MIN_PASSWORD_LENGTH = 10

    #: how far back a trainee may log hours, in days
    HOURS_MAX_AGE_DAYS = 365
    #: how long after approving an hours entry its supervisor may undo the approval, in
    #: minutes (``training.supervise.undo``); 0 turns undoing off
    SIGNOFF_UNDO_MINUTES = 15
    #: the certification track trainees work toward (a file name in content/tracks/)
    DEFAULT_TRACK = "peer-recovery"

    #: the name printed as signatory on certificates issued automatically
    CERTIFICATE_SIGNATORY = "Program lead"
    #: paths of the program's logo and the signatory's signature, printed on certificates: PNG,
    #: JPEG or SVG files of at most 1 MB, read and checked when the app starts (it refuses to
    #: start if one cannot be used; ``training.certs.design``). Empty: the program's name as a
    #: wordmark, and a line to sign on.
    CERTIFICATE_LOGO = ""
    CERTIFICATE_SIGNATURE = ""
    #: the site's public address, e.g. https://training.example.org: the only source of every
    #: absolute URL that is signed, printed or handed over (certificates, QR codes, reset links;
    #: see ``training.urls``). Required in production; debug mode and tests use
    #: http://127.0.0.1:5000. In production TRUSTED_HOSTS defaults to its host.
    PUBLIC_BASE_URL = ""
    #: path of the Ed25519 signing key (default: instance/certificate_signing_key.pem)
    CERTIFICATE_SIGNING_KEY_FILE = ""
    #: days before expiry when the trainee sees a renewal reminder
    RENEWAL_REMINDER_DAYS = 60
    #: verification lookups allowed per client
    VERIFY_RATE_LIMIT = "30 per minute; 300 per hour"
    #: the largest file a person may upload (a certificate of completion, exam evidence), in
    #: bytes; a request body larger than MAX_CONTENT_LENGTH (the file and the form around it) is
    #: refused before it is read, with a page that says so (``training.outside``, which also
    #: raises MAX_CONTENT_LENGTH when only UPLOAD_MAX_BYTES is raised)
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    MAX_CONTENT_LENGTH = UPLOAD_MAX_BYTES + 256 * 1024

    # Email (``training.mail``). Messages are written to an outbox with the event they tell of;
    # ``flask --app wsgi mail send`` sends them. With no MAIL_SERVER they wait in the outbox
    # (the lead's mail console lists them) and "Forgot your password?" is not offered.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    #: STARTTLS after connecting (port 587); MAIL_USE_SSL: TLS from the start (port 465)
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    #: the From address, e.g. "Peer Support Training <training@example.org>"; a bare address
    #: is shown with PROGRAM_NAME
    MAIL_DEFAULT_SENDER = ""
    #: where replies go (a mailbox people read): every message then says so; empty: no Reply-To
    MAIL_REPLY_TO = ""
    #: seconds to wait for the SMTP server (connecting, and each command)
    MAIL_TIMEOUT = 10
    #: a supervisor's digest of what waits for them comes at most once per this many hours;
    #: 0 sends a message for each entry or practice response at once
    MAIL_DIGEST_HOURS = 24
    #: attempts before a message is given up (failed); the waits between them grow from one
    #: minute to six hours
    MAIL_MAX_ATTEMPTS = 12
    #: sent messages (and their attempts) are removed after this many days; 0 keeps them
    MAIL_KEEP_DAYS = 90
    #: days before a certificate expires when its holder is reminded by email
    MAIL_RENEWAL_DAYS = [60, 30, 7]
    #: how long a link to set a password lasts: from an invitation (hours), from "Forgot your
    #: password?" (minutes)
    INVITATION_VALID_HOURS = 7 * 24
    FORGOT_PASSWORD_VALID_MINUTES = 60
    #: "Forgot your password?" requests allowed per client address and per email address
    FORGOT_PASSWORD_PER_ADDRESS = "10 per hour"  # noqa: S105 (a rate, not a password)
    FORGOT_PASSWORD_PER_EMAIL = "3 per hour"  # noqa: S105 (a rate, not a password)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production-use"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"  # also for the tests that turn TESTING off


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
