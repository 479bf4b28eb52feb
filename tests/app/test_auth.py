"""Authentication of the web app: scrypt hashes, basic auth and the trusted proxy header on a real server
with real HTTP requests, the ``users`` commands, and ``serve`` refusing a public bind without either."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
import sys
import urllib.error
import urllib.request

import dash
import pytest
from typer.testing import CliRunner

from chokepoint.app import auth
from chokepoint.cli.main import app as cli
from chokepoint.graph.errors import ConfigError
from chokepoint.graph.store import Store
from tests_support import serve_in_thread

runner = CliRunner()
AUTH_ENV = (auth.USERS_FILE_ENV, auth.USERS_ENV, auth.HEADER_ENV, auth.PROXIES_ENV,
            "CHOKEPOINT_ALLOW_UNAUTHENTICATED_BIND")
FAST_N = 2**10   # scrypt cost for the test's own hashes (the parameters travel in the hash)


def basic(name: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()


def get(url: str, headers: dict | None = None, data: dict | None = None) -> tuple[int, dict, str]:
    """Status, headers and body of one real HTTP request (POST with JSON when ``data``)."""
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={**(headers or {}),
                                                          **({"Content-Type": "application/json"} if body else {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


# the health check: the first callback a page runs, through Dash's one callback endpoint
HEALTH_CALLBACK = {"output": "store-status.children", "outputs": {"id": "store-status", "property": "children"},
                   "inputs": [{"id": "health-interval", "property": "n_intervals", "value": 1}],
                   "changedPropIds": ["health-interval.n_intervals"], "state": []}


@pytest.fixture(scope="module")
def serve(store):
    """Factory: the real app over ``store`` with an auth config, on a free loopback port; plus ``/whoami``,
    which answers :func:`app.auth.current_user` for the request."""
    from chokepoint.app.main import create_app

    servers = []

    def factory(config: auth.AuthConfig) -> str:
        dash_app = create_app(store, config)
        dash_app.server.add_url_rule("/whoami", "whoami", lambda: repr(auth.current_user()))
        return serve_in_thread(dash_app.server, servers)

    yield factory
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("auth") / "users"
    auth.write_user(path, "ana", auth.hash_password("s3cret pass", n=FAST_N))
    auth.write_user(path, "ben", auth.hash_password("other", n=FAST_N))
    return path


# -- hashes -------------------------------------------------------------------------------------------
def test_hash_round_trip_with_salt_and_parameters():
    encoded = auth.hash_password("correct horse battery staple")
    scheme, n, r, p, salt, key = encoded.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert auth.verify_password("correct horse battery staple", encoded)
    assert not auth.verify_password("correct horse battery stapl", encoded)
    assert not auth.verify_password("", encoded)
    assert auth.hash_password("same", n=FAST_N) != auth.hash_password("same", n=FAST_N)   # fresh salt
    for broken in ("", "plain", "md5$x", encoded.replace("scrypt", "pbkdf2"), "scrypt$3$8$1$AAAA$AAAA"):
        assert not auth.verify_password("correct horse battery staple", broken)
    with pytest.raises(ConfigError):
        auth.hash_password("")


def test_users_file_and_environment_entries_are_checked(tmp_path):
    good = auth.hash_password("pw", n=FAST_N)
    path = tmp_path / "users"
    path.write_text(f"# team\nana:{good}\n\nbob:not-a-hash\n")
    with pytest.raises(ConfigError, match=rf"{path}:4: the hash of 'bob' is not usable"):
        auth.read_users(path)
    path.write_text(f"an a:{good}\n")
    with pytest.raises(ConfigError, match=rf"{path}:1: expected NAME:HASH"):
        auth.read_users(path)
    with pytest.raises(ConfigError, match="cannot read the users file"):
        auth.config_from_env({auth.USERS_FILE_ENV: str(tmp_path / "missing")})
    config = auth.config_from_env({auth.USERS_ENV: f"ana:{good}, bob:{good}"})
    assert set(config.users) == {"ana", "bob"} and config.describe() == "basic auth (2 users from CHOKEPOINT_USERS)"
    path.write_text("# nobody yet\n")
    with pytest.raises(ConfigError, match="names no users"):
        auth.config_from_env({auth.USERS_FILE_ENV: str(path)})
    with pytest.raises(ConfigError, match="not a header name"):
        auth.config_from_env({auth.HEADER_ENV: "X-User: admin"})
    assert not auth.config_from_env({}).enabled


# -- basic auth on a real server -----------------------------------------------------------------------
def test_basic_auth_guards_every_request(serve, users_file):
    config = auth.config_from_env({auth.USERS_FILE_ENV: str(users_file)})
    url = serve(config)
    page = get(url + "/", {"Authorization": basic("ana", "s3cret pass")})[2]
    script = re.search(r'src="(/_dash-component-suites/[^"]+)"', page).group(1)
    paths = ["/", "/_dash-layout", "/_dash-dependencies", "/assets/chokepoint.js", "/whoami", script]
    for path in paths:
        status, headers, _ = get(url + path)
        assert status == 401, path
        assert headers["WWW-Authenticate"].startswith('Basic realm="Chokepoint"'), path
        assert get(url + path, {"Authorization": basic("ana", "wrong")})[0] == 401, path
        assert get(url + path, {"Authorization": basic("nobody", "s3cret pass")})[0] == 401, path
        assert get(url + path, {"Authorization": basic("ana", "s3cret pass")})[0] == 200, path
    # the callback endpoint too: refused without credentials, answered with them
    assert get(url + "/_dash-update-component", data=HEALTH_CALLBACK)[0] == 401
    status, _, body = get(url + "/_dash-update-component", {"Authorization": basic("ben", "other")}, HEALTH_CALLBACK)
    assert status == 200 and json.loads(body)["response"]["store-status"]["children"] == ""
    # the user is named for the request (and only for that request)
    assert get(url + "/whoami", {"Authorization": basic("ana", "s3cret pass")})[2] == "'ana'"
    assert get(url + "/whoami", {"Authorization": basic("ben", "other")})[2] == "'ben'"
    # a header without the basic scheme, or garbage in it, is refused, not an error
    for junk in ("Bearer abc", "Basic ***", "Basic " + base64.b64encode(b"\xff\xfe").decode()):
        assert get(url + "/", {"Authorization": junk})[0] == 401, junk
    # and the trusted header is not honoured when it is not configured
    assert get(url + "/whoami", {"X-Remote-User": "ana"})[0] == 401


def test_without_configuration_the_app_is_open_and_names_nobody(serve):
    url = serve(auth.AuthConfig())
    assert get(url + "/")[0] == 200
    assert get(url + "/whoami", {"X-Remote-User": "ana"})[2] == "None"


# -- trusted proxy header --------------------------------------------------------------------------------
def test_trusted_header_is_honoured_only_when_configured_and_from_a_trusted_proxy(serve, users_file):
    url = serve(auth.config_from_env({auth.HEADER_ENV: "X-Remote-User", auth.PROXIES_ENV: "127.0.0.1,::1"}))
    assert get(url + "/whoami", {"X-Remote-User": "carla"}) [:3:2] == (200, "'carla'")
    status, headers, _ = get(url + "/")
    assert status == 401 and "WWW-Authenticate" not in headers          # no password to offer here
    assert get(url + "/", {"X-Remote-User": "  "})[0] == 401
    assert get(url + "/", {"Authorization": basic("ana", "s3cret pass")})[0] == 401   # no users configured

    # from an address that is not a trusted proxy the header means nothing
    elsewhere = serve(auth.config_from_env({auth.HEADER_ENV: "X-Remote-User", auth.PROXIES_ENV: "10.1.2.3, 10.9.0.0/16"}))
    assert get(elsewhere + "/whoami", {"X-Remote-User": "carla"})[0] == 401

    # both configured: the proxy's header, or else a password
    both = serve(auth.config_from_env({auth.HEADER_ENV: "X-Remote-User", auth.PROXIES_ENV: "127.0.0.1",
                                       auth.USERS_FILE_ENV: str(users_file)}))
    assert get(both + "/whoami", {"X-Remote-User": "carla"})[2] == "'carla'"
    assert get(both + "/whoami", {"Authorization": basic("ana", "s3cret pass")})[2] == "'ana'"
    assert get(both + "/")[1]["WWW-Authenticate"].startswith("Basic")
    with pytest.raises(ConfigError, match="not an address"):
        auth.config_from_env({auth.HEADER_ENV: "X-Remote-User", auth.PROXIES_ENV: "proxy.example"})


# -- the command line ------------------------------------------------------------------------------------
def test_users_add_list_remove_and_hash(tmp_path):
    path = tmp_path / "conf" / "users"
    result = runner.invoke(cli, ["users", "add", "ana", "--file", str(path)], input="pw one\npw one\n")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert auth.verify_password("pw one", auth.read_users(path)["ana"])
    result = runner.invoke(cli, ["users", "add", "ben", "--password-stdin"], input="pw two\n",
                           env={auth.USERS_FILE_ENV: str(path)})
    assert result.exit_code == 0 and "added ben" in result.output
    result = runner.invoke(cli, ["users", "add", "ana", "--file", str(path), "--password-stdin"], input="new\n")
    assert "changed the password of ana" in result.output
    users = auth.read_users(path)
    assert list(users) == ["ben", "ana"] and auth.verify_password("new", users["ana"])
    result = runner.invoke(cli, ["users", "list", "--file", str(path)])
    assert result.output.split() == ["ben", "ana"] and "scrypt" not in result.output
    assert runner.invoke(cli, ["users", "remove", "ben", "--file", str(path)]).exit_code == 0
    assert list(auth.read_users(path)) == ["ana"]
    result = runner.invoke(cli, ["users", "hash", "--password-stdin"], input="pw three\n")
    assert auth.verify_password("pw three", result.output.strip())


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in AUTH_ENV}
    return {**env, **extra}


def test_serve_refuses_a_public_bind_without_authentication():
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "serve", "--host", "0.0.0.0"], env=_clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line = " ".join(done.stderr.split())
    assert "refusing to bind 0.0.0.0 without authentication" in line
    for setting in (auth.USERS_FILE_ENV, auth.USERS_ENV, auth.HEADER_ENV, "chokepoint users add"):
        assert setting in line


def test_serve_says_which_authentication_is_on(neo4j_env, users_file, monkeypatch):
    served = []
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: served.append((self, kw)))
    for name in AUTH_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(auth.USERS_FILE_ENV, str(users_file))
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert result.exit_code == 0, result.output
    assert f"authentication: basic auth (2 users from {users_file})" in result.output
    assert served[-1][1]["host"] == "0.0.0.0"
    monkeypatch.delenv(auth.USERS_FILE_ENV)
    monkeypatch.setenv(auth.HEADER_ENV, "X-Remote-User")
    monkeypatch.setenv(auth.PROXIES_ENV, "127.0.0.1,::1")
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert "authentication: trusted header X-Remote-User from 127.0.0.1, ::1" in result.output
    assert "answers Host names: localhost, 127.0.0.1, [::1] (add names with" in " ".join(result.output.split())
    monkeypatch.delenv(auth.HEADER_ENV)
    monkeypatch.delenv(auth.PROXIES_ENV)
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 0 and "authentication: none (loopback only)" in result.output
    # the app's store gives up on Neo4j quickly (a callback answers in seconds)
    connected = []
    real = Store.connect.__func__
    monkeypatch.setattr(Store, "connect", classmethod(lambda cls, s, **kw: connected.append(s) or real(cls, s, **kw)))
    assert runner.invoke(cli, ["serve"]).exit_code == 0
    assert (connected[-1].retry_seconds, connected[-1].connect_seconds) == (0.5, 1.0)


# -- a real browser --------------------------------------------------------------------------------------
@pytest.mark.browser
def test_the_explorer_works_with_credentials(sample_store, serve, users_file, browser):
    url = serve(auth.config_from_env({auth.USERS_FILE_ENV: str(users_file)}))
    context = browser.new_context(http_credentials={"username": "ana", "password": "s3cret pass"})
    page = context.new_page()
    page.set_default_timeout(120_000)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(url)
        page.wait_for_selector("#cy canvas")
        page.click("#search")
        page.locator("input.dash-dropdown-search").fill("luis ortega")
        page.get_by_text("Luis Ortega (Person)").first.click()
        page.wait_for_function("() => document.querySelector('#cy')?._cyreg?.cy?.nodes().length > 1")
    finally:
        context.close()
    assert errors == []

