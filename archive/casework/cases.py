"""Case services: open a case, list and show cases, change the 项目长, read a case's event log."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from archive.base.errors import UsageError, ValidationError
from archive.base.terms import CaseStatus, UserRole
from archive.base.workdays import Due
from archive.casework.deadlines import planned_date
from archive.casework.facts import facts_from_mapping, facts_problems, phone_problem
from archive.casework.steps import Need, missing_for_next
from archive.casework.values import checked_text
from archive.catalog import cases as catalog_cases
from archive.catalog.access import handed_over
from archive.catalog.cases import Case, Person
from archive.catalog.documents import CaseItem, FiledDocument, case_items
from archive.catalog.events import Event, read_log, record
from archive.catalog.matters import Matter, list_matters
from archive.catalog.session import Archive
from archive.dataroot.calendar import load_calendar
from archive.indexing.outbox import run_outbox

RECENT_EVENTS = 10


@dataclass(frozen=True)
class CaseView:
    """Everything `case show` presents: facts, people, matters, items and their files, recent events, what is
    missing next."""

    case: Case
    people: list[Person]
    matters: list[Matter]
    items: list[CaseItem]
    events: list[Event]
    needs: list[Need]
    # Each matter's planned date (its time limit in working days from acceptance), by matter id.
    planned: dict[int, Due | None] = field(default_factory=dict)

    @property
    def documents(self) -> list[FiledDocument]:
        """Every file of the case, item by item."""
        return [f for item in self.items for f in item.files]


def open_case(archive: Archive, raw: Mapping[str, object], today: date | None = None) -> Case:
    """Validate project facts (English or Chinese keys), number the case and record it (立案)."""
    facts = facts_from_mapping(dict(raw))
    problems = facts_problems(facts)
    if problems:
        raise ValidationError("项目信息有误：\n  " + "\n  ".join(problems))
    return catalog_cases.insert_case(archive, facts, today or date.today())


def list_cases(archive: Archive, status: str | None = None, manager: str | None = None,
               year: int | None = None) -> list[Case]:
    """Return cases in number order, filtered by status, 项目长 and year (the listing is logged)."""
    found = catalog_cases.list_cases(archive, status, manager, year)
    record(archive, "cases.listed", status=status, manager=manager, year=year, hits=len(found))
    return found


def browse_cases(archive: Archive, status: str | None = None, manager: str | None = None, text: str = "",
                 page: int = 1, per_page: int = 50) -> catalog_cases.CasePage:
    """A page of the cases the user may reach, newest first, filtered (the listing is logged)."""
    if page < 1 or not 1 <= per_page <= 500:
        raise UsageError("页码须从 1 开始，每页 1–500 件")
    status = CaseStatus.parse(status) if status else None
    found = catalog_cases.case_page(archive, status, manager, text, (page - 1) * per_page, per_page)
    record(archive, "cases.listed", status=status, manager=manager, query=text or None, page=page, hits=found.total)
    return found


def show_case(archive: Archive, case_no: str) -> CaseView:
    """Return a case with its people, matters, documents, recent events and what its next steps need.

    Who looked at a case is recorded (seed 001: who saw what must be traceable); a view that
    cannot be recorded is not shown.
    """
    archive.require("case.viewed", case_no)
    matters = list_matters(archive, case_no)
    calendar = load_calendar(archive.root)
    # An enterprise sees its progress and what is handed over to it, not the agency's internal papers or log.
    outside = archive.access.role == UserRole.ENTERPRISE
    items = case_items(archive, case_no, include_withdrawn=not outside)
    view = CaseView(
        case=catalog_cases.get_case(archive, case_no),
        people=catalog_cases.case_people(archive, case_no),
        matters=matters,
        items=[i for i in items if handed_over(i.form_id)] if outside else items,
        events=[] if outside else read_log(archive, case_no, limit=RECENT_EVENTS),
        needs=[] if outside else missing_for_next(archive, case_no),
        planned={m.id: planned_date(calendar, m) for m in matters},
    )
    record(archive, "case.viewed", case_no=case_no)
    return view


def change_manager(archive: Archive, case_no: str, name: str, phone: str = "") -> Case:
    """Hand the case to a new 项目长; the old one stays on record with an end date."""
    if phone and (problem := phone_problem(phone)):
        raise ValidationError(problem)
    case = catalog_cases.change_manager(archive, case_no, checked_text("项目长", name, limit=100), phone)
    run_outbox(archive)
    return case


def case_log(archive: Archive, case_no: str | None = None) -> list[Event]:
    """Return the event log (全程留痕) of one case, or of the whole archive (the reading is logged too)."""
    if case_no:
        catalog_cases.get_case(archive, case_no)
    found = read_log(archive, case_no)
    record(archive, "log.viewed", case_no=case_no)
    return found
