"""The web app's guards that do not depend on who the user is: the Host names it answers, the security
headers of every response, and the short Neo4j timeouts of an interactive app.

- **Hosts.** A request whose ``Host`` header is not an allowed name gets 400 and nothing else (no page,
  no script, no callback, no password check), so a DNS-rebinding page cannot drive the app through the
  victim's browser. Allowed: the loopback names (``localhost``, ``127.0.0.1``, ``[::1]``), the address
  ``serve --host`` binds when it is not a wildcard, and the names in ``CHOKEPOINT_ALLOWED_HOSTS``
  (comma-separated); any port.
- **Headers.** Every response carries ``Content-Security-Policy`` (scripts from the app itself and the
  hashes of Dash's own inline scripts; no frames; no other origin), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` and ``X-Frame-Options: DENY``; every response but the static files
  (``/assets/``, ``/_dash-component-suites/``) carries ``Cache-Control: no-store``: the page, the layout
  and every callback answer (search results, details, exports) hold case data.

>>> allowed_hosts({ALLOWED_HOSTS_ENV: "chokepoint.example.org, 10.0.0.5"}, bind="0.0.0.0")
('localhost', '127.0.0.1', '[::1]', 'chokepoint.example.org', '10.0.0.5')
>>> host_allowed("LocalHost:8050", ("localhost",)), host_allowed("evil.example:8050", ("localhost",))
(True, False)
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from chokepoint.graph.config import Settings
from chokepoint.graph.errors import ConfigError

__all__ = ["ALLOWED_HOSTS_ENV", "LOOPBACK_HOSTS", "APP_RETRY_SECONDS", "APP_CONNECT_SECONDS", "allowed_hosts",
           "host_allowed", "content_security_policy", "install", "app_settings"]

ALLOWED_HOSTS_ENV = "CHOKEPOINT_ALLOWED_HOSTS"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
WILDCARDS = ("", "0.0.0.0", "::", "[::]", "*")
#: Neo4j settings of the app's store: a callback waits at most about 2 * connect + 1 s (one retry after
#: about a second) before it shows the banner, where the CLI keeps retrying for CHOKEPOINT_RETRY_SECONDS
APP_RETRY_SECONDS = 0.5
APP_CONNECT_SECONDS = 1.0
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
_NAME = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)\Z")


def app_settings(settings: Settings) -> Settings:
    """``settings`` for the app's store: a short retry and connect timeout, so that while Neo4j is down a
    callback answers within about 3 s with the banner instead of retrying for ``retry_seconds``."""
    return replace(settings, retry_seconds=min(settings.retry_seconds, APP_RETRY_SECONDS),
                   connect_seconds=min(settings.connect_seconds, APP_CONNECT_SECONDS))


# -- hosts ----------------------------------------------------------------------------------------
def allowed_hosts(environ: Mapping[str, str] = os.environ, bind: str | None = None) -> tuple[str, ...]:
    """The Host names the app answers: loopback, ``bind`` unless it is a wildcard, ``CHOKEPOINT_ALLOWED_HOSTS``."""
    names = list(LOOPBACK_HOSTS)
    extra = [] if bind is None or bind.strip() in WILDCARDS else [bind]
    extra += [n for n in (environ.get(ALLOWED_HOSTS_ENV) or "").split(",") if n.strip()]
    for raw in extra:
        name = _normal(raw.strip())
        if not _NAME.match(name):
            raise ConfigError(f"{ALLOWED_HOSTS_ENV}: {raw.strip()!r} is not a host name or address "
                              "(names only, e.g. chokepoint.example.org; any port is accepted)")
        if name not in names:
            names.append(name)
    return tuple(names)


def host_allowed(host: str | None, allowed: Iterable[str]) -> bool:
    """True when the ``Host`` header ``host`` names one of ``allowed`` (with any port, or none)."""
    if not host:
        return False
    host = host.strip().lower()
    if host.startswith("["):
        name, _, port = host.partition("]")
        name, port = name + "]", port.removeprefix(":")
    else:
        name, _, port = host.partition(":")
    if port and not port.isdigit():
        return False
    return name in allowed


def _normal(name: str) -> str:
    """Lower case; a bare IPv6 address in brackets, as a Host header writes it."""
    name = name.lower().removesuffix(".")
    try:
        if ipaddress.ip_address(name.strip("[]")).version == 6:
            return f"[{name.strip('[]')}]"
    except ValueError:
        pass
    return name


# -- headers --------------------------------------------------------------------------------------
def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy: everything from the app itself; scripts also by the hashes of Dash's inline scripts.

    Styles allow ``'unsafe-inline'``: Plotly, AG Grid and the dropdowns write ``<style>`` elements and
    style attributes at run time (styles cannot run code)."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{k} {v}" for k, v in directives.items())


def install(server, hosts: Iterable[str], policy: str) -> None:
    """Wrap the Flask ``server``: refuse other Host names before anything runs (authentication included),
    and add the security headers to every response, refusals too."""
    allowed = tuple(hosts)
    server.extensions["chokepoint_hosts"] = allowed
    inner = server.wsgi_app
    common = [("Content-Security-Policy", policy), ("X-Content-Type-Options", "nosniff"),
              ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")]

    def guarded(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        extra = common if path.startswith(STATIC_PREFIXES) else [*common, ("Cache-Control", "no-store")]

        def start(status, headers, exc_info=None):
            names = {h.lower() for h in (n for n, _ in extra)}
            kept = [(n, v) for n, v in headers if n.lower() not in names]
            return start_response(status, kept + extra, exc_info)

        if not host_allowed(environ.get("HTTP_HOST"), allowed):
            body = (f"Unknown Host header: this server answers only its own names (add one to "
                    f"{ALLOWED_HOSTS_ENV}).\n").encode()
            start("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        return inner(environ, start)

    server.wsgi_app = guarded
