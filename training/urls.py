"""The site's public address: every absolute URL that is signed, printed, mailed or handed over.

Such a URL comes from ``PUBLIC_BASE_URL`` only, never from the request (``Host``,
``X-Forwarded-Host``, ``request.host_url``, ``url_for(_external=True)``): otherwise anyone could
get a genuinely signed certificate, or a password-reset link, pointing at a site of their own by
sending a forged header. ``configure`` checks the setting when the app starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app
from werkzeug.exceptions import SecurityError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: where ``flask run`` (and ``scripts/demo``) serves the site: the default in debug and tests
DEV_SERVER_URL = "http://127.0.0.1:5000"
#: names a reverse proxy on the same machine may send as Host (nginx's default is the upstream's)
LOCAL_HOSTS = ["localhost", "127.0.0.1"]
#: answers the same whatever the Host, so a load balancer may probe a server by its own address
HEALTH_CHECK_PATH = "/healthz"
UNKNOWN_HOST = "This site is not served under that address. Please check the address you used.\n"


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute public URL of ``endpoint`` (a full name such as ``"certs.verify_code"``).

    Works inside and outside a request (commands such as ``flask demo`` issue certificates).
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def configure(app: Flask) -> None:
    """Check ``PUBLIC_BASE_URL`` (required in production) and default ``TRUSTED_HOSTS``.

    In debug mode and tests the address defaults to the development server's. In production the
    app refuses to start without it, and ``TRUSTED_HOSTS`` defaults to its host (plus the local
    names a reverse proxy on the same machine sends), so a request naming another host gets 400;
    ``FLASK_TRUSTED_HOSTS='[]'`` turns that check off. ``/healthz`` answers whatever the host.
    """
    from training import ConfigurationError

    raw = (app.config.get("PUBLIC_BASE_URL") or "").strip()
    development = app.debug or app.testing
    if not raw:
        if not development:
            raise ConfigurationError(
                "No PUBLIC_BASE_URL is set. Set FLASK_PUBLIC_BASE_URL to the address people use "
                "to reach the site (for example https://training.example.org): certificates, "
                "their QR codes and password reset links point there."
            )
        raw = DEV_SERVER_URL
    problem = _problem_with(raw)
    if problem:
        raise ConfigurationError(f"PUBLIC_BASE_URL {raw!r} is not usable: {problem}.")
    app.config["PUBLIC_BASE_URL"] = raw.rstrip("/")
    if not development and app.config.get("TRUSTED_HOSTS") is None:
        public_host = urlsplit(raw).hostname
        app.config["TRUSTED_HOSTS"] = [public_host, *(h for h in LOCAL_HOSTS if h != public_host)]
    if app.config.get("TRUSTED_HOSTS"):
        # Host names are case-insensitive (RFC 3986, section 3.2.2), but Werkzeug compares the
        # request's host with TRUSTED_HOSTS exactly as sent: both sides are lowercased.
        app.config["TRUSTED_HOSTS"] = [h.lower() for h in app.config["TRUSTED_HOSTS"]]
        host = urlsplit(raw).netloc.lower()
        app.wsgi_app = _host_checked_as_lowercase(app.wsgi_app, host)  # type: ignore[method-assign]
    app.register_error_handler(SecurityError, _unknown_host)


def _unknown_host(error: SecurityError) -> Response:
    """400 for a Host outside TRUSTED_HOSTS, as plain text: the friendly error page cannot be
    drawn, as Flask builds no URLs for a request it does not trust."""
    return Response(UNKNOWN_HOST, status=400, mimetype="text/plain")


def _problem_with(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number in range)
    except ValueError as error:
        return str(error)
    if parts.scheme not in ("http", "https"):
        return "it must start with https:// (or http://)"
    if not parts.hostname:
        return "it has no host name"
    if parts.username is not None or parts.password is not None:
        return "it must not contain a user name or password"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return "it must not contain a query (?…) or fragment (#…)"
    if any(c.isspace() for c in url):
        return "it must not contain spaces"
    return None


def _host_checked_as_lowercase(
    wsgi_app: WSGIApplication, host: str
) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    """Lowercase the request's Host before Flask checks it (``LOCALHOST`` is ``localhost``). It
    runs after ProxyFix, so a forwarded host is lowercased too. And let ``/healthz`` through
    whatever Host a load balancer sends (often the server's own address): its answer holds no
    URL and no data, so the host it names cannot matter."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_CHECK_PATH:
            environ = {**environ, "HTTP_HOST": host}
        elif "HTTP_HOST" in environ:
            environ = {**environ, "HTTP_HOST": environ["HTTP_HOST"].lower()}
        return wsgi_app(environ, start_response)

    return app
