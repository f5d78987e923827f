"""Per request: the logged-in user, the archive opened as that user, what the menus offer them."""

from dataclasses import replace

from flask import current_app, g
from flask_login import AnonymousUserMixin, UserMixin, current_user

from archive.base.errors import DaibanError, ExitCode
from archive.base.terms import UserRole
from archive.casework.users import access_of, active_user
from archive.catalog.access import allows
from archive.catalog.session import Archive
from archive.catalog.users import User

# A refusal's HTTP status by the meaning of its exit code; anything else is a server-side failure.
STATUS = {ExitCode.USAGE: 400, ExitCode.INVALID: 422, ExitCode.NOT_FOUND: 404, ExitCode.FORBIDDEN: 403,
          ExitCode.REFUSED_STEP: 409, ExitCode.DUPLICATE: 409, ExitCode.INTEGRITY: 409, ExitCode.BAD_INPUT: 422,
          ExitCode.BUSY: 503, ExitCode.INDEX: 503, ExitCode.STORAGE: 507, ExitCode.EXTERNAL_TOOL: 502}


def http_status(exc: DaibanError) -> int:
    """The HTTP status a refusal is answered with."""
    return STATUS.get(exc.exit_code, 500)


class WebUser(UserMixin):
    """A logged-in account as Flask-Login carries it (by login name)."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        """The login name the session cookie remembers."""
        return self.user.login

    class anonymous(AnonymousUserMixin):  # noqa: N801 (Flask-Login's name for the class of nobody)
        """Nobody logged in."""

        user = None


def load_user(login: str) -> WebUser | None:
    """The account a session names, while it exists and is enabled."""
    user = active_user(service_archive(), login)
    return WebUser(user) if user else None


def service_archive() -> Archive:
    """The archive as the web service itself (logins, failed logins)."""
    return current_app.extensions["daiban"].archive


def user_archive() -> Archive:
    """The archive opened as the logged-in user: every service called with it acts with their rights."""
    if "archive" not in g:
        user = current_user.user
        g.archive = replace(service_archive(), actor=user.name, access=access_of(user))
    return g.archive


def can(action: str) -> bool:
    """Whether the user's role has this action at all (menus and buttons; the services decide per case)."""
    user = current_user.user
    return user is not None and allows(access_of(user), action)


# The menu: label, endpoint, and the action a role needs for it to be offered.
MENU = (("工作台", "dashboard.home", "cases.listed"), ("案件", "cases.index", "cases.listed"),
        ("检索", "search.page", "search"), ("扫描入库", "scans.upload", "review.added"),
        ("待审核", "scans.queue", "review.listed"), ("用户", "admin.users", "user.added"))
PORTAL = (("我的项目", "portal.home", "cases.listed"), ("检索", "search.page", "search"))


def nav_items() -> list[tuple[str, str]]:
    """The menu entries the logged-in user is offered."""
    user = current_user.user if current_user else None
    if user is None:
        return []
    menu = PORTAL if user.role == UserRole.ENTERPRISE else MENU
    return [(label, endpoint) for label, endpoint, action in menu if can(action)]
