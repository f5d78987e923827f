"""用户管理 (to be built)."""

from flask import Blueprint, render_template
from flask_login import login_required

admin = Blueprint("admin", __name__)


@admin.route("/admin/users")
@login_required
def users():
    """用户管理."""
    return render_template("error.html", message="用户管理：尚未完成", status=501), 501
