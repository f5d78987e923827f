"""The agency's own forms (名单报送回执, 各单位开展政企互动情况统计表): made and filed in the 机构文件 of a year.

They belong to no case: the 机构文件 stands where a case would, numbered JG-<year>, so the forms' QR
codes carry its number instead of a case number and their signed copies come back to it by themselves.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archive.base.errors import NotFoundError, UsageError
from archive.base.terms import AGENCY_STAGE
from archive.base.workdays import Quarter
from archive.casework.filing import FilingResult, file_paths
from archive.casework.interactions import Interaction, interactions_in
from archive.catalog.cases import Case, agency_file_no, get_case, open_agency_file
from archive.catalog.documents import CaseItem, case_items
from archive.catalog.events import record
from archive.catalog.session import Archive
from archive.outputs.context import FormValues
from archive.outputs.forms import Generated, generate_forms


@dataclass(frozen=True)
class AgencyFile:
    """The agency's file of a year and its items (none before its first form is filed)."""

    file_no: str
    file: Case | None
    items: list[CaseItem]


def _agency_form(archive: Archive, form_id: str) -> None:
    spec = archive.forms.require(form_id)
    if spec.stage != AGENCY_STAGE:
        agency = "、".join(f"{s.id}（{s.title}）" for s in archive.forms.by_stage(AGENCY_STAGE))
        raise UsageError(f"《{spec.title}》属于案件，不是机构层面的表单；机构文件的表单：{agency}")


def render_agency_form(archive: Archive, form_id: str, values: FormValues | None = None, year: int | None = None,
                       pdf: bool = True) -> Generated:
    """Render an agency-level form and file it in the 机构文件 of the year (this year by default)."""
    _agency_form(archive, form_id)
    values = values or FormValues()
    data = {form_id: {"reporting_unit": archive.settings.agency.name, **values.data.get(form_id, {})}}
    agency_file = open_agency_file(archive, year or date.today().year)
    (made,) = generate_forms(archive, agency_file.case_no, [form_id], FormValues(values.data | data, values.sets),
                             pdf=pdf)
    return made


def _activity_row(activity: Interaction) -> dict:
    return {"date": f"{activity.day.month}月{activity.day.day}日", "place": activity.place,
            "companies": activity.companies, "content": activity.content, "note": activity.note}


def render_interactions(archive: Archive, quarter_text: str, values: FormValues | None = None,
                        pdf: bool = True) -> Generated:
    """The quarter's 政企互动情况统计表 filled with the activities recorded in it, filed in that year's 机构文件."""
    quarter = Quarter.parse(quarter_text)
    return render_quarter_interactions(archive, quarter, interactions_in(archive, quarter), values, pdf)


def render_quarter_interactions(archive: Archive, quarter: Quarter, activities: list[Interaction],
                                values: FormValues | None = None, pdf: bool = True) -> Generated:
    """The quarter's 统计表 filled with these activities (the quarterly report's, already read)."""
    values = values or FormValues()
    own = {"quarter": quarter.label, "activities": [_activity_row(a) for a in activities]}
    data = values.data | {"interactions": own | values.data.get("interactions", {})}
    return render_agency_form(archive, "interactions", FormValues(data, values.sets), quarter.year, pdf)


def file_agency_paths(archive: Archive, paths: list[Path], form_id: str | None, signed: bool = False,
                      year: int | None = None, category: str | None = None, title: str | None = None,
                      doc_date: date | None = None) -> FilingResult:
    """File papers of the agency's own (a signed 名单报送回执, a returned 统计表) in the 机构文件 of the year."""
    if form_id:
        _agency_form(archive, form_id)
    agency_file = open_agency_file(archive, year or (doc_date or date.today()).year)
    return file_paths(archive, agency_file.case_no, paths, category=category, title=title, form_id=form_id,
                      signed=signed, doc_date=doc_date)


def show_agency_file(archive: Archive, year: int | None = None) -> AgencyFile:
    """The 机构文件 of a year with its items (the viewing is logged)."""
    file_no = agency_file_no(year or date.today().year)
    try:
        found = AgencyFile(file_no, get_case(archive, file_no), case_items(archive, file_no))
    except NotFoundError:
        found = AgencyFile(file_no, None, [])
    record(archive, "case.viewed", case_no=file_no)
    return found
