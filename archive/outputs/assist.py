"""Matters a level up (跨层级): adding one prepares its 协办单, to be pushed 1 working day after the local approval.

Seed 001 四(二)1 and 002 五(五): once the approvals of the level below are done, the 项目长 pushes the
matter to the department a level up within one working day, with a 协办单. The 协办单 is made when the
matter joins the checklist, so that it is ready on the day; `daiban due` watches the push.
"""

from dataclasses import dataclass
from datetime import date

from archive.base.errors import DaibanError
from archive.casework.deadlines import lower_levels
from archive.casework.matters import add_matter
from archive.catalog.matters import Matter, list_matters, set_matter_step
from archive.catalog.session import Archive
from archive.outputs.context import FormValues
from archive.outputs.forms import Generated, generate_forms


@dataclass(frozen=True)
class AddedMatter:
    """A matter added to a case and the 协办单 prepared for the matters a level up that lacked one."""

    matter: Matter
    assists: list[tuple[Matter, Generated]]
    # Why the 协办单 could not be made (the matter is added all the same; `matter assist` makes it later).
    assist_error: str = ""


def _assist_values(upper: Matter, below: list[Matter]) -> dict:
    names = "、".join(f"“{m.name}”（{m.level}）" for m in below)
    request = (f"“{upper.name}”属{upper.level}审批事项。本项目{upper.stage}的{names}审批完成后，"
               f"我中心将于1个工作日内推送本单及本级审批结果，请贵单位提前介入、及时受理，并将办理结果反馈我中心。")
    return {"to_unit": upper.dept, "matter": upper.name, "assist_type": ["跨层级推送"], "request": request,
            "attachments": [f"{m.name}审批结果（本级审批完成后随单推送）" for m in below]}


def _needing_assist(matters: list[Matter]) -> list[tuple[Matter, list[Matter]]]:
    return [(m, below) for m in matters if m.assist_item is None and (below := lower_levels(matters, m))]


def prepare_assists(archive: Archive, case_no: str, pdf: bool = True,
                    when: date | None = None) -> list[tuple[Matter, Generated]]:
    """Generate and file a 协办单 for every matter a level up in its stage that has none yet."""
    prepared = []
    for upper, below in _needing_assist(list_matters(archive, case_no)):
        values = FormValues(data={"assist": _assist_values(upper, below)})
        (made,) = generate_forms(archive, case_no, ["assist"], values, pdf=pdf, when=when)
        linked = set_matter_step(archive, case_no, upper.id, "matter.assist", made.docx.item_no, lambda _: None)
        prepared.append((linked, made))
    return prepared


def add_matter_with_assist(archive: Archive, case_no: str, name: str, *, stage: str | None = None,
                           level: str | None = None, dept: str | None = None, liaison: str = "",
                           time_limit: int | None = None, parallel: bool | None = None, group: str = "",
                           assist: bool = True, pdf: bool = True) -> AddedMatter:
    """Add a matter (`matter add`); a matter a level up in its stage gets its 协办单 unless told not to."""
    matter = add_matter(archive, case_no, name, stage, level, dept, liaison, time_limit, parallel, group)
    if not assist:
        return AddedMatter(matter, [])
    try:
        return AddedMatter(matter, prepare_assists(archive, case_no, pdf))
    except DaibanError as exc:
        return AddedMatter(matter, [], exc.message)
