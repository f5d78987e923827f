"""The case lifecycle: 登记 → 研判 → 受理 → 办理 ⇄ 中止 → 办结 | 终止 → 归档.

One table of transitions; each names the form whose filed copy proves it
(form ids of templates/forms.toml). A case moves only when that proof is filed.
"""

from dataclasses import dataclass

REGISTERED, ASSESSED, ACCEPTED, HANDLING = "登记", "研判", "受理", "办理"
SUSPENDED, COMPLETED, TERMINATED, ARCHIVED = "中止", "办结", "终止", "归档"
STATUSES = (REGISTERED, ASSESSED, ACCEPTED, HANDLING, SUSPENDED, COMPLETED, TERMINATED, ARCHIVED)
OPEN_STATUSES = (REGISTERED, ASSESSED, ACCEPTED, HANDLING, SUSPENDED)

# The seven 中止 conditions of seed 001 (三、(三) and the 委托书).
SUSPEND_REASONS = {
    1: "投资项目不符合相关法律法规和政策要求",
    2: "申请材料不符合法定条件、标准，且不能补正",
    3: "申请材料内容不真实",
    4: "项目单位未在规定期限内提交审批材料，项目长催促后仍未提交",
    5: "项目单位未及时缴纳相关规费",
    6: "项目单位提出暂停或终止委托“全代办”服务",
    7: "其他确需中止“全代办”服务的客观情况",
}


@dataclass(frozen=True)
class Transition:
    """A step from some statuses to one, proved by a filed form (signed or not)."""

    sources: tuple[str, ...]
    target: str
    form: str | None
    signed: bool
    label: str


TRANSITIONS = (
    Transition((REGISTERED,), ASSESSED, "assess", True, "完成项目研判"),
    Transition((REGISTERED, ASSESSED), ACCEPTED, "entrust", True, "签订委托书，正式受理"),
    Transition((ACCEPTED,), HANDLING, "plan", False, "出具服务方案，进入办理"),
    Transition((ACCEPTED, HANDLING), SUSPENDED, "suspend", False, "中止代办服务"),
    Transition((SUSPENDED,), HANDLING, None, False, "中止情形消除，恢复办理"),
    Transition((HANDLING,), COMPLETED, "complete", True, "事项全部办结，签署办结单"),
    Transition((ACCEPTED, HANDLING, SUSPENDED), TERMINATED, "terminate", True, "终止委托"),
    Transition((COMPLETED, TERMINATED), ARCHIVED, None, False, "材料移交，立卷归档（须通过完整性检查）"),
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
RANK = {REGISTERED: 0, ASSESSED: 1, ACCEPTED: 2, HANDLING: 3, SUSPENDED: 3, COMPLETED: 4,
        TERMINATED: 4, ARCHIVED: 5}


def refusal(form_id: str, signed: bool, status: str, form_title: str) -> str | None:
    """Explain why filing this form cannot move the case, or None when it may (or proves nothing)."""
    steps = [s for s in TRANSITIONS if s.form == form_id]
    if not steps or proved_by(form_id, signed, status):
        return None
    if all(RANK[status] >= RANK[s.target] for s in steps):
        return None
    if any(status in s.sources for s in steps) and not signed:
        return f"《{form_title}》须为签署件（--signed）才能推进案件状态"
    allowed = "、".join(sorted({src for s in steps for src in s.sources}, key=STATUSES.index))
    message = f"案件当前状态为“{status}”，《{form_title}》只能在“{allowed}”状态下推进案件"
    open_now = [s.label + (f"（{s.form}）" if s.form else "") for s in next_steps(status)]
    return message + ("；当前可进行：" + "、".join(open_now) if open_now else "")
