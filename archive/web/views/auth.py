"""Logging in and out, with failed attempts throttled per login name and per address."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from archive.base.errors import AccessError
from archive.base.terms import UserRole
from archive.casework.users import authenticate
from archive.web.context import WebUser, service_archive

auth = Blueprint("auth", __name__)


def _landing(user) -> str:
    return url_for("portal.home") if user.role == UserRole.ENTERPRISE else url_for("dashboard.home")


def _safe_next(target: str | None) -> str | None:
    # Only a path of this site: a login link must never send the user elsewhere.
    return target if target and target.startswith("/") and not target.startswith("//") else None


@auth.route("/login", methods=["GET", "POST"])
def login():
    """The login page; a correct login goes on to the page asked for, or the user's start page."""
    if current_user.is_authenticated:
        return redirect(_landing(current_user.user))
    if request.method == "GET":
        return render_template("login.html")
    name = request.form.get("login", "").strip()
    throttle = current_app.extensions["daiban"].throttle
    keys = [f"login:{name}", f"addr:{request.remote_addr}"]
    if wait := throttle.wait(keys):
        return render_template("login.html", login=name,
                               error=f"登录失败次数过多，请 {wait // 60 + 1} 分钟后再试"), 429
    try:
        user = authenticate(service_archive(), name, request.form.get("password", ""))
    except AccessError as exc:
        throttle.failed(keys)
        return render_template("login.html", login=name, error=exc.message), 401
    throttle.succeeded(f"login:{name}")
    login_user(WebUser(user))
    flash(f"欢迎，{user.name}（{user.role.label}）", "info")
    return redirect(_safe_next(request.args.get("next")) or _landing(user))


@auth.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (a POST with its CSRF token, so that no link elsewhere can do it)."""
    logout_user()
    return redirect(url_for("auth.login"))
