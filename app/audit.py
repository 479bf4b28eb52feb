"""The app's side of the audit log: each callback request is one audited action (``graph.audit``).

:func:`install` opens an action when a request to the server starts (after authentication) and closes it
when the request ends: the queries the callback ran (through the hooks in ``queries/``) become one line
with source ``app``, the user :func:`current_user` names, and the client's address. The app only appends
to the log, through ``graph.audit``; nothing here reads, rewrites or serves it.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request

from chokepoint.app import auth
from chokepoint.graph.audit import action, default_user

__all__ = ["install", "current_user"]

_KEY = "chokepoint_audit_action"


def current_user() -> str:
    """Who the audit log names for the request being served: the authenticated user
    (:func:`app.auth.current_user`), else the user running the server (``$CHOKEPOINT_USER`` or the OS
    login name), as when the app serves 127.0.0.1 without authentication."""
    return auth.current_user() or default_user()


def _client() -> str | None:
    return request.remote_addr if has_request_context() else None


def install(server: Flask) -> None:
    """Audit every request to ``server``: register this after authentication, so refused requests (which
    run no callback) leave no action open."""

    @server.before_request
    def _open_action() -> None:
        opened = action("app", user=current_user, client=_client)
        opened.__enter__()
        setattr(g, _KEY, opened)

    @server.teardown_request
    def _close_action(_exc: BaseException | None) -> None:
        opened = g.pop(_KEY, None)
        if opened is not None:
            opened.__exit__(None, None, None)
