"""The app's side of the audit log: each callback request is one audited action (``graph.audit``).

:func:`install` opens an action when a request to the server starts (after authentication) and closes it
when the request ends: the queries the callback ran (through the hooks in ``queries/``) become one line
with source ``app``, the user :func:`current_user` names, and the client's address. The app only appends
to the log, through ``graph.audit``; nothing here reads, rewrites or serves it.

With authentication configured the audit is required by default (``graph.audit.required``): a query or
export whose line cannot be written is refused with a one-line message. A user name the log would record
must pass ``graph.audit.valid_user`` (a name from a proxy header is not checked anywhere else): a request
naming anything else is refused (400) before any callback runs.
"""

from __future__ import annotations

from flask import Flask, Response, g, has_request_context, request

from chokepoint.app import auth
from chokepoint.graph.audit import AuditUnavailable, action, default_user, valid_user

__all__ = ["install", "current_user"]

_KEY = "chokepoint_audit_action"


def current_user() -> str:
    """Who the audit log names for the request being served: the authenticated user
    (:func:`app.auth.current_user`), else the user running the server (``$CHOKEPOINT_USER`` or the OS
    login name), as when the app serves 127.0.0.1 without authentication."""
    return auth.current_user() or default_user()


def _client() -> str | None:
    return request.remote_addr if has_request_context() else None


def install(server: Flask, required: bool = False) -> None:
    """Audit every request to ``server``: register this after authentication, so refused requests (which
    run no callback) leave no action open. ``required``: refuse what cannot be audited, unless
    ``$CHOKEPOINT_AUDIT_REQUIRED`` says otherwise (the app passes True when authentication is on)."""

    @server.before_request
    def _open_action() -> Response | None:
        name = auth.current_user()
        if name is not None and not valid_user(name):
            return Response("The user name given for this request is not acceptable (1-128 letters, digits "
                            "and _.@+-\\ only).\n", 400, {"Content-Type": "text/plain"})
        opened = action("app", user=current_user, client=_client, required=required)
        opened.__enter__()
        setattr(g, _KEY, opened)
        return None

    @server.after_request
    def _write_line(response: Response) -> Response:
        opened = g.pop(_KEY, None)
        if opened is None:
            return response
        try:  # the line is written before the response leaves: a required audit can still refuse it
            opened.__exit__(None, None, None)
        except AuditUnavailable as err:
            return Response(f"{err}\n", 503, {"Content-Type": "text/plain"})
        return response

    @server.teardown_request
    def _close_action(exc: BaseException | None) -> None:
        opened = g.pop(_KEY, None)  # still open only when the request failed before a response
        if opened is not None:
            try:
                opened.__exit__(None, None, None)
            except AuditUnavailable:
                pass
