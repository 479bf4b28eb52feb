"""Commands for the web app: serving it, and the users file of its basic authentication."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from chokepoint.cli.base import app, err, group, out
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store


users_app = group("users", "Users of the web app: scrypt password hashes for basic auth.")
UsersFile = Annotated[Path | None, typer.Option("--file", help="The users file [default: $CHOKEPOINT_USERS_FILE].")]


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


def _users_file(file: Path | None) -> Path:
    from chokepoint.app import auth

    path = file or (Path(os.environ[auth.USERS_FILE_ENV]) if os.environ.get(auth.USERS_FILE_ENV) else None)
    if path is None:
        raise ChokepointError(f"say which users file: --file FILE or {auth.USERS_FILE_ENV}")
    return path


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, _.@+-).")],
    file: UsersFile = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of stdin instead of prompting.")] = False,
) -> None:
    """Add a user to the users file (or change their password); the file is kept at mode 0600."""
    from chokepoint.app import auth

    path = _users_file(file)
    if path.exists():
        auth.read_users(path)              # refuse to append to a file that is not a users file
    existed = auth.write_user(path, name, auth.hash_password(_read_password(password_stdin)))
    out.print(f"{'changed the password of' if existed else 'added'} {name} in {path}; serve with "
              f"{auth.USERS_FILE_ENV}={path}", highlight=False)


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument(help="User name.")], file: UsersFile = None) -> None:
    """Remove a user from the users file."""
    from chokepoint.app import auth

    path = _users_file(file)
    users = auth.read_users(path)
    if name not in users:
        raise ChokepointError(f"{path} has no user {name!r}")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip().partition(":")[0] != name]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.print(f"removed {name} from {path}", highlight=False)


@users_app.command("list")
def users_list(file: UsersFile = None) -> None:
    """The user names in the users file (never their hashes)."""
    from chokepoint.app import auth

    for name in auth.read_users(_users_file(file)):
        out.print(name, highlight=False)


@users_app.command("hash")
def users_hash(
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of stdin instead of prompting.")] = False,
) -> None:
    """Print the scrypt hash of a password, for a NAME:HASH line of CHOKEPOINT_USERS_FILE or CHOKEPOINT_USERS."""
    from chokepoint.app import auth

    out.print(auth.hash_password(_read_password(password_stdin)), highlight=False, soft_wrap=True)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (anything but loopback needs authentication).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port.")] = 8050,
    debug: Annotated[bool, typer.Option("--debug", help="Dash debug mode (reloader, dev tools).")] = False,
) -> None:
    """Serve the explorer web app."""
    from chokepoint.app import auth
    from chokepoint.app.main import app_settings, create_app

    config = auth.config_from_env()
    unauthenticated_bind = os.environ.get("CHOKEPOINT_ALLOW_UNAUTHENTICATED_BIND") == "1"
    if host not in LOOPBACK and not config.enabled and not unauthenticated_bind:
        raise ChokepointError(
            f"refusing to bind {host} without authentication: set {auth.USERS_FILE_ENV} (users from "
            f"`chokepoint users add NAME`), {auth.USERS_ENV} or {auth.HEADER_ENV}, or bind 127.0.0.1")
    store = Store.connect(app_settings(settings_from_env()))   # short retries: a callback answers in seconds
    out.print(f"Chokepoint on http://{host}:{port}/ (Neo4j {store.where})", highlight=False)
    if config.enabled:
        out.print(f"authentication: {config.describe()}", highlight=False, soft_wrap=True)
    elif host not in LOOPBACK:
        err.print(f"[bold yellow]warning:[/] no authentication on {host} (CHOKEPOINT_ALLOW_UNAUTHENTICATED_BIND=1: "
                  "only for a container whose port is published on the host's loopback)", highlight=False)
    else:
        out.print("authentication: none (loopback only)", highlight=False)
    dash_app = create_app(store, config, bind=host)
    hosts = ", ".join(dash_app.server.extensions["chokepoint_hosts"])
    out.print(f"answers Host names: {hosts} (add names with CHOKEPOINT_ALLOWED_HOSTS)",
              highlight=False, soft_wrap=True)
    dash_app.run(host=host, port=port, debug=debug)
