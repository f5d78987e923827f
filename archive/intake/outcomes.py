"""What ingest tells its caller: where it was asked to file, its progress, and what became of each file."""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from archive.base.errors import ExitCode


class IngestStatus(StrEnum):
    """What became of a scan or of one form of a stack."""

    FILED = "filed"
    REVIEW = "review"
    DUPLICATE = "duplicate"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """The Chinese name users read."""
        return {"filed": "已归档", "review": "待审核", "duplicate": "重复", "failed": "失败"}[self.value]


@dataclass
class Outcome:
    """What became of one scan, or of one form of a scanned stack."""

    source: str
    status: IngestStatus
    message: str
    pages: list[int] = field(default_factory=list)
    case_no: str | None = None
    form_id: str | None = None
    identity: str | None = None
    doc_ids: list[int] = field(default_factory=list)
    review_id: int | None = None
    reason: str | None = None
    exit_code: ExitCode = ExitCode.OK
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IngestReport:
    """The outcomes of a batch; its exit code is the first failure's (OK when nothing failed)."""

    outcomes: list[Outcome]

    @property
    def exit_code(self) -> ExitCode:
        """The exit code of the first failed file, else OK."""
        return next((o.exit_code for o in self.outcomes if o.status == IngestStatus.FAILED), ExitCode.OK)

    def summary(self) -> str:
        """One line counting outcomes by status, in Chinese."""
        return "，".join(f"{s.label} {sum(o.status == s for o in self.outcomes)}" for s in IngestStatus)


@dataclass(frozen=True)
class Target:
    """Where the user said the scan belongs (--case, --form, --category)."""

    case_no: str | None = None
    form_id: str | None = None
    category: str | None = None


def _ignore(*_args) -> None:
    return None


@dataclass(frozen=True)
class IngestProgress:
    """What a caller is told during long work: file n of total starts, an OCR step advances, a file is done."""

    file_started: Callable[[Path, int, int], None] = _ignore
    step: Callable[[str, float, float | None], None] = _ignore
    file_done: Callable[[Path, list[Outcome]], None] = _ignore


def pages_text(pages: list[int]) -> str:
    """Pages (1-based) as people write them: 第 2–4 页, or 第 1、3 页."""
    ordered = sorted(pages)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"第 {ordered[0]}–{ordered[-1]} 页" if len(ordered) > 1 else f"第 {ordered[0]} 页"
    return f"第 {'、'.join(map(str, ordered))} 页"
