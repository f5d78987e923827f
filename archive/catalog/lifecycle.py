"""The case lifecycle: 登记 → 研判 → 受理 → 办理 ⇄ 中止 → 办结 | 终止 → 归档.

One table of transitions; each names the form whose filed copy proves it
(form ids of templates/forms.toml). A case moves only when that proof is filed.
"""

from dataclasses import dataclass

from archive.base.terms import AGENCY_STAGE
from archive.base.terms import CaseStatus as S


@dataclass(frozen=True)
class Transition:
    """A step from some statuses to one, proved by a filed form (signed or not)."""

    sources: tuple[S, ...]
    target: S
    form: str | None
    signed: bool
    label: str


TRANSITIONS = (
    Transition((S.REGISTERED,), S.ASSESSED, "assess", True, "完成项目研判"),
    Transition((S.REGISTERED, S.ASSESSED), S.ACCEPTED, "entrust", True, "签订委托书，正式受理"),
    Transition((S.ACCEPTED,), S.HANDLING, "plan", False, "出具服务方案，进入办理"),
    Transition((S.ACCEPTED, S.HANDLING), S.SUSPENDED, "suspend", False, "中止代办服务"),
    Transition((S.SUSPENDED,), S.HANDLING, None, False, "中止情形消除，恢复办理"),
    Transition((S.HANDLING,), S.COMPLETED, "complete", True, "事项全部办结，签署办结单"),
    Transition((S.ACCEPTED, S.HANDLING, S.SUSPENDED), S.TERMINATED, "terminate", True, "终止委托"),
    Transition((S.COMPLETED, S.TERMINATED), S.ARCHIVED, None, False, "材料移交，立卷归档（须通过完整性检查）"),
)


def proved_by(form_id: str, signed: bool, status: str) -> Transition | None:
    """Return the transition that filing this form fires from this status, if any."""
    for step in TRANSITIONS:
        if step.form == form_id and status in step.sources and (signed or not step.signed):
            return step
    return None


def step_to(target: str, status: str) -> Transition | None:
    """Return the transition from status to target, if the table has one."""
    for step in TRANSITIONS:
        if step.target == target and status in step.sources:
            return step
    return None


def next_steps(status: str) -> list[Transition]:
    """Return the transitions open from this status."""
    return [step for step in TRANSITIONS if status in step.sources]


# How far along the lifecycle a status is; paperwork for a step already passed is filed
# without moving the case (a signed 研判表 scanned after the 委托书, a second scan).
RANK = {S.REGISTERED: 0, S.ASSESSED: 1, S.ACCEPTED: 2, S.HANDLING: 3, S.SUSPENDED: 3, S.COMPLETED: 4,
        S.TERMINATED: 4, S.ARCHIVED: 5}


def refusal(form_id: str, signed: bool, status: str, form_title: str) -> str | None:
    """Explain why filing this form cannot move the case, or None when it may (or proves nothing)."""
    steps = [s for s in TRANSITIONS if s.form == form_id]
    if not steps or proved_by(form_id, signed, status):
        return None
    if all(RANK[status] >= RANK[s.target] for s in steps):
        return None
    if any(status in s.sources for s in steps) and not signed:
        return f"《{form_title}》须为签署件（--signed）才能推进案件状态"
    order = list(S)
    allowed = "、".join(sorted({src for s in steps for src in s.sources}, key=order.index))
    message = f"案件当前状态为“{status}”，《{form_title}》只能在“{allowed}”状态下推进案件"
    open_now = [s.label + (f"（{s.form}）" if s.form else "") for s in next_steps(status)]
    return message + ("；当前可进行：" + "、".join(open_now) if open_now else "")


def misplaced_form(status: str, stage: str, form_title: str) -> str | None:
    """Why a form of this stage cannot go into a file in this status: agency-level forms belong to the
    机构文件, every other form to a case; None when it fits."""
    agency_form, agency_file = stage == AGENCY_STAGE, status == S.AGENCY_FILE
    if agency_form and not agency_file:
        return (f"《{form_title}》是机构层面的表单，不属于任何案件，归入机构文件："
                "请用 daiban agency render / daiban agency file")
    if agency_file and not agency_form:
        return f"机构文件只收机构层面的表单（名单报送回执、政企互动情况统计表），《{form_title}》应归入案件"
    return None
