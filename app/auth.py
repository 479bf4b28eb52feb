"""Who may use the explorer: HTTP basic auth against hashed passwords, or a trusted reverse-proxy header.

Nothing is configured by default, and then the app is open to whoever reaches it, which is why
``chokepoint serve`` binds 127.0.0.1 and refuses any other address until one of these is set:

- ``CHOKEPOINT_USERS_FILE``: a file of ``name:hash`` lines (``#`` comments and blank lines allowed),
  written by ``chokepoint users add NAME``; or ``CHOKEPOINT_USERS``: the same entries in the
  environment, separated by spaces or commas. Hashes are scrypt (:func:`hash_password`).
- ``CHOKEPOINT_TRUSTED_USER_HEADER``: the header in which a reverse proxy that has already
  authenticated the user names them (e.g. ``X-Remote-User``). It is honoured only on requests that
  come from ``CHOKEPOINT_TRUSTED_PROXIES`` (addresses or networks), which must be set too: no address
  is trusted by default, so a client (or another local process) cannot name itself.

When either is configured, :func:`install` checks every request to the Flask server behind Dash (the
page, its assets and scripts, every ``_dash-update-component`` callback): 401 otherwise, with a
``WWW-Authenticate: Basic`` challenge when basic auth is on. :func:`current_user` names the user of
the request being served (for the audit log).

Password guessing is bounded (:class:`LoginLimits`): after ``per_address`` failed logins from one
address within ``window`` seconds that address gets 429 with ``Retry-After`` for the rest of the window,
and after ``per_user`` failures for one user name, so does every address but those the user logged in
from; at most ``checks`` scrypt checks (32 MiB each) run at once, and a request that finds none free
within a second gets 503 with ``Retry-After``, without a check.

>>> encoded = hash_password("correct horse", n=2**10)
>>> verify_password("correct horse", encoded), verify_password("wrong", encoded)
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import math
import os
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from chokepoint.graph.errors import ConfigError

__all__ = ["AuthConfig", "config_from_env", "current_user", "hash_password", "verify_password", "read_users",
           "write_user", "install", "LoginLimits", "USERS_FILE_ENV", "USERS_ENV", "HEADER_ENV", "PROXIES_ENV"]

USERS_FILE_ENV = "CHOKEPOINT_USERS_FILE"
USERS_ENV = "CHOKEPOINT_USERS"
HEADER_ENV = "CHOKEPOINT_TRUSTED_USER_HEADER"
PROXIES_ENV = "CHOKEPOINT_TRUSTED_PROXIES"
REALM = "Chokepoint"

# scrypt: 32 MiB and about 0.15 s per hash on the build machines; the parameters travel in the hash
SCRYPT_N, SCRYPT_R, SCRYPT_P, SALT_BYTES, KEY_BYTES = 2**15, 8, 1, 16, 32
_MAXMEM = 256 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9_.@+-]{1,64}\Z")
_VERIFIED_SECONDS = 300          # a checked "Authorization" header is trusted this long (per process)
_VERIFIED_MAX = 1024
_FAILURES_MAX = 100_000     # addresses and user names with recent failures kept in memory


# -- passwords ------------------------------------------------------------------------------------
def hash_password(password: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$N$r$p$salt$key`` (salt and key in base64) for ``password``, with a fresh random salt."""
    if not password:
        raise ConfigError("the password is empty")
    salt = secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=KEY_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded`` (from :func:`hash_password`); compared in constant time."""
    try:
        n, r, p, salt, key = _parse_hash(encoded)
    except ValueError:
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=len(key))
    return hmac.compare_digest(got, key)


def _parse_hash(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("not a scrypt$N$r$p$salt$key hash")
    n, r, p = (int(x) for x in parts[1:4])
    if n < 2 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16 or 128 * n * r * p > _MAXMEM:
        raise ValueError("scrypt parameters out of range")
    salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    if len(salt) < 8 or len(key) < 16:
        raise ValueError("salt or key too short")
    return n, r, p, salt, key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# -- users ----------------------------------------------------------------------------------------
def parse_users(text: str, where: str, separators: str = r"\n") -> dict[str, str]:
    """``{name: hash}`` from ``name:hash`` entries; a bad entry is a :class:`ConfigError` naming it."""
    users: dict[str, str] = {}
    for number, entry in enumerate(re.split(separators, text), start=1):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        name, sep, encoded = entry.partition(":")
        at = f"{where}, entry {number}" if separators != r"\n" else f"{where}:{number}"
        if not sep or not _NAME.match(name):
            raise ConfigError(f"{at}: expected NAME:HASH with a name of letters, digits and _.@+- "
                              "(make entries with `chokepoint users add NAME`)")
        try:
            _parse_hash(encoded)
        except ValueError as err:
            raise ConfigError(f"{at}: the hash of {name!r} is not usable ({err}); "
                              "make it with `chokepoint users hash`") from err
        users[name] = encoded
    return users


def read_users(path: Path) -> dict[str, str]:
    """The users in a users file (``name:hash`` per line)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read the users file {path} ({USERS_FILE_ENV}): {err.strerror}") from err
    return parse_users(text, str(path))


