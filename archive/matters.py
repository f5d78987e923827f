"""审批事项 (matters) of a case per approval stage: 待办 → 已受理 → 已办结 (销号管理)."""

from dataclasses import dataclass

from sqlalchemy import select

from archive import events
from archive.cases import case_row
from archive.db import matters
from archive.errors import NotFoundError, UsageError
from archive.session import Archive

STAGES = ("立项用地规划许可阶段", "工程建设许可阶段", "施工许可阶段", "竣工验收阶段")
LEVELS = ("市级", "县级", "省级")
WAITING, ACCEPTED, DONE = "待办", "已受理", "已办结"


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
    status: str
    created: str
    accepted: str | None
    done: str | None


def _stage(key: str) -> str:
    """Accept a stage by full name, by a unique prefix (立项, 工程, 施工, 竣工) or by number 1-4."""
    if key.isdigit() and 1 <= int(key) <= len(STAGES):
        return STAGES[int(key) - 1]
    found = [s for s in STAGES if s.startswith(key)]
    if len(found) != 1:
        raise UsageError(f"未知的审批阶段“{key}”，应为：{'、'.join(STAGES)}（或 1-4）")
    return found[0]


def _level(key: str) -> str:
    level = key if key.endswith("级") else key + "级"
    if level not in LEVELS:
        raise UsageError(f"审批层级“{key}”无效，应为：{'、'.join(LEVELS)}")
    return level


def add_matter(archive: Archive, case_no: str, stage: str, name: str, level: str, dept: str,
               liaison: str = "", time_limit: int | None = None, parallel: bool = False) -> Matter:
    """Add a matter to a case's checklist (一张审批清单)."""
    stage, level = _stage(stage), _level(level)
    if time_limit is not None and time_limit <= 0:
        raise UsageError("办理时限应为正整数（工作日）")
    with archive.write() as conn:
        row = case_row(conn, case_no)
        matter_id = conn.execute(matters.insert().values(
            case_id=row.id, stage=stage, name=name, level=level, dept=dept, liaison=liaison,
            time_limit=time_limit, parallel=parallel, status=WAITING, created=events.now(),
        )).inserted_primary_key[0]
        events.append(conn, archive.actor, "matter.added", case_no=case_no, matter=matter_id,
                      stage=stage, name=name, level=level, dept=dept)
    return _get(archive, case_no, matter_id)


def _row(row) -> Matter:
    return Matter(row.id, row.stage, row.name, row.level, row.dept, row.liaison, row.time_limit,
                  bool(row.parallel), row.status, row.created, row.accepted, row.done)


def list_matters(archive: Archive, case_no: str, stage: str | None = None) -> list[Matter]:
    """Return a case's matters in stage order."""
    with archive.engine.connect() as conn:
        row = case_row(conn, case_no)
        rows = conn.execute(select(matters).where(matters.c.case_id == row.id).order_by(matters.c.id))
        found = [_row(r) for r in rows]
    if stage:
        found = [m for m in found if m.stage == _stage(stage)]
    return sorted(found, key=lambda m: STAGES.index(m.stage))


def _get(archive: Archive, case_no: str, matter_id: int) -> Matter:
    for matter in list_matters(archive, case_no):
        if matter.id == matter_id:
            return matter
    raise NotFoundError(f"案件 {case_no} 中没有编号为 {matter_id} 的审批事项")


def advance_matter(archive: Archive, case_no: str, matter_id: int, target: str) -> Matter:
    """Move a matter to 已受理 or 已办结 (a 待办 matter may be 销号 directly)."""
    with archive.write() as conn:
        row = case_row(conn, case_no)
        current = conn.execute(select(matters).where(
            matters.c.case_id == row.id, matters.c.id == matter_id)).first()
        if current is None:
            raise NotFoundError(f"案件 {case_no} 中没有编号为 {matter_id} 的审批事项")
        if current.status == DONE:
            raise UsageError(f"事项“{current.name}”已办结（销号），不能再变更")
        if current.status == target:
            raise UsageError(f"事项“{current.name}”已是“{target}”状态")
        stamp = events.now()
        values = {"status": target, "done" if target == DONE else "accepted": stamp}
        conn.execute(matters.update().where(matters.c.id == matter_id).values(**values))
        events.append(conn, archive.actor, "matter.status", case_no=case_no, matter=matter_id,
                      name=current.name, old=current.status, new=target)
    return _get(archive, case_no, matter_id)
