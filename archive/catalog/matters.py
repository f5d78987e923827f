"""审批事项 (matters) as the catalog stores them: one checklist per case, a status per matter."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from archive.base.errors import NotFoundError
from archive.base.terms import STAGES, MatterStatus
from archive.catalog import events
from archive.catalog.cases import case_row
from archive.catalog.engine import batches
from archive.catalog.evidence import MATTER_STEPS, matter_record
from archive.catalog.schema import matters
from archive.catalog.session import Archive


@dataclass(frozen=True)
class Matter:
    """One approval matter of a case."""

    id: int
    stage: str
    name: str
    level: str
    dept: str
    liaison: str
    time_limit: int | None
    parallel: bool
    status: MatterStatus
    created: str
    accepted: str | None
    done: str | None
    submitted: str | None = None
    parallel_group: str = ""
    result_item: int | None = None
    assist_item: int | None = None


@dataclass(frozen=True)
class NewMatter:
    """A matter to add, with its stage and level already checked."""

    stage: str
    name: str
    level: str
    dept: str
    liaison: str = ""
    time_limit: int | None = None
    parallel: bool = False
    parallel_group: str = ""


def _to_matter(row) -> Matter:
    return Matter(row.id, row.stage, row.name, row.level, row.dept, row.liaison, row.time_limit,
                  bool(row.parallel), MatterStatus(row.status), row.created, row.accepted, row.done,
                  row.submitted, row.parallel_group or "", row.result_item, row.assist_item)


def _missing(case_no: str, matter_id: int) -> NotFoundError:
    return NotFoundError(f"案件 {case_no} 中没有编号为 {matter_id} 的审批事项")


def _load(conn, case_id: int, case_no: str, matter_id: int) -> Matter:
    row = conn.execute(select(matters).where(matters.c.case_id == case_id,
                                             matters.c.id == matter_id)).first()
    if row is None:
        raise _missing(case_no, matter_id)
    return _to_matter(row)


def insert_matter(archive: Archive, case_no: str, new: NewMatter) -> Matter:
    """Add a matter to a case's checklist (一张审批清单) as 待办."""
    with archive.write() as conn:
        case_id = case_row(conn, case_no).id
        matter_id = conn.execute(matters.insert().values(
            case_id=case_id, stage=new.stage, name=new.name, level=new.level, dept=new.dept,
            liaison=new.liaison, time_limit=new.time_limit, parallel=new.parallel,
            parallel_group=new.parallel_group, status=MatterStatus.WAITING, created=events.now(),
        )).inserted_primary_key[0]
        row = conn.execute(select(matters).where(matters.c.id == matter_id)).first()
        events.append(conn, archive.actor, "matter.added", case_no=case_no, matter=matter_id,
                      stage=new.stage, name=new.name, level=new.level, dept=new.dept, record=matter_record(row))
        return _load(conn, case_id, case_no, matter_id)


def list_matters(archive: Archive, case_no: str) -> list[Matter]:
    """Return a case's matters in stage order."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        rows = conn.execute(select(matters).where(matters.c.case_id == case_id).order_by(matters.c.id))
        found = [_to_matter(r) for r in rows]
    return sorted(found, key=lambda m: STAGES.index(m.stage))


def matters_of_cases(archive: Archive, case_ids: list[int]) -> dict[int, list[Matter]]:
    """The matters of many cases by case id, each list in stage order, a batch of cases per query."""
    found: dict[int, list[Matter]] = {}
    with archive.read() as conn:
        for batch in batches(case_ids):
            rows = conn.execute(select(matters).where(matters.c.case_id.in_(batch)).order_by(matters.c.id))
            for row in rows:
                found.setdefault(row.case_id, []).append(_to_matter(row))
    return {case_id: sorted(listed, key=lambda m: STAGES.index(m.stage)) for case_id, listed in found.items()}


def set_matter_status(archive: Archive, case_no: str, matter_id: int, target: MatterStatus,
                      guard: Callable[[Matter], None], on: date | None = None) -> Matter:
    """Move a matter to target once guard (the matter rules) accepts its current state, in one transaction;
    on is the day it happened when that was not today."""
    with archive.write() as conn:
        case_id = case_row(conn, case_no).id
        current = _load(conn, case_id, case_no, matter_id)
        guard(current)
        stamp = on.isoformat() if on else events.now()
        values = {"status": target, "done" if target == MatterStatus.DONE else "accepted": stamp}
        conn.execute(matters.update().where(matters.c.id == matter_id).values(**values))
        events.append(conn, archive.actor, "matter.status", case_no=case_no, matter=matter_id,
                      name=current.name, old=current.status, new=target,
                      **({"on": on.isoformat()} if on else {}))
        return _load(conn, case_id, case_no, matter_id)


def set_matter_step(archive: Archive, case_no: str, matter_id: int, action: str, value: str | int,
                    guard: Callable[[Matter], None]) -> Matter:
    """Record one step of a matter (submitted on a day, its result 件, its 协办单's 件) once guard accepts it."""
    column = MATTER_STEPS[action]
    with archive.write() as conn:
        case_id = case_row(conn, case_no).id
        current = _load(conn, case_id, case_no, matter_id)
        guard(current)
        conn.execute(matters.update().where(matters.c.id == matter_id).values({column: value}))
        events.append(conn, archive.actor, action, case_no=case_no, matter=matter_id, name=current.name,
                      **{column: value})
        return _load(conn, case_id, case_no, matter_id)
