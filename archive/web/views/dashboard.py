"""工作台: the user's cases, what is due and overdue, the review queue."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from archive.base.terms import UserRole
from archive.casework.cases import browse_cases
from archive.casework.deadlines import due
from archive.intake.review import queue_length
from archive.web.context import can, user_archive

dashboard = Blueprint("dashboard", __name__)
RECENT = 15
# An administrator's 工作台 would list hundreds of deadlines: the earliest are what needs doing first.
SHOWN_DEADLINES = 30


@dashboard.route("/")
@login_required
def home():
    """The start page of staff, archivists, auditors and administrators (enterprises have their portal)."""
    user = current_user.user
    if user.role == UserRole.ENTERPRISE:
        return redirect(url_for("portal.home"))
    archive = user_archive()
    # Both are limited by the user's rights: staff see the cases they are on, the others the latest of all.
    mine = browse_cases(archive, per_page=RECENT)
    deadlines = due(archive, days=14)
    queue = queue_length(archive) if can("review.listed") else None
    return render_template("dashboard.html", mine=mine, deadlines=deadlines, queue=queue, shown=SHOWN_DEADLINES)
