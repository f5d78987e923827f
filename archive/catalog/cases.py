"""Cases as the catalog stores them: project facts, numbering, the people on a case, status changes."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archive.base.errors import NotFoundError, TransitionError, UsageError
from archive.base.terms import CaseStatus, DocState, MatterStatus, Role
from archive.catalog import events, outbox
from archive.catalog.access import case_clause
from archive.catalog.engine import batches
from archive.catalog.evidence import case_record
from archive.catalog.lifecycle import step_to
from archive.catalog.schema import cases, documents, matters, people
from archive.catalog.session import Archive
from archive.dataroot.folders import NAME_BYTES, safe_name


@dataclass
class CaseFacts:
    """The project facts the 申请表 and 委托书 need."""

    project_name: str = ""
    unit: str = ""
    credit_code: str = ""
    project_code: str = ""
    project_type: str = ""
    location: str = ""
    scale: str = ""
    investment: float | None = None
    funding: str = ""
    land: str = ""
    contact: str = ""
    phone: str = ""
    manager: str = ""
    manager_phone: str = ""
    agents: list[str] = field(default_factory=list)


# Facts kept as people on the case (so a change of 项目长 keeps the former one), not as case columns.
PEOPLE_FACTS = ("contact", "phone", "manager", "manager_phone", "agents")


@dataclass(frozen=True)
class Case:
    """A case as stored in the catalog."""

    id: int
    case_no: str
    year: int
    facts: CaseFacts
    status: CaseStatus
    suspend_code: int | None
    suspend_reason: str | None
    folder: str
    retention: str
    opened: str
    updated: str
    sealed: str | None = None
    seal_head: str | None = None
    volume_no: int | None = None


@dataclass(frozen=True)
class Person:
    """Someone on a case in a role, for a period."""

    role: str
    name: str
    phone: str
    since: str
    until: str | None


@dataclass(frozen=True)
class CaseBrief:
    """What names a case in a document's text: its number, 项目代码, project and unit."""

    case_no: str
    project_code: str
    project_name: str
    unit: str


@dataclass(frozen=True)
class CaseState:
    """What lifecycle rules look at: the case, the forms on file (by kind) and its unfinished matters."""

    case: Case
    forms_on_file: dict[str, set[str]]
    open_matters: list[str]


def case_row(conn: Connection, case_no: str):
    """Return the catalog row of a case, or raise NotFoundError."""
    row = conn.execute(select(cases).where(cases.c.case_no == case_no)).first()
    if row is None:
        raise NotFoundError(f"案件不存在：{case_no}（用 daiban case list 查看全部案件）")
    return row


def _people(conn: Connection, case_id: int) -> list[Person]:
    rows = conn.execute(select(people).where(people.c.case_id == case_id).order_by(people.c.id))
    return [Person(r.role, r.name, r.phone, r.since, r.until) for r in rows]


def _to_case(conn: Connection, row, on_case: list[Person] | None = None) -> Case:
    current = [p for p in (_people(conn, row.id) if on_case is None else on_case) if p.until is None]
    role = {p.role: p for p in reversed(current)}
    contact, manager = role.get(Role.CONTACT), role.get(Role.MANAGER)
    facts = CaseFacts(
        project_name=row.project_name, unit=row.unit, credit_code=row.credit_code,
        project_code=row.project_code, project_type=row.project_type, location=row.location,
        scale=row.scale, investment=row.investment, funding=row.funding, land=row.land,
        contact=contact.name if contact else "", phone=contact.phone if contact else "",
        manager=manager.name if manager else "", manager_phone=manager.phone if manager else "",
        agents=[p.name for p in current if p.role == Role.AGENT],
    )
    return Case(row.id, row.case_no, row.year, facts, CaseStatus(row.status), row.suspend_code,
                row.suspend_reason, row.folder, row.retention, row.opened, row.updated, row.sealed, row.seal_head,
                row.volume_no)


def load_case(conn: Connection, case_no: str) -> Case:
    """Return one case inside the caller's transaction."""
    return _to_case(conn, case_row(conn, case_no))


