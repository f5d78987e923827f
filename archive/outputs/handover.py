"""The handover desk (移交) as the web interface offers it: a case's latest dossier and package as the event log
recorded their build, sealing and building with the user's rights checked before any work, each download of
the dossier recorded, the package's check and the case's 四性检测 report."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.base.errors import IntegrityError, NotFoundError, UsageError
from archive.casework.cases import CaseView, browse_cases, show_case
from archive.catalog import events
from archive.catalog.cases import get_case
from archive.catalog.documents import CaseItem
from archive.catalog.session import Archive
from archive.content.fileinfo import sha256_of
from archive.outputs.dossier import Dossier, build_dossier
from archive.outputs.fourchecks import FourChecks, four_checks
from archive.outputs.package import PackageCheck, check_package

WHICH = ("volume", "package")
REPORT_FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class BuiltHandover:
    """A case's latest dossier build as the event log records it: when, by whom, its files and their sha256."""

    case_no: str
    seq: int
    built: str
    by: str
    pages: int
    items: int
    internal: bool
    volume: Path
    volume_sha256: str
    package: Path
    package_sha256: str

    @property
    def present(self) -> bool:
        """True while both files are where the build put them."""
        return self.volume.is_file() and self.package.is_file()

    def file(self, which: str) -> tuple[Path, str]:
        """The volume's or the package's path and recorded sha256."""
        return (self.volume, self.volume_sha256) if which == "volume" else (self.package, self.package_sha256)


@dataclass(frozen=True)
class HandoverView:
    """A case as the handover desk shows it: the case (as the user may see it) and its latest build."""

    case: CaseView
    latest: BuiltHandover | None

    @property
    def sealed_items(self) -> list[CaseItem]:
        """The case's items that carry an archival 件号, in that order."""
        return sorted((i for i in self.case.items if i.archival_no), key=lambda i: i.archival_no)


@dataclass(frozen=True)
class Built:
    """A dossier just built, with the build as the event log now records it."""

    dossier: Dossier
    latest: BuiltHandover
    sealed: str | None


@dataclass(frozen=True)
class PortalPage:
    """A page of an enterprise's cases, each as the handover desk shows it, and how many it has in all."""

    total: int
    views: list[HandoverView]


def _built(event: events.Event) -> BuiltHandover:
    d = event.details
    return BuiltHandover(event.case_no, event.seq, event.ts, event.actor, d.get("pages", 0), len(d.get("items", [])),
                         bool(d.get("internal")), Path(d["path"]), d["sha256"], Path(d["package"]),
                         d["package_sha256"])


def latest_handover(archive: Archive, case_no: str) -> BuiltHandover | None:
    """The case's latest dossier build, or None before the first."""
    archive.require("case.viewed", case_no)
    found = events.read_actions(archive, ("dossier.built",), case_no)
    return _built(found[-1]) if found else None


def _built_or_refuse(archive: Archive, case_no: str) -> BuiltHandover:
    latest = latest_handover(archive, case_no)
    if latest is None:
        raise NotFoundError(f"案件 {case_no} 尚未生成移交档案")
    return latest


def handover_view(archive: Archive, case_no: str) -> HandoverView:
    """The case (its viewing recorded) with its latest dossier build."""
    return HandoverView(show_case(archive, case_no), latest_handover(archive, case_no))


def portal_page(archive: Archive, page: int = 1, per_page: int = 10) -> PortalPage:
    """The cases the user may reach (an enterprise: its own), newest first, each with its latest build."""
    found = browse_cases(archive, page=page, per_page=per_page)
    return PortalPage(found.total, [handover_view(archive, c.case_no) for c in found.cases])


def build(archive: Archive, case_no: str) -> Built:
    """Build the dossier and its package, with the build as the event log then records it."""
    built = build_dossier(archive, case_no)
    return Built(built, _built_or_refuse(archive, case_no), get_case(archive, case_no).sealed)


def open_dossier(archive: Archive, case_no: str, which: str) -> Path:
    """The latest build's volume or package, once its bytes are those the build recorded; the download is
    recorded (who took what)."""
    if which not in WHICH:
        raise UsageError(f"“{which}”不是可下载的移交文件（应为 volume 或 package）")
    archive.require("dossier.downloaded", case_no)
    latest = _built_or_refuse(archive, case_no)
    path, digest = latest.file(which)
    if not path.is_file():
        raise NotFoundError(f"案件 {case_no} 的移交文件已不在原处（{path.name}），请重新生成移交档案")
    # A file changed since its build is not handed over as if it were the one recorded.
    if (now := sha256_of(path)) != digest:
        raise IntegrityError(f"{path.name} 与生成时记录的 sha256 不符（记录 {digest[:12]}…，现为 {now[:12]}…），"
                             "未提供下载；请重新生成移交档案")
    events.record(archive, "dossier.downloaded", case_no=case_no, which=which, path=str(path), sha256=digest,
                  built=latest.seq)
    return path


def verify_package(archive: Archive, case_no: str) -> PackageCheck:
    """Check the latest package as any BagIt tool would, with the dossier's signature, naming each failing file."""
    return check_package(_built_or_refuse(archive, case_no).package)


def case_report(archive: Archive, case_no: str, fmt: str) -> FourChecks:
    """Run the 四性检测 of a case and keep its report (HTML or PDF) in exports/四性检测/<case>/."""
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"报告格式“{fmt}”无效，应为 html 或 pdf")
    archive.require("checks.reported", case_no)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    out = archive.root.exports_dir / "四性检测" / case_no / f"{case_no} 四性检测 {stamp}.{fmt}"
    return four_checks(archive, out, case_no)
