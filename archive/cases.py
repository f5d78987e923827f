"""Cases (案件): project facts, numbering, people on the case, listing and lookup."""

import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archive import events
from archive.db import cases, people
from archive.errors import NotFoundError, UsageError, ValidationError
from archive.lifecycle import REGISTERED
from archive.session import Archive
from archive.validate import credit_code_problem, phone_problem, project_code_problem

PROJECT_TYPES = ("企业投资", "政府投资")
MANAGER, AGENT, CONTACT = "项目长", "代办员", "联系人"


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


LABELS = {
    "project_name": "项目名称", "unit": "项目单位", "credit_code": "统一社会信用代码",
    "project_code": "项目代码", "project_type": "项目类型", "location": "建设地点",
    "scale": "建设规模及内容", "investment": "总投资（万元）", "funding": "资金来源",
    "land": "用地情况", "contact": "联系人", "phone": "联系电话", "manager": "项目长",
    "manager_phone": "项目长电话", "agents": "代办员",
}
REQUIRED = ("project_name", "unit", "credit_code", "project_type", "location", "scale",
            "contact", "phone", "manager")


@dataclass(frozen=True)
class Case:
    """A case as stored in the catalog."""

    id: int
    case_no: str
    year: int
    facts: CaseFacts
    status: str
    suspend_code: int | None
    suspend_reason: str | None
    folder: str
    retention: str
    opened: str
    updated: str


@dataclass(frozen=True)
class Person:
    """Someone on a case in a role, for a period."""

    role: str
    name: str
    phone: str
    since: str
    until: str | None


def facts_from_mapping(raw: dict) -> CaseFacts:
    """Build facts from a mapping keyed by English field names or their Chinese labels."""
    by_label = {label: name for name, label in LABELS.items()}
    by_label.update({"总投资": "investment", "电话": "phone"})
    known = {f.name for f in fields(CaseFacts)}
    values = {}
    for key, value in raw.items():
        name = key if key in known else by_label.get(key)
        if name is None:
            raise UsageError(f"未知的项目信息字段“{key}”。可用字段：{'、'.join(LABELS.values())}")
        values[name] = value
    facts = CaseFacts(**values)
    if isinstance(facts.agents, str):
        facts.agents = [a for a in re.split(r"[,，、\s]+", facts.agents) if a]
    if isinstance(facts.investment, str):
        facts.investment = _money(facts.investment)
    return facts


def _money(value: str) -> float:
    try:
        return float(value.replace(",", "").replace("万元", "").strip())
    except ValueError:
        raise ValidationError(f"总投资“{value}”不是数字（单位：万元）") from None


