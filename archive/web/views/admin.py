"""用户管理 (administrators): the accounts, adding one, changing a role, setting a password, disabling.

Each action is the service of casework.users, as `daiban user …` calls it; the service refuses anyone but an
administrator before it checks the values sent, so a refused user learns nothing from them.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from archive.base.terms import UserRole
from archive.casework.users import add_user, list_users, set_disabled, set_password, set_role
from archive.web.context import user_archive

admin = Blueprint("admin", __name__)


def _back(message: str):
    flash(message, "info")
    return redirect(url_for("admin.users"))


@admin.route("/admin/users")
@login_required
def users():
    """Every account with its role, credit code, creation and state, and the forms to change them."""
    return render_template("admin_users.html", users=list_users(user_archive()), roles=list(UserRole))


@admin.route("/admin/users", methods=["POST"])
@login_required
def add():
    """Add an account (staff named as their cases name them, an enterprise with its credit code)."""
    form = request.form
    added = add_user(user_archive(), form.get("login", "").strip(), form.get("name", ""), form.get("role", ""),
                     form.get("password", ""), form.get("credit_code", ""), confirm=form.get("password2", ""))
    return _back(f"已添加用户 {added.login}（{added.name}，{added.role.label}）")


@admin.route("/admin/users/<login>/role", methods=["POST"])
@login_required
def role(login: str):
    """Give an account another role."""
    changed = set_role(user_archive(), login, request.form.get("role", ""), request.form.get("credit_code", ""))
    return _back(f"用户 {changed.login} 的角色已改为 {changed.role.label}")


@admin.route("/admin/users/<login>/password", methods=["POST"])
@login_required
def password(login: str):
    """Set an account's password."""
    set_password(user_archive(), login, request.form.get("password", ""), confirm=request.form.get("password2", ""))
    return _back(f"已设置用户 {login} 的密码")


@admin.route("/admin/users/<login>/state", methods=["POST"])
@login_required
def state(login: str):
    """Disable an account (its history stays) or enable it again."""
    changed = set_disabled(user_archive(), login, request.form.get("disabled") == "1")
    return _back(f"用户 {changed.login} 已{'启用' if changed.active else '停用'}")
