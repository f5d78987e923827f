"""The completeness audit (完整性检查): what each case's current state requires, and what is missing.

The requirements are data: one table of rules per case status, each rule naming a kind of check
and what it checks. Every case also keeps its files intact, its texts readable and no scan of it
waiting in the review queue. Sealing (归档) runs this audit; `daiban audit` shows it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from archive.base.terms import CaseStatus, DocKind
from archive.casework.meetings import case_meeting_views
from archive.catalog.cases import CaseState, case_state
from archive.catalog.cases import list_cases as catalog_cases
from archive.catalog.documents import unread_documents
from archive.catalog.review import list_items
from archive.catalog.session import Archive
from archive.catalog.verify import Report, verify


@dataclass(frozen=True)
class Rule:
    """One requirement: a code, the kind of check, and the forms it looks at (any one of them will do)."""

    code: str
    check: str
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Missing:
    """One missing piece of a case file: which rule, and what exactly, in Chinese."""

    rule: str
    text: str


@dataclass(frozen=True)
class CaseAudit:
    """The audit of one case: its status and everything its state requires that is missing."""

    case_no: str
    status: str
    missing: list[Missing]

    @property
    def ok(self) -> bool:
        """True when nothing is missing."""
        return not self.missing


SIGNED_ENTRUST = Rule("signed_entrust", "signed", ("entrust",))
SIGNED_HANDOVER = Rule("signed_handover", "signed", ("handover",))
# What every case state requires (seed 001 四, 002 六: the signed 委托书 before any agency work,
# the signed 办结单 or 终止委托单 and the 移交清单 before the file is archived).
RULES: dict[CaseStatus, tuple[Rule, ...]] = {
    CaseStatus.REGISTERED: (),
    CaseStatus.ASSESSED: (Rule("signed_assess", "signed", ("assess",)),),
    CaseStatus.ACCEPTED: (SIGNED_ENTRUST,),
    CaseStatus.HANDLING: (SIGNED_ENTRUST, Rule("plan", "filed", ("plan",))),
    CaseStatus.SUSPENDED: (SIGNED_ENTRUST, Rule("suspend_notice", "filed", ("suspend",))),
    CaseStatus.COMPLETED: (SIGNED_ENTRUST, Rule("signed_complete", "signed", ("complete",)), SIGNED_HANDOVER,
                           Rule("matters_done", "matters_done")),
    CaseStatus.TERMINATED: (SIGNED_ENTRUST, Rule("signed_terminate", "signed", ("terminate",)), SIGNED_HANDOVER),
    CaseStatus.ARCHIVED: (SIGNED_ENTRUST, Rule("signed_closing", "signed", ("complete", "terminate")),
                          SIGNED_HANDOVER),
}
EVERY_CASE = (Rule("fixity", "fixity"), Rule("text_read", "text_read"), Rule("review_clear", "review_clear"),
              Rule("meetings_complete", "meetings_complete"))


@dataclass(frozen=True)
class _Facts:
    """What the checks look at, read once per case."""

    archive: Archive
    state: CaseState
    verified: Report | None = None


def _form_titles(facts: _Facts, rule: Rule) -> str:
    return "或".join(f"《{facts.archive.forms.get(f).title}》" for f in rule.forms)


def _signed(facts: _Facts, rule: Rule) -> list[str]:
    if any(DocKind.SIGNED in facts.state.forms_on_file.get(f, set()) for f in rule.forms):
        return []
    return [f"缺少已签署的{_form_titles(facts, rule)}（{'/'.join(rule.forms)}）"]


def _filed(facts: _Facts, rule: Rule) -> list[str]:
    if any(f in facts.state.forms_on_file for f in rule.forms):
        return []
    return [f"缺少{_form_titles(facts, rule)}（{'/'.join(rule.forms)}）"]


def _matters_done(facts: _Facts, rule: Rule) -> list[str]:
    return [f"审批事项未办结：{name}" for name in facts.state.open_matters]


def _fixity(facts: _Facts, rule: Rule) -> list[str]:
    report = facts.verified or verify(facts.archive, facts.state.case.case_no)
    return [f"{p.where}：{p.message}" for p in report.problems]


def _text_read(facts: _Facts, rule: Rule) -> list[str]:
    # A scan or upload whose text could not be read cannot be found by search: someone must look at it.
    unread = unread_documents(facts.archive, facts.state.case.case_no)
    return [f"件号{d.item_no:04d}《{d.title}》的文字未能识别（{d.path}）" for d in unread]


def _review_clear(facts: _Facts, rule: Rule) -> list[str]:
    case_no = facts.state.case.case_no
    waiting = [r for r in list_items(facts.archive) if any(g.case_no == case_no for g in r.guesses)]
    return [f"待审核 #{r.id}（{r.source_name}）可能属于本案，尚未处理" for r in waiting]


def _meetings_complete(facts: _Facts, rule: Rule) -> list[str]:
    # A meeting held without its signed minutes or sign-in sheet did not leave its record (seed 002 五(五)).
    return [line for view in case_meeting_views(facts.archive, facts.state.case.case_no) for line in view.missing]


CHECKS: dict[str, Callable[[_Facts, Rule], list[str]]] = {
    "signed": _signed, "filed": _filed, "matters_done": _matters_done, "fixity": _fixity,
    "text_read": _text_read, "review_clear": _review_clear, "meetings_complete": _meetings_complete,
}


def rules_for(status: str) -> tuple[Rule, ...]:
    """The rules a case in this status is audited by: its state's, then those of every case."""
    return RULES[CaseStatus(status)] + EVERY_CASE


def audit_case(archive: Archive, case_no: str, thorough: bool = True, verified: Report | None = None) -> CaseAudit:
    """Audit one case against the rules of its current state; thorough adds the checks every case keeps
    (fixity of every file, readable texts, the review queue), which read the whole case file unless a
    verify report of the case is given."""
    archive.require("case.viewed", case_no)
    state = case_state(archive, case_no)
    facts = _Facts(archive, state, verified)
    rules = rules_for(state.case.status) if thorough else RULES[CaseStatus(state.case.status)]
    missing = [Missing(rule.code, text) for rule in rules for text in CHECKS[rule.check](facts, rule)]
    return CaseAudit(case_no, state.case.status, missing)


def audit(archive: Archive, case_no: str | None = None) -> list[CaseAudit]:
    """Audit one case, or every case of the archive."""
    numbers = [case_no] if case_no else [c.case_no for c in catalog_cases(archive)]
    return [audit_case(archive, n) for n in numbers]
