"""Forms and packets (生成表单与材料包): pick a form or a stage packet of a case, fill in what the case does not
supply, generate and file it, and download the print PDF."""

from flask import Blueprint, render_template, request, send_file
from flask_login import login_required

from archive.base.errors import TransitionError, UsageError, ValidationError
from archive.outputs.context import FormValues
from archive.outputs.formfields import case_forms, form_fields, packet_form_ids, packet_print_file, posted_values
from archive.outputs.forms import generate_forms, generate_packet
from archive.web.context import http_status, user_archive

forms = Blueprint("forms", __name__)
# Refusals staff can mend on the page they filled in: shown there, with what they typed, by HTTP status.
MENDABLE = (ValidationError, UsageError, TransitionError)


@forms.route("/cases/<case_no>/forms")
@login_required
def pick(case_no: str):
    """The case's forms by stage, each with its latest version, and the stage packets."""
    return render_template("forms.html", case_no=case_no, stages=case_forms(user_archive(), case_no))


@forms.route("/cases/<case_no>/forms/<form_id>", methods=["GET", "POST"])
@login_required
def form(case_no: str, form_id: str):
    """One form: the fields to fill in, then the generated 件 and its PDF."""
    return _fill(case_no, [form_id], None)


@forms.route("/cases/<case_no>/forms/packet/<stage>", methods=["GET", "POST"])
@login_required
def packet(case_no: str, stage: str):
    """A stage packet: the fields of all its forms, then the generated 件 and the merged print PDF."""
    return _fill(case_no, packet_form_ids(user_archive(), stage), stage)


@forms.route("/cases/<case_no>/forms/print/<name>")
@login_required
def print_file(case_no: str, name: str):
    """The merged print PDF of a packet, as a download."""
    path = packet_print_file(user_archive(), case_no, name)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=path.name, max_age=0)


def _fill(case_no: str, form_ids: list[str], stage: str | None):
    if request.method == "GET":
        return _page(case_no, form_ids, stage, None)
    archive = user_archive()
    values = posted_values(archive, form_ids, request.form.to_dict(flat=False))
    try:
        if stage:
            made = generate_packet(archive, case_no, stage, values)
            return render_template("forms_done.html", case_no=case_no, stage=stage, generated=made.forms,
                                   merged=made.merged.name)
        generated = generate_forms(archive, case_no, form_ids, values)
    except MENDABLE as exc:
        return _page(case_no, form_ids, stage, values, exc.message), http_status(exc)
    return render_template("forms_done.html", case_no=case_no, stage=None, generated=generated, merged=None)


def _page(case_no: str, form_ids: list[str], stage: str | None, given: FormValues | None, error: str = ""):
    """The form to fill in: as the catalog starts it, or as it was posted when the service refused it."""
    return render_template("forms_fill.html", case_no=case_no, stage=stage,
                           forms=form_fields(user_archive(), case_no, form_ids, viewed=given is None),
                           given=given.data if given else None, error=error)