def insert_case(archive: Archive, facts: CaseFacts, today: date) -> Case:
    """Number a new case (a sequence per year), record it with its people, create its folder."""
    stamp = events.now()
    with archive.write() as conn:
        seq = (conn.execute(select(func.max(cases.c.seq)).where(cases.c.year == today.year))
               .scalar() or 0) + 1
        case_no = archive.settings.case_number.format(year=today.year, seq=seq)
        folder = f"cases/{today.year}/{safe_name(case_no + ' ' + facts.project_name, NAME_BYTES)}"
        values = {k: v for k, v in asdict(facts).items() if k not in PEOPLE_FACTS}
        case_id = conn.execute(cases.insert().values(
            case_no=case_no, year=today.year, seq=seq, status=CaseStatus.REGISTERED, folder=folder,
            retention=archive.settings.retention, opened=stamp, updated=stamp, **values,
        )).inserted_primary_key[0]
        roles = [(Role.MANAGER, facts.manager, facts.manager_phone), (Role.CONTACT, facts.contact, facts.phone)]
        roles += [(Role.AGENT, name, "") for name in facts.agents]
        for role, name, phone in roles:
            conn.execute(people.insert().values(case_id=case_id, role=role, name=name,
                                                phone=phone, since=stamp))
        row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        events.append(conn, archive.actor, "case.opened", case_no=case_no, project=facts.project_name,
                      unit=facts.unit, status=CaseStatus.REGISTERED, record=case_record(row),
                      people=[[str(role), name, phone] for role, name, phone in roles])
        created = load_case(conn, case_no)
    (archive.root.path / folder).mkdir(parents=True, exist_ok=True)
    return created


def agency_file_no(year: int) -> str:
    """The number of the agency's file (机构文件) of a year: it stands where a case number stands."""
    return f"JG-{year}"


def open_agency_file(archive: Archive, year: int) -> Case:
    """Return the agency's file of a year, recording it (like a case, numbered 0 of the year) the first time."""
    case_no = agency_file_no(year)
    with archive.write() as conn:
        if conn.execute(select(cases.c.id).where(cases.c.case_no == case_no)).first() is None:
            stamp = events.now()
            folder = f"cases/{year}/{case_no} 机构文件"
            conn.execute(cases.insert().values(
                case_no=case_no, year=year, seq=0, project_name="机构文件", unit=archive.settings.agency.name,
                credit_code="", project_type="", location="", scale="", status=CaseStatus.AGENCY_FILE, folder=folder,
                retention=archive.settings.retention, opened=stamp, updated=stamp))
            row = case_row(conn, case_no)
            events.append(conn, archive.actor, "case.opened", case_no=case_no, project="机构文件",
                          unit=row.unit, status=CaseStatus.AGENCY_FILE, record=case_record(row), people=[])
        created = load_case(conn, case_no)
    (archive.root.path / created.folder).mkdir(parents=True, exist_ok=True)
    return created


def get_case(archive: Archive, case_no: str) -> Case:
    """Return one case by number."""
    with archive.read() as conn:
        return load_case(conn, case_no)


def _listing(archive: Archive, status: str | None, manager: str | None):
    """The cases the user may reach, of a status (the 机构文件 only when asked for by its status) and a current
    项目长: what every listing starts from."""
    query = select(cases).where(cases.c.status == status if status else cases.c.status != CaseStatus.AGENCY_FILE)
    if (reachable := case_clause(archive.access)) is not None:
        query = query.where(reachable)
    if manager:
        query = query.where(cases.c.id.in_(select(people.c.case_id).where(
            people.c.role == Role.MANAGER, people.c.name == manager, people.c.until.is_(None))))
    return query


def list_cases(archive: Archive, status: str | None = None, manager: str | None = None,
               year: int | None = None, statuses: tuple[str, ...] | None = None) -> list[Case]:
    """Return cases in number order, filtered by status (or any of statuses), 项目长 and year; the 机构文件 only
    when asked for by its status."""
    query = _listing(archive, status, manager).order_by(cases.c.year, cases.c.seq)
    if statuses is not None:
        query = query.where(cases.c.status.in_(statuses))
    if year:
        query = query.where(cases.c.year == year)
    with archive.read() as conn:
        return _with_people(conn, conn.execute(query).all())


def _with_people(conn: Connection, rows) -> list[Case]:
    """Cases from their rows, the people of all of them read in one query a batch."""
    on_case: dict[int, list[Person]] = {}
    ids = [r.id for r in rows]
    for batch in batches(ids):
        for r in conn.execute(select(people).where(people.c.case_id.in_(batch)).order_by(people.c.id)):
            on_case.setdefault(r.case_id, []).append(Person(r.role, r.name, r.phone, r.since, r.until))
    return [_to_case(conn, r, on_case.get(r.id, [])) for r in rows]


def reachable_case_numbers(archive: Archive, status: str | None = None) -> tuple[str, ...] | None:
    """The numbers of the cases (and 机构文件) the acting user may reach, of a status when given; None when
    that is every one."""
    reachable = case_clause(archive.access)
    if reachable is None and status is None:
        return None
    query = select(cases.c.case_no).order_by(cases.c.id)
    query = query.where(reachable) if reachable is not None else query
    query = query.where(cases.c.status == status) if status else query
    with archive.read() as conn:
        return tuple(conn.execute(query).scalars())


