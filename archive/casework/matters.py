"""审批事项 services: a case's checklist per approval stage, 待办 → 已受理 → 已办结 (销号管理)."""

from datetime import date

from archive.base.errors import UsageError
from archive.base.terms import APPROVALS, LEVELS, STAGES, DocState, MatterStatus
from archive.casework.matterlibrary import find_library_matter
from archive.casework.values import checked_text, past_day
from archive.catalog import matters as catalog_matters
from archive.catalog.documents import find_item
from archive.catalog.events import record
from archive.catalog.matters import Matter, NewMatter, set_matter_step
from archive.catalog.session import Archive
from archive.dataroot.matterlibrary import load_library


def parse_stage(key: str) -> str:
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


def _from_library(archive: Archive, name: str, liaison: str, stage: str | None, level: str | None,
                  dept: str | None, time_limit: int | None, parallel: bool | None, group: str) -> NewMatter:
    """A matter's facts: those given, the rest from the library entry of that name; an unlisted matter
    (free text) must be given stage, level and department."""
    library = load_library(archive.root)
    listed = library.matter(name.strip())
    if listed is None and not (stage and level and dept):
        find_library_matter(library, name)  # raises, naming the listed matters whose names contain it
    if listed is not None:
        stage, level = stage or listed.stage, level or listed.level
        dept = dept or listed.dept
        time_limit = time_limit if time_limit is not None else listed.time_limit
        parallel = parallel if parallel is not None else listed.parallel
    if not dept:
        raise UsageError(f"事项库中“{name}”的审批部门为空：请用 --dept 指定，或在事项库中补全")
    # A matter in a 并联 group runs in parallel with the others of its group.
    return NewMatter(parse_stage(stage), checked_text("事项名称", name), _level(level), checked_text("审批部门", dept),
                     checked_text("审批联络员", liaison), time_limit, bool(parallel) or bool(group),
                     checked_text("并联组", group).strip())


def add_matter(archive: Archive, case_no: str, name: str, stage: str | None = None, level: str | None = None,
               dept: str | None = None, liaison: str = "", time_limit: int | None = None,
               parallel: bool | None = None, group: str = "") -> Matter:
    """Add a matter to a case's checklist (一张审批清单), from the matter library by name or as free text."""
    if time_limit is not None and time_limit <= 0:
        raise UsageError("办理时限应为正整数（工作日）")
    new = _from_library(archive, name, liaison, stage, level, dept, time_limit, parallel, group)
    return catalog_matters.insert_matter(archive, case_no, new)


def list_matters(archive: Archive, case_no: str, stage: str | None = None) -> list[Matter]:
    """Return a case's matters in stage order, optionally of one stage (the listing is logged)."""
    found = catalog_matters.list_matters(archive, case_no)
    found = [m for m in found if m.stage == parse_stage(stage)] if stage else found
    record(archive, "matters.listed", case_no=case_no, stage=stage)
    return found


def _advance(archive: Archive, case_no: str, matter_id: int, target: MatterStatus, on: date | None) -> Matter:
    past_day(on, "只能记录已经发生的办理步骤")

    def allowed(current: Matter) -> None:
        if current.status == MatterStatus.DONE:
            raise UsageError(f"事项“{current.name}”已办结（销号），不能再变更")
        if current.status == target:
            raise UsageError(f"事项“{current.name}”已是“{target}”状态")
        if on is not None and current.accepted and on.isoformat() < current.accepted[:10]:
            raise UsageError(f"日期 {on} 早于事项“{current.name}”的受理日期 {current.accepted[:10]}")

    return catalog_matters.set_matter_status(archive, case_no, matter_id, target, allowed, on)


def accept_matter(archive: Archive, case_no: str, matter_id: int, on: date | None = None) -> Matter:
    """Record that the approval body accepted the matter (已受理), today or on the day given."""
    return _advance(archive, case_no, matter_id, MatterStatus.ACCEPTED, on)


def finish_matter(archive: Archive, case_no: str, matter_id: int, on: date | None = None,
                  result_item: int | None = None) -> Matter:
    """Record the matter as done (已办结, 销号), today or on the day given, with its result 件 when named;
    a 待办 matter may be 销号 directly."""
    if result_item is not None:
        _check_result(archive, case_no, result_item)
    done = _advance(archive, case_no, matter_id, MatterStatus.DONE, on)
    return _set_result(archive, case_no, matter_id, result_item) if result_item is not None else done


def submit_matter(archive: Archive, case_no: str, matter_id: int, on: date | None = None) -> Matter:
    """Record the day the matter was submitted (申报) to its department, or pushed there with its 协办单."""
    past_day(on, "只能记录已经发生的办理步骤")
    day = (on or date.today()).isoformat()

    def allowed(current: Matter) -> None:
        if current.submitted:
            raise UsageError(f"事项“{current.name}”已于 {current.submitted} 申报")
        if current.accepted and day > current.accepted[:10]:
            raise UsageError(f"申报日期 {day} 晚于事项“{current.name}”的受理日期 {current.accepted[:10]}")

    return set_matter_step(archive, case_no, matter_id, "matter.submitted", day, allowed)


def _check_result(archive: Archive, case_no: str, item_no: int) -> None:
    item = find_item(archive, case_no, item_no)
    if item.category != APPROVALS or item.state != DocState.FILED:
        raise UsageError(f"案件 {case_no} 的件号 {item_no:04d}（{item.title}）不是现行的{APPROVALS}，"
                         f"不能作为办理结果：请先把批复或证照归入“{APPROVALS}”类")


def record_result(archive: Archive, case_no: str, matter_id: int, item_no: int) -> Matter:
    """Name the filed 批复/证照 件 that is the matter's result (办理结果)."""
    _check_result(archive, case_no, item_no)
    return _set_result(archive, case_no, matter_id, item_no)


def _set_result(archive: Archive, case_no: str, matter_id: int, item_no: int) -> Matter:
    def allowed(current: Matter) -> None:
        if current.result_item == item_no:
            raise UsageError(f"事项“{current.name}”的办理结果已是件号 {item_no:04d}")

    return set_matter_step(archive, case_no, matter_id, "matter.result", item_no, allowed)