def facts_from_toml(path: Path) -> dict:
    """Read project facts from a TOML file (English or Chinese keys)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"项目信息文件不存在：{path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"项目信息文件 {path} 格式错误：{exc}") from None


def facts_problems(facts: CaseFacts) -> list[str]:
    """List every rule the facts break, in Chinese."""
    problems = [f"缺少必填项：{LABELS[name]}（{name}）" for name in REQUIRED
                if not str(getattr(facts, name) or "").strip()]
    if facts.credit_code and (p := credit_code_problem(facts.credit_code)):
        problems.append(p)
    for phone in (facts.phone, facts.manager_phone):
        if phone and (p := phone_problem(phone)):
            problems.append(p)
    if p := project_code_problem(facts.project_code):
        problems.append(p)
    if facts.project_type and facts.project_type not in PROJECT_TYPES:
        problems.append(f"项目类型“{facts.project_type}”无效，应为：{'或'.join(PROJECT_TYPES)}")
    if facts.investment is not None and facts.investment < 0:
        problems.append("总投资不能为负数")
    return problems


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .")[:60]


def _format_case_no(pattern: str, year: int, seq: int) -> str:
    return pattern.format(year=year, seq=seq)


def create_case(archive: Archive, facts: CaseFacts, today: date | None = None) -> Case:
    """Validate the facts, number the case, record it and its people; return it."""
    problems = facts_problems(facts)
    if problems:
        raise ValidationError("项目信息有误：\n  " + "\n  ".join(problems))
    today = today or date.today()
    stamp = events.now()
    with archive.write() as conn:
        seq = (conn.execute(select(func.max(cases.c.seq)).where(cases.c.year == today.year))
               .scalar() or 0) + 1
        case_no = _format_case_no(archive.settings.case_number, today.year, seq)
        folder = f"cases/{today.year}/{_safe_name(case_no + ' ' + facts.project_name)}"
        values = {k: v for k, v in asdict(facts).items()
                  if k not in ("contact", "phone", "manager", "manager_phone", "agents")}
        case_id = conn.execute(cases.insert().values(
            case_no=case_no, year=today.year, seq=seq, status=REGISTERED, folder=folder,
            retention=archive.settings.retention, opened=stamp, updated=stamp, **values,
        )).inserted_primary_key[0]
        roles = [(MANAGER, facts.manager, facts.manager_phone), (CONTACT, facts.contact, facts.phone)]
        roles += [(AGENT, name, "") for name in facts.agents]
        for role, name, phone in roles:
            conn.execute(people.insert().values(case_id=case_id, role=role, name=name,
                                                phone=phone, since=stamp))
        events.append(conn, archive.actor, "case.opened", case_no=case_no,
                      project=facts.project_name, unit=facts.unit, status=REGISTERED)
    (archive.root.path / folder).mkdir(parents=True, exist_ok=True)
    return get_case(archive, case_no)


def _people(conn: Connection, case_id: int) -> list[Person]:
    rows = conn.execute(select(people).where(people.c.case_id == case_id).order_by(people.c.id))
    return [Person(r.role, r.name, r.phone, r.since, r.until) for r in rows]


def _row_to_case(conn: Connection, row) -> Case:
    current = [p for p in _people(conn, row.id) if p.until is None]
    role = {p.role: p for p in reversed(current)}
    facts = CaseFacts(
        project_name=row.project_name, unit=row.unit, credit_code=row.credit_code,
        project_code=row.project_code, project_type=row.project_type, location=row.location,
        scale=row.scale, investment=row.investment, funding=row.funding, land=row.land,
        contact=role[CONTACT].name if CONTACT in role else "",
        phone=role[CONTACT].phone if CONTACT in role else "",
        manager=role[MANAGER].name if MANAGER in role else "",
        manager_phone=role[MANAGER].phone if MANAGER in role else "",
        agents=[p.name for p in current if p.role == AGENT],
    )
    return Case(row.id, row.case_no, row.year, facts, row.status, row.suspend_code,
                row.suspend_reason, row.folder, row.retention, row.opened, row.updated)


def case_row(conn: Connection, case_no: str):
    """Return the catalog row of a case, or raise NotFoundError."""
    row = conn.execute(select(cases).where(cases.c.case_no == case_no)).first()
    if row is None:
        raise NotFoundError(f"案件不存在：{case_no}（用 daiban case list 查看全部案件）")
    return row


def get_case(archive: Archive, case_no: str) -> Case:
    """Return one case by number."""
    with archive.engine.connect() as conn:
        return _row_to_case(conn, case_row(conn, case_no))


def list_cases(archive: Archive, status: str | None = None, manager: str | None = None,
               year: int | None = None) -> list[Case]:
    """Return cases in number order, filtered by status, 项目长 and year."""
    query = select(cases).order_by(cases.c.year, cases.c.seq)
    if status:
        query = query.where(cases.c.status == status)
    if year:
        query = query.where(cases.c.year == year)
    with archive.engine.connect() as conn:
        found = [_row_to_case(conn, row) for row in conn.execute(query)]
    return [c for c in found if not manager or c.facts.manager == manager]


def case_people(archive: Archive, case_no: str) -> list[Person]:
    """Return everyone who is or was on the case, oldest first."""
    with archive.engine.connect() as conn:
        return _people(conn, case_row(conn, case_no).id)


def change_manager(archive: Archive, case_no: str, name: str, phone: str = "") -> Case:
    """Hand the case to a new 项目长; the old one stays on record with an end date."""
    if phone and (problem := phone_problem(phone)):
        raise ValidationError(problem)
    stamp = events.now()
    with archive.write() as conn:
        row = case_row(conn, case_no)
        current = conn.execute(select(people).where(
            people.c.case_id == row.id, people.c.role == MANAGER, people.c.until.is_(None))).first()
        if current is not None and current.name == name:
            raise UsageError(f"{name} 已是案件 {case_no} 的项目长")
        conn.execute(people.update().where(people.c.case_id == row.id, people.c.role == MANAGER,
                                           people.c.until.is_(None)).values(until=stamp))
        conn.execute(people.insert().values(case_id=row.id, role=MANAGER, name=name,
                                            phone=phone, since=stamp))
        conn.execute(cases.update().where(cases.c.id == row.id).values(updated=stamp))
        events.append(conn, archive.actor, "case.manager_changed", case_no=case_no,
                      old=current.name if current else None, new=name)
    return get_case(archive, case_no)