@dataclass(frozen=True)
class CasePage:
    """One page of a case listing and how many cases match in all."""

    total: int
    cases: list[Case]


def case_page(archive: Archive, status: str | None = None, manager: str | None = None, text: str = "",
              offset: int = 0, limit: int = 50) -> CasePage:
    """A page of the cases the user may reach, newest first, by status, current 项目长 and a fragment of the
    number, project or unit (the people of the page read in one query)."""
    query = _listing(archive, status, manager)
    if text.strip():
        like = f"%{text.strip()}%"
        query = query.where(cases.c.case_no.like(like) | cases.c.project_name.like(like) | cases.c.unit.like(like))
    with archive.read() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar()
        rows = conn.execute(query.order_by(cases.c.year.desc(), cases.c.seq.desc()).offset(offset).limit(limit)).all()
        return CasePage(total, _with_people(conn, rows))


def case_people(archive: Archive, case_no: str) -> list[Person]:
    """Return everyone who is or was on the case, oldest first."""
    with archive.read() as conn:
        return _people(conn, case_row(conn, case_no).id)


def all_cases_brief(archive: Archive) -> list[CaseBrief]:
    """What names each case in a text, for matching scans to cases."""
    with archive.read() as conn:
        rows = conn.execute(select(cases.c.case_no, cases.c.project_code, cases.c.project_name, cases.c.unit)
                            .where(cases.c.status != CaseStatus.AGENCY_FILE).order_by(cases.c.id))
        return [CaseBrief(*r) for r in rows]


def change_manager(archive: Archive, case_no: str, name: str, phone: str = "") -> Case:
    """Hand the case to a new 项目长; the old one stays on record with an end date."""
    stamp = events.now()
    with archive.write() as conn:
        row = case_row(conn, case_no)
        current = conn.execute(select(people).where(
            people.c.case_id == row.id, people.c.role == Role.MANAGER, people.c.until.is_(None))).first()
        if current is not None and current.name == name:
            raise UsageError(f"{name} 已是案件 {case_no} 的项目长")
        conn.execute(people.update().where(people.c.case_id == row.id, people.c.role == Role.MANAGER,
                                           people.c.until.is_(None)).values(until=stamp))
        conn.execute(people.insert().values(case_id=row.id, role=Role.MANAGER, name=name,
                                            phone=phone, since=stamp))
        conn.execute(cases.update().where(cases.c.id == row.id).values(updated=stamp))
        # Every document of the case is found by its people: their index entries change too.
        outbox.enqueue(conn, list(conn.execute(select(documents.c.id).where(
            documents.c.case_id == row.id, documents.c.state == DocState.FILED)).scalars()))
        events.append(conn, archive.actor, "case.manager_changed", case_no=case_no,
                      old=current.name if current else None, new=name, phone=phone)
        return load_case(conn, case_no)


def _state(conn: Connection, case_no: str) -> CaseState:
    case = load_case(conn, case_no)
    rows = conn.execute(select(documents.c.form_id, documents.c.kind).where(
        documents.c.case_id == case.id, documents.c.state == DocState.FILED,
        documents.c.form_id.is_not(None)))
    on_file: dict[str, set[str]] = {}
    for form_id, kind in rows:
        on_file.setdefault(form_id, set()).add(kind)
    open_matters = conn.execute(select(matters.c.name).where(
        matters.c.case_id == case.id, matters.c.status != MatterStatus.DONE).order_by(matters.c.id)).scalars().all()
    return CaseState(case, on_file, list(open_matters))


def case_state(archive: Archive, case_no: str) -> CaseState:
    """Return what the lifecycle rules of a case look at."""
    with archive.read() as conn:
        return _state(conn, case_no)


Guard = Callable[[CaseState], None]


def move_case(archive: Archive, case_no: str, target: CaseStatus, action: str,
              guard: Guard | None = None, **details) -> Case:
    """Move a case along a step of the lifecycle table; guard may refuse, inside the same transaction."""
    with archive.write() as conn:
        state = _state(conn, case_no)
        status = state.case.status
        if step_to(target, status) is None:
            raise TransitionError(f"案件 {case_no} 当前状态为“{status}”，不能转为“{target}”")
        if guard is not None:
            guard(state)
        values = {"status": target, "updated": events.now()}
        if status == CaseStatus.SUSPENDED:
            values |= {"suspend_code": None, "suspend_reason": None}
        conn.execute(cases.update().where(cases.c.id == state.case.id).values(**values))
        events.append(conn, archive.actor, action, case_no=case_no, old=status, new=target, **details)
        return load_case(conn, case_no)
