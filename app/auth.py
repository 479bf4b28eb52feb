"""Who may use the explorer: HTTP basic auth against hashed passwords, or a trusted reverse-proxy header.

Nothing is configured by default, and then the app is open to whoever reaches it, which is why
``chokepoint serve`` binds 127.0.0.1 and refuses any other address until one of these is set:

- ``CHOKEPOINT_USERS_FILE``: a file of ``name:hash`` lines (``#`` comments and blank lines allowed),
  written by ``chokepoint users add NAME``; or ``CHOKEPOINT_USERS``: the same entries in the
  environment, separated by spaces or commas. Hashes are scrypt (:func:`hash_password`).
- ``CHOKEPOINT_TRUSTED_USER_HEADER``: the header in which a reverse proxy that has already
  authenticated the user names them (e.g. ``X-Remote-User``). It is honoured only on requests that
  come from ``CHOKEPOINT_TRUSTED_PROXIES`` (addresses or networks; default the loopback addresses),
  so a client that reaches the app directly cannot name itself.

When either is configured, :func:`install` checks every request to the Flask server behind Dash (the
page, its assets and scripts, every ``_dash-update-component`` callback): 401 otherwise, with a
``WWW-Authenticate: Basic`` challenge when basic auth is on. :func:`current_user` names the user of
the request being served (for the audit log).

>>> encoded = hash_password("correct horse", n=2**10)
>>> verify_password("correct horse", encoded), verify_password("wrong", encoded)
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
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
           "write_user", "install", "USERS_FILE_ENV", "USERS_ENV", "HEADER_ENV", "PROXIES_ENV"]

USERS_FILE_ENV = "CHOKEPOINT_USERS_FILE"
USERS_ENV = "CHOKEPOINT_USERS"
HEADER_ENV = "CHOKEPOINT_TRUSTED_USER_HEADER"
PROXIES_ENV = "CHOKEPOINT_TRUSTED_PROXIES"
DEFAULT_PROXIES = ("127.0.0.1", "::1")
REALM = "Chokepoint"

# scrypt: 32 MiB and about 0.15 s per hash on the build machines; the parameters travel in the hash
SCRYPT_N, SCRYPT_R, SCRYPT_P, SALT_BYTES, KEY_BYTES = 2**15, 8, 1, 16, 32
_MAXMEM = 256 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9_.@+-]{1,64}\Z")
_VERIFIED_SECONDS = 300          # a checked "Authorization" header is trusted this long (per process)
_VERIFIED_MAX = 1024


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
class AuthConfig:
    """Who may use the app: ``users`` (basic auth) and/or a trusted proxy ``header``. Empty: no checks."""

    users: Mapping[str, str] = field(default_factory=dict)
    header: str | None = None
    proxies: tuple[str, ...] = DEFAULT_PROXIES
    source: str = ""

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
    proxies = tuple(p.strip() for p in (environ.get(PROXIES_ENV) or "").split(",") if p.strip()) or DEFAULT_PROXIES
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
    """Check every request to the Flask ``server`` against ``config`` (nothing when it is not enabled)."""
    if not config.enabled:
        return
    from flask import Response, g, request

    checker = _BasicChecker(config.users)

    @server.before_request
    def _authenticate():
        if config.header and config.trusts(request.remote_addr):
            name = (request.headers.get(config.header) or "").strip()
            if name:
                g.setdefault(_USER_KEY, name)
                return None
        if config.users:
            name = checker.check(request.headers.get("Authorization"))
            if name:
                g.setdefault(_USER_KEY, name)
                return None
            return Response("Authentication required.\n", 401, {
                "WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"', "Content-Type": "text/plain"})
        return Response("Authentication required (through the reverse proxy).\n", 401,
                        {"Content-Type": "text/plain"})


class _BasicChecker:
    """Checks ``Authorization: Basic`` headers; a header that passed is remembered for a few minutes, so
    the many requests of one page do not each pay for scrypt (keyed by an HMAC under a per-process key)."""

    def __init__(self, users: Mapping[str, str]):
        self.users = dict(users)
        self._key = secrets.token_bytes(32)
        self._verified: dict[bytes, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._dummy = hash_password(secrets.token_hex(8))

    def check(self, header: str | None) -> str | None:
        if not header or not header[:6].lower() == "basic ":
            return None
        digest = hmac.new(self._key, header.encode("utf-8", "surrogateescape"), hashlib.sha256).digest()
        now = time.monotonic()
        with self._lock:
            hit = self._verified.get(digest)
        if hit and hit[1] > now:
            return hit[0]
        try:
            name, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        encoded = self.users.get(name)
        ok = verify_password(password, encoded or self._dummy) and encoded is not None
        if not ok:
            return None
        with self._lock:
            if len(self._verified) >= _VERIFIED_MAX:
                self._verified.clear()
            self._verified[digest] = (name, now + _VERIFIED_SECONDS)
        return name
