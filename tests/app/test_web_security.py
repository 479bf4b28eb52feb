"""Web hardening on a real server with real HTTP requests: the Host allow-list, the security headers,
failed logins limited per address and per user, a bound on password checks at once, and callbacks
that answer quickly with the banner while Neo4j is down (docs/security.md, "The web app")."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from chokepoint.app import auth, security
from chokepoint.app.main import app_settings
from chokepoint.graph import local
from chokepoint.graph.config import Settings, settings_from_env
from chokepoint.graph.errors import ConfigError
from chokepoint.graph.store import Store
from tests_support import serve_in_thread, wipe_all

FAST_N = 2**10
HEALTH_CALLBACK = {"output": "store-status.children", "outputs": {"id": "store-status", "property": "children"},
                   "inputs": [{"id": "health-interval", "property": "n_intervals", "value": 1}],
                   "changedPropIds": ["health-interval.n_intervals"], "state": []}


def basic(name: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()


def request(url: str, path: str = "/", headers: dict | None = None, data: dict | None = None,
            source: str = "127.0.0.1", host: str | None = None) -> tuple[int, dict, str]:
    """One real HTTP request to ``url`` from the loopback address ``source``, with ``host`` as the Host
    header (default: the URL's); status, headers (lower-case names) and body."""
    hostport = url.removeprefix("http://")
    conn = http.client.HTTPConnection(hostport, timeout=60, source_address=(source, 0))
    try:
        body = json.dumps(data).encode() if data is not None else None
        conn.putrequest("POST" if body else "GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else hostport)
        for name, value in {**({"Content-Type": "application/json"} if body else {}), **(headers or {})}.items():
            conn.putheader(name, value)
        if body:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def serve(store):
    """Factory: the real app over ``store`` on a free loopback port; returns (url, the Flask server)."""
    from chokepoint.app.main import create_app

    servers = []

    def factory(config: auth.AuthConfig = auth.AuthConfig(), bind: str | None = None, over=None):
        server = create_app(over or store, config, bind=bind).server
        return serve_in_thread(server, servers), server

    yield factory
    for s in servers:
        s.shutdown()


@pytest.fixture(scope="module")
def users(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "users"
    auth.write_user(path, "ana", auth.hash_password("s3cret pass", n=FAST_N))
    auth.write_user(path, "ben", auth.hash_password("other", n=FAST_N))
    return auth.config_from_env({auth.USERS_FILE_ENV: str(path)})


# -- hosts ------------------------------------------------------------------------------------------
def test_other_host_names_get_400_and_nothing_else(serve, users, monkeypatch):
    monkeypatch.delenv(security.ALLOWED_HOSTS_ENV, raising=False)
    url, _ = serve()
    port = url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", f"[::1]:{port}"):
        assert request(url, host=host)[0] == 200, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"localhost:{port}x",
                 "", f"[::2]:{port}", f"10.1.2.3:{port}"):
        for path, data in (("/", None), ("/_dash-layout", None), ("/assets/chokepoint.js", None),
                           ("/_dash-update-component", HEALTH_CALLBACK)):
            status, headers, body = request(url, path, data=data, host=host)
            assert status == 400, (host, path)
            assert body.startswith("Unknown Host header") and "Chokepoint" not in body, (host, path)
            assert headers["x-content-type-options"] == "nosniff"
    # with basic auth on, a wrong Host is refused before any password is looked at
    auth_url, server = serve(users)
    status, headers, _ = request(auth_url, headers={"Authorization": basic("ana", "wrong")}, host="evil.example")
    assert status == 400 and "www-authenticate" not in headers
    assert server.extensions["chokepoint_auth"]._failures == {}

    # the names of CHOKEPOINT_ALLOWED_HOSTS and the address serve binds are added, a wildcard is not
    monkeypatch.setenv(security.ALLOWED_HOSTS_ENV, "chokepoint.example.org, Analysis.Example.org.")
    more, server = serve(bind="10.1.2.3")
    assert server.extensions["chokepoint_hosts"] == ("localhost", "127.0.0.1", "[::1]", "10.1.2.3",
                                                     "chokepoint.example.org", "analysis.example.org")
    for host in ("chokepoint.example.org:8050", "analysis.example.org", "10.1.2.3:8050", "localhost"):
        assert request(more, host=host)[0] == 200, host
    assert request(more, host="evil.example")[0] == 400
    monkeypatch.delenv(security.ALLOWED_HOSTS_ENV)
    assert security.allowed_hosts({}, bind="0.0.0.0") == security.LOOPBACK_HOSTS
    assert security.allowed_hosts({}, bind="::") == security.LOOPBACK_HOSTS
    assert security.allowed_hosts({}, bind="::1") == security.LOOPBACK_HOSTS   # written [::1] in a Host header
    assert security.allowed_hosts({}, bind="fd00::5")[-1] == "[fd00::5]"
    for bad in ("evil.example:8050/x", "http://evil.example", "a b", "*.example.org"):
        with pytest.raises(ConfigError, match=security.ALLOWED_HOSTS_ENV):
            security.allowed_hosts({security.ALLOWED_HOSTS_ENV: bad})


# -- headers ----------------------------------------------------------------------------------------
def test_every_response_carries_the_security_headers(serve, users):
    url, _ = serve()
    status, headers, page = request(url)
    assert status == 200
    csp = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'self'" and csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert csp["connect-src"] == "'self'" and csp["base-uri"] == "'none'"
    script_src = csp["script-src"].split()
    assert script_src[0] == "'self'" and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    # every inline script the page runs (Dash's start-up, the clientside callbacks) is allowed by its hash;
    # Dash's alert for Internet Explorer sits in a conditional comment, which no other browser runs
    live = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    inline = [m.group(1) for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                                              live, re.S)]
    assert len(inline) == 2, "Dash's start-up script and the clientside callbacks"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert not re.search(r"\son[a-z]+=", page), "no inline event handlers"

    # a cross-site form can post only form or plain-text bodies, which the callback endpoint refuses
    assert request(url, "/_dash-update-component", {"Content-Type": "text/plain"}, HEALTH_CALLBACK)[0] == 415
    answers = {"page": (status, headers), "callback": request(url, "/_dash-update-component", data=HEALTH_CALLBACK),
               "layout": request(url, "/_dash-layout"), "401": request(serve(users)[0], "/"),
               "asset": request(url, "/assets/chokepoint.js"),
               "suite": request(url, re.search(r'src="(/_dash-component-suites/[^"]+)"', page).group(1))}
    for what, (status, got, *_) in answers.items():
        assert status == (401 if what == "401" else 200), what
        assert got["content-security-policy"] == headers["content-security-policy"], what
        assert got["x-content-type-options"] == "nosniff", what
        assert got["referrer-policy"] == "no-referrer", what
        assert got["x-frame-options"] == "DENY", what
        # data is never cached (the page, the layout, callback answers such as search results and
        # exports, refusals); static files may be, as Dash says
        if what in ("asset", "suite"):
            assert "no-store" not in got.get("cache-control", ""), what
        else:
            assert got["cache-control"] == "no-store", what


# -- failed logins ----------------------------------------------------------------------------------
def test_the_eleventh_failed_login_from_an_address_gets_429(serve, users):
    url, _ = serve(users)
    limit = auth.LoginLimits().per_address
    for i in range(limit):
        status, headers, _ = request(url, "/", {"Authorization": basic("ana", f"guess {i}")}, source="127.0.0.2")
        assert status == 401 and headers["www-authenticate"].startswith("Basic"), i
    status, headers, body = request(url, headers={"Authorization": basic("ana", "guess again")}, source="127.0.0.2")
    assert status == 429 and body == "Too many failed logins from this address.\n"
    assert 0 < int(headers["retry-after"]) <= auth.LoginLimits().window
    # the right password from that address waits too; from another address it works
    assert request(url, headers={"Authorization": basic("ana", "s3cret pass")}, source="127.0.0.2")[0] == 429
    assert request(url, headers={"Authorization": basic("ana", "s3cret pass")}, source="127.0.0.3")[0] == 200
    assert request(url, headers={"Authorization": basic("ben", "other")}, source="127.0.0.4")[0] == 200
    # a browser sending one wrong password again and again is one failure, not many
    for _ in range(2 * limit):
        assert request(url, headers={"Authorization": basic("ben", "typo")}, source="127.0.0.5")[0] == 401
    assert request(url, headers={"Authorization": basic("ben", "other")}, source="127.0.0.5")[0] == 200


def test_failed_logins_for_one_user_are_limited_across_addresses(serve, users):
    limits = auth.LoginLimits(per_address=3, per_user=5)
    url, _ = serve(replace(users, limits=limits))
    assert request(url, headers={"Authorization": basic("ana", "s3cret pass")}, source="127.0.1.1")[0] == 200
    for i in range(limits.per_user):  # from addresses that each stay under their own limit
        assert request(url, headers={"Authorization": basic("ana", f"guess {i}")}, source=f"127.0.2.{i}")[0] == 401
    # (a header that already passed is remembered whatever the address, so these add spaces to differ)
    status, headers, body = request(url, headers={"Authorization": basic("ana", "s3cret pass") + " "},
                                    source="127.0.3.1")
    assert status == 429 and body == "Too many failed logins for this user.\n" and int(headers["retry-after"]) > 0
    # another user is not held back, nor is ana from where she logged in before (a new session there)
    assert request(url, headers={"Authorization": basic("ben", "other")}, source="127.0.3.1")[0] == 200
    assert request(url, headers={"Authorization": basic("ana", "s3cret pass") + "  "}, source="127.0.1.1")[0] == 200
    # a name that is no user is limited the same way, so a 429 does not tell who exists
    for i in range(limits.per_user):
        assert request(url, headers={"Authorization": basic("nobody", f"x{i}")}, source=f"127.0.4.{i}")[0] == 401
    assert request(url, headers={"Authorization": basic("nobody", "y")}, source="127.0.4.9")[2] == body
    # and the address limit counts every name tried from one address
    for i in range(limits.per_address):
        assert request(url, headers={"Authorization": basic(f"who{i}", "x")}, source="127.0.5.1")[0] == 401
    assert request(url, headers={"Authorization": basic("ben", "other") + " "}, source="127.0.5.1")[0] == 429


def test_password_checks_at_once_are_bounded_and_the_rest_get_503(serve, users, monkeypatch):
    limits = auth.LoginLimits(checks=2, wait=0.2, per_address=100)
    url, server = serve(replace(users, limits=limits))
    release, lock = threading.Event(), threading.Lock()
    running, seen = [0], []
    real = auth.verify_password

    def held(password, encoded):   # a password check that lasts until the test lets it go
        with lock:
            running[0] += 1
            seen.append(running[0])
        try:
            release.wait(60)
            return real(password, encoded)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(auth, "verify_password", held)
    results: list[tuple[int, dict]] = []

    def guess(i):
        status, headers, _ = request(url, headers={"Authorization": basic("ana", f"guess {i}")}, source="127.0.5.1")
        results.append((status, headers))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for _ in range(600):   # a bound on waiting for the four refusals, not a timing check
        if len(results) >= 4:
            break
        time.sleep(0.05)
    release.set()
    for t in threads:
        t.join(60)
    statuses = sorted(s for s, _ in results)
    assert statuses == [401, 401, 503, 503, 503, 503]
    assert max(seen) == 2
    assert all(h["retry-after"] == "1" for s, h in results if s == 503)
    # the checks that did not run were not counted as failures
    assert len(server.extensions["chokepoint_auth"]._failures["addr:127.0.5.1"]) == 2


# -- the proxy header ---------------------------------------------------------------------------------
def test_the_proxy_header_needs_trusted_proxies_set_explicitly(serve, users):
    for env in ({auth.HEADER_ENV: "X-Remote-User"},
                {auth.HEADER_ENV: "X-Remote-User", auth.USERS_ENV: f"ana:{users.users['ana']}"}):
        with pytest.raises(ConfigError, match=f"{auth.HEADER_ENV} is set but {auth.PROXIES_ENV} is not"):
            auth.config_from_env(env)
    assert auth.AuthConfig().proxies == ()
    # basic auth alone: a local process naming a user in the header gets nowhere
    url, _ = serve(users)
    assert request(url, "/", {"X-Remote-User": "ana"})[0] == 401
    # with the proxy named, its header is honoured, from it only
    url, _ = serve(auth.config_from_env({auth.HEADER_ENV: "X-Remote-User", auth.PROXIES_ENV: "127.0.0.1",
                                         auth.USERS_ENV: f"ana:{users.users['ana']}"}))
    assert request(url, "/", {"X-Remote-User": "carla"})[0] == 200
    assert request(url, "/", {"X-Remote-User": "carla"}, source="127.0.0.9")[0] == 401


# -- Neo4j down -----------------------------------------------------------------------------------------
def test_the_app_store_gives_up_quickly(neo4j_settings):
    settings = app_settings(Settings("bolt://127.0.0.1:1", "neo4j", "pw", retry_seconds=15.0))
    assert (settings.retry_seconds, settings.connect_seconds) == (security.APP_RETRY_SECONDS,
                                                                  security.APP_CONNECT_SECONDS)
    assert Settings("u", "n", "p").retry_seconds == 15.0       # the CLI keeps its default
    assert app_settings(replace(settings, retry_seconds=0.1)).retry_seconds == 0.1   # never longer than asked
    store = Store.connect(app_settings(neo4j_settings))
    try:
        assert store.driver._default_workspace_config.max_transaction_retry_time == security.APP_RETRY_SECONDS
        assert store.driver._pool.pool_config.connection_timeout == security.APP_CONNECT_SECONDS
    finally:
        store.close()


def test_with_neo4j_down_a_callback_answers_with_the_banner(serve, spare_neo4j):
    data = Path(spare_neo4j.data_dir)
    store = Store.connect(app_settings(settings_from_env(data)))
    try:
        wipe_all(store)
        store.write("CREATE (:Entity:Person {id: 'p1', caption: 'Ana Ruiz', search_text: 'ana ruiz'})")
        url, _ = serve(over=store)
        deps = json.loads(request(url, "/_dash-dependencies")[2])
        start_view = next(d for d in deps if [i["id"] for i in d["inputs"]] == ["search"] and "banner" in d["output"])
        payload = {"output": start_view["output"],
                   "outputs": [{"id": o.split(".")[0], "property": o.split(".", 1)[1]}
                               for o in start_view["output"].strip(".").split("...")],
                   "inputs": [{"id": "search", "property": "value", "value": "p1"}],
                   "state": [{**s, "value": None} for s in start_view["state"]], "changedPropIds": ["search.value"]}
        status, _, body = request(url, "/_dash-update-component", data=payload)
        assert status == 200 and "Ana Ruiz" in body
        local.stop(data)
        began = time.monotonic()
        status, _, body = request(url, "/_dash-update-component", data=payload)
        print(f"callback with Neo4j down answered in {time.monotonic() - began:.2f} s")
        assert status == 200
        assert "is unreachable" in json.loads(body)["response"]["banner"]["children"]
        status, _, body = request(url, "/_dash-update-component", data=HEALTH_CALLBACK)
        assert status == 200 and "Neo4j is unreachable" in json.loads(body)["response"]["store-status"]["children"]
    finally:
        store.close()  # the spare is left stopped: its next user's fixture starts it again
