"""生成表单与材料包 (to be built)."""

from flask import Blueprint, render_template
from flask_login import login_required

forms = Blueprint("forms", __name__)


@forms.route("/cases/<case_no>/forms")
@login_required
def pick(case_no: str):
    """生成表单与材料包."""
    return render_template("error.html", message="生成表单与材料包：尚未完成", status=501), 501