def write_user(path: Path, name: str, encoded: str) -> bool:
    """Add ``name`` to the users file (replacing its old hash); the file is created with mode 0600.

    Returns True when the name was already there (its password is changed)."""
    if not _NAME.match(name):
        raise ConfigError(f"user name {name!r}: use 1-64 letters, digits and _.@+-")
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if line.strip().partition(":")[0] != name]
    kept.append(f"{name}:{encoded}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(kept) + "\n")
    return len(kept) == len(lines)


# -- configuration --------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginLimits:
    """Bounds on password guessing: failed logins per address and per user name within ``window``
    seconds, and scrypt checks running at once (a request waits at most ``wait`` seconds for one)."""

    per_address: int = 10
    per_user: int = 30
    window: float = 900.0
    checks: int = 4
    wait: float = 1.0


@dataclass(frozen=True)
class AuthConfig:
    """Who may use the app: ``users`` (basic auth) and/or a trusted proxy ``header``. Empty: no checks."""

    users: Mapping[str, str] = field(default_factory=dict)
    header: str | None = None
    proxies: tuple[str, ...] = ()
    source: str = ""
    limits: LoginLimits = LoginLimits()

    @property
    def enabled(self) -> bool:
        return bool(self.users) or bool(self.header)

    def describe(self) -> str:
        """One line saying which methods are on, for ``serve``."""
        parts = []
        if self.users:
            parts.append(f"basic auth ({len(self.users)} user{'s' * (len(self.users) != 1)} from {self.source})")
        if self.header:
            parts.append(f"trusted header {self.header} from {', '.join(self.proxies)}")
        return " or ".join(parts) if parts else "none"

    def trusts(self, remote_addr: str | None) -> bool:
        try:
            addr = ipaddress.ip_address(remote_addr or "")
        except ValueError:
            return False
        return any(addr in ipaddress.ip_network(p, strict=False) for p in self.proxies)


def config_from_env(environ: Mapping[str, str] = os.environ) -> AuthConfig:
    """The authentication settings from the environment (see the module docstring)."""
    users: dict[str, str] = {}
    sources = []
    if environ.get(USERS_FILE_ENV):
        users.update(read_users(Path(environ[USERS_FILE_ENV])))
        sources.append(environ[USERS_FILE_ENV])
    if environ.get(USERS_ENV):
        users.update(parse_users(environ[USERS_ENV], USERS_ENV, separators=r"[\s,]+"))
        sources.append(USERS_ENV)
    if (USERS_FILE_ENV in environ or USERS_ENV in environ) and not users:
        raise ConfigError(f"{' and '.join(sources) or USERS_FILE_ENV} names no users; "
                          "add one with `chokepoint users add NAME`")
    header = (environ.get(HEADER_ENV) or "").strip() or None
    if header and not re.fullmatch(r"[A-Za-z0-9-]+", header):
        raise ConfigError(f"{HEADER_ENV}={header!r} is not a header name")
    proxies = tuple(p.strip() for p in (environ.get(PROXIES_ENV) or "").split(",") if p.strip())
    if header and not proxies:
        raise ConfigError(f"{HEADER_ENV} is set but {PROXIES_ENV} is not: name the reverse proxy's addresses "
                          "(e.g. 127.0.0.1); no address is trusted by default")
    for p in proxies:
        try:
            ipaddress.ip_network(p, strict=False)
        except ValueError as err:
            raise ConfigError(f"{PROXIES_ENV}: {p!r} is not an address or network") from err
    return AuthConfig(users=users, header=header, proxies=proxies, source=" and ".join(sources))


# -- enforcement ----------------------------------------------------------------------------------
_USER_KEY = "chokepoint_user"


def current_user() -> str | None:
    """The authenticated user of the request being served; None without authentication or a request."""
    from flask import g, has_request_context

    return g.get(_USER_KEY) if has_request_context() else None


def install(server, config: AuthConfig) -> None:
    """Check every request to the Flask ``server`` against ``config`` (nothing when it is not enabled).

    The password checker is kept in ``server.extensions["chokepoint_auth"]``."""
    if not config.enabled:
        return
    from flask import Response, g, request

    checker = _BasicChecker(config.users, config.limits)
    server.extensions["chokepoint_auth"] = checker

    @server.before_request
    def _authenticate():
        if config.header and config.trusts(request.remote_addr):
            name = (request.headers.get(config.header) or "").strip()
            if name:
                g.setdefault(_USER_KEY, name)
                return None
        if config.users:
            verdict = checker.check(request.headers.get("Authorization"), _client_address(request, config))
            if verdict.name:
                g.setdefault(_USER_KEY, verdict.name)
                return None
            if verdict.status != 401:
                return Response(verdict.message + "\n", verdict.status, {
                    "Retry-After": str(verdict.retry_after), "Content-Type": "text/plain"})
            return Response("Authentication required.\n", 401, {
                "WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"', "Content-Type": "text/plain"})
        return Response("Authentication required (through the reverse proxy).\n", 401,
                        {"Content-Type": "text/plain"})


def _client_address(request, config: AuthConfig) -> str:
    """The address failed logins are counted against: the peer, or, when the peer is a trusted proxy,
    the last address it names in ``X-Forwarded-For`` (else every user behind it would share one count)."""
    peer = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and config.proxies and config.trusts(peer):
        return forwarded.split(",")[-1].strip()[:64] or peer
    return peer


@dataclass(frozen=True)
class _Verdict:
    name: str | None = None
    status: int = 401
    retry_after: int = 0
    message: str = ""


class _BasicChecker:
    """Checks ``Authorization: Basic`` headers; a header that passed is remembered for a few minutes, so
    the many requests of one page do not each pay for scrypt (keyed by an HMAC under a per-process key).
    A header that failed is remembered for the window too: sending it again costs no check and is not
    counted again (a browser retrying one wrong password is one failure)."""

    def __init__(self, users: Mapping[str, str], limits: LoginLimits):
        self.users = dict(users)
        self.limits = limits
        self._key = secrets.token_bytes(32)
        self._verified: dict[bytes, tuple[str, float]] = {}
        self._refused: dict[bytes, float] = {}
        self._failures: dict[str, list[float]] = {}       # "addr:..." / "user:..." -> times of failures
        self._known: dict[tuple[str, str], float] = {}    # (user, address) that logged in -> until when
        self._lock = threading.Lock()
        #: at most ``limits.checks`` password checks at once
        self.checks = threading.BoundedSemaphore(limits.checks)
        self._dummy = hash_password(secrets.token_hex(8))

    def check(self, header: str | None, address: str) -> _Verdict:
        if not header or not header[:6].lower() == "basic ":
            return _Verdict()
        digest = hmac.new(self._key, header.encode("utf-8", "surrogateescape"), hashlib.sha256).digest()
        now = time.monotonic()
        hit = self._remembered(digest, now)
        if hit:
            return _Verdict(hit)
        if wait := self._blocked(f"addr:{address}", self.limits.per_address, now):
            return _Verdict(status=429, retry_after=wait, message="Too many failed logins from this address.")
        try:
            name, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            self._failed(digest, address, None, now)
            return _Verdict()
        encoded = self.users.get(name)
        name = name[:64]   # (names that are no user are limited too: a 429 must not tell who exists)
        if (name, address) not in self._known_now(now):
            if wait := self._blocked(f"user:{name}", self.limits.per_user, now):
                return _Verdict(status=429, retry_after=wait, message="Too many failed logins for this user.")
        with self._lock:
            if self._refused.get(digest, 0) > now:
                return _Verdict()
        if not self.checks.acquire(timeout=self.limits.wait):
            return _Verdict(status=503, retry_after=1, message="Too many logins at once; try again in a moment.")
        try:
            hit = self._remembered(digest, time.monotonic())  # a request of the same page may have checked it
            if hit:
                return _Verdict(hit)
            ok = verify_password(password, encoded or self._dummy) and encoded is not None
        finally:
            self.checks.release()
        now = time.monotonic()
        if not ok:
            self._failed(digest, address, name, now)
            return _Verdict()
        with self._lock:
            if len(self._verified) >= _VERIFIED_MAX:
                self._verified.clear()
            self._verified[digest] = (name, now + _VERIFIED_SECONDS)
            if len(self._known) >= _VERIFIED_MAX:
                self._known.clear()
            self._known[(name, address)] = now + self.limits.window
        return _Verdict(name)

    def _remembered(self, digest: bytes, now: float) -> str | None:
        with self._lock:
            hit = self._verified.get(digest)
        return hit[0] if hit and hit[1] > now else None

    def _known_now(self, now: float) -> set[tuple[str, str]]:
        with self._lock:
            return {k for k, until in self._known.items() if until > now}

    def _blocked(self, key: str, limit: int, now: float) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        with self._lock:
            times = [t for t in self._failures.get(key, ()) if t > now - self.limits.window]
        if len(times) < limit:
            return 0
        return max(1, math.ceil(times[-limit] + self.limits.window - now))

    def _failed(self, digest: bytes, address: str, user: str | None, now: float) -> None:
        with self._lock:
            if len(self._failures) >= _FAILURES_MAX or len(self._refused) >= _FAILURES_MAX:
                self._prune(now)
            self._refused[digest] = now + self.limits.window
            for key in (f"addr:{address}", *([f"user:{user}"] if user else [])):
                times = [t for t in self._failures.get(key, ()) if t > now - self.limits.window]
                self._failures[key] = [*times[-(self.limits.per_user + self.limits.per_address):], now]

    def _prune(self, now: float) -> None:
        """Forget what the window no longer counts; if that is not enough, forget the oldest half."""
        cutoff = now - self.limits.window
        self._failures = {k: v for k, v in self._failures.items() if v and v[-1] > cutoff}
        self._refused = {k: v for k, v in self._refused.items() if v > now}
        for table in (self._failures, self._refused):
            if len(table) >= _FAILURES_MAX:
                for k in list(table)[: len(table) // 2]:
                    del table[k]
