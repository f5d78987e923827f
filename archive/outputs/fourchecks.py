"""The 四性检测 (DA/T 70-2018): authenticity, integrity, usability and security of a case file at 归档, and of
its handover package at 移交, item by item with the evidence.

The items are data (CHECKS): each names its stage, its DA/T 70 number and the function that judges it from
facts gathered once (verify's findings, each file opened, the audit, the handover packages). A check that
cannot run on this machine says 未检测 and why; it never passes.
"""

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from archive.base.environment import MISSING, environment
from archive.base.errors import InputFileError, UsageError
from archive.base.terms import DocKind, DocState
from archive.casework.audit import audit_case
from archive.casework.facts import credit_code_problem
from archive.catalog import events
from archive.catalog.cases import Case, get_case, list_cases
from archive.catalog.documents import CaseItem, FiledDocument, case_items
from archive.catalog.sealing import reference, shared_references
from archive.catalog.session import Archive, integrity_problems, sqlite_version
from archive.catalog.verify import Report, verify
from archive.content.fileinfo import sha256_of
from archive.content.filetype import SUFFIX_KINDS, ZIP_KINDS
from archive.content.probe import IMAGE_KINDS, Opened, probe
from archive.outputs.package import DOSSIER_NAME, LIST_NAME, PackageCheck, check_package
from docgen.checkreport import CheckLine, CheckReport, Outcome, check_format, write_report

GD, YJ = "归档", "移交"
SHOWN = 40  # evidence lines per item; the rest are counted
SCAN_SECONDS = 1800
# Formats each kind of file may be archived in (PDF/A for scans is checked apart).
ALLOWED = {DocKind.GENERATED: ("pdf", "docx"), DocKind.SIGNED: ("pdf",), DocKind.ORIGINAL: ("pdf", *IMAGE_KINDS),
           DocKind.UPLOAD: ("pdf", "ofd", "txt", *IMAGE_KINDS), DocKind.PHOTO: IMAGE_KINDS}
FORMAT_NAMES = {"txt": "纯文本（UTF-8）",
                "pdf": "PDF", "docx": "Word（OOXML）", "ofd": "OFD", "jpeg": "JPEG", "png": "PNG", "tiff": "TIFF"}


@dataclass(frozen=True)
class _Stored:
    """A filed file of a case and what it is when opened now."""

    case_no: str
    doc: FiledDocument
    now: Opened

    @property
    def where(self) -> str:
        """The file as the report names it."""
        return f"{self.case_no} 件号{self.doc.item_no:04d} {self.doc.path}"


@dataclass(frozen=True)
class Handover:
    """A case's latest handover as the event log recorded it, and its package as it is now."""

    case_no: str
    event: events.Event
    package: Path
    check: PackageCheck | None
    error: str = ""


@dataclass(frozen=True)
class FourChecks:
    """A 四性检测 run: the report written and the verify report it rests on."""

    report: CheckReport
    path: Path
    verified: Report


@dataclass(frozen=True)
class _Facts:
    archive: Archive
    cases: list[Case]
    items: dict[str, list[CaseItem]]
    verified: Report
    opened: list[_Stored]
    missing: list[str]
    handovers: list[Handover]
    log: list[events.Event]
    scanner: str | None
    today: date


Judged = tuple[Outcome, list[str]]


def _handover(archive: Archive, case_no: str, built: list[events.Event]) -> Handover | None:
    if not built:
        return None
    event = built[-1]
    package = Path(event.details.get("package", ""))
    if not package.is_file():
        return Handover(case_no, event, package, None, "移交包文件已不在原处")
    try:
        return Handover(case_no, event, package, check_package(package))
    except InputFileError as exc:  # an unreadable package is a finding of the check, not a crash
        return Handover(case_no, event, package, None, str(exc))


def _gather(archive: Archive, case_no: str | None, anchor: str | None, today: date) -> _Facts:
    chosen = [get_case(archive, case_no)] if case_no else list_cases(archive)
    verified = verify(archive, case_no, anchor)
    found = {c.case_no: case_items(archive, c.case_no) for c in chosen}
    opened = [_Stored(number, doc, probe(archive.root.path / doc.path))
              for number, listed in found.items() for item in listed for doc in item.files]
    # Fixity is item 1-1's: the audit here is what the case's state still lacks.
    missing = [f"{c.case_no}：{m.text}" for c in chosen
               for m in audit_case(archive, c.case_no, verified=verified).missing if m.rule != "fixity"]
    log = events.read_log(archive, case_no)
    handovers = [h for c in chosen if (h := _handover(archive, c.case_no, [
        e for e in log if e.action == "dossier.built" and e.case_no == c.case_no]))]
    numbers = {c.case_no for c in chosen}
    return _Facts(archive, chosen, found, verified, opened, missing, handovers,
                  [e for e in log if e.case_no in numbers], shutil.which("clamscan"), today)


def _shown(lines: list[str]) -> list[str]:
    return lines[:SHOWN] + ([f"……另有 {len(lines) - SHOWN} 条"] if len(lines) > SHOWN else [])


def _verdict(failures: list[str], passed: list[str]) -> Judged:
    return (Outcome.FAILED, _shown(failures)) if failures else (Outcome.PASSED, passed)


def _findings(facts: _Facts, *codes: str) -> list[str]:
    return [f"{p.where}：{p.message}" for p in facts.verified.problems if p.code in codes]


def _no_handover(facts: _Facts) -> Judged | None:
    if facts.handovers:
        return None
    return Outcome.NOT_APPLICABLE, ["尚未生成移交包（daiban dossier 案件编号），移交环节无可检测的信息包"]


# 归档 (GD)


def _source(facts: _Facts) -> Judged:
    return _verdict(_findings(facts, "checksum_mismatch", "size_mismatch", "missing_file"),
                    [f"{len(facts.opened)} 个文件的 sha256 与归档时登记的固化值逐一相符",
                     "签署件为纸质签字后扫描入库，归档环节无电子签名可验；移交档案的数字签名见移交环节 1-1"])


def _reference_problem(facts: _Facts, case: Case, item: CaseItem) -> str | None:
    years = {int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", item.reference or "")}
    sealed_year = int((case.sealed or facts.today.isoformat())[:4])
    try:
        fits = [y for y in years if sealed_year <= y <= facts.today.year and item.reference == reference(
            facts.archive.settings, case.retention, y, case.volume_no, item.archival_no)]
    except UsageError:
        fits = []  # a case sealed before 案卷号 were given, under a pattern that now asks for one
    if fits:
        return None
    return (f"{case.case_no} 件号{item.item_no:04d}：档号“{item.reference}”不符合 daiban.toml 的档号格式"
            f"（{facts.archive.settings.reference}）或与归档件号 {item.archival_no} 不符")


def _date_problems(facts: _Facts, case: Case, doc: FiledDocument) -> list[str]:
    problems = []
    for label, value in (("成文日期", doc.doc_date), ("归档时间", doc.filed)):
        if not value:
            continue
        day = date.fromisoformat(value[:10])
        if day > facts.today or day.year < 1990:
            problems.append(f"{case.case_no} 件号{doc.item_no:04d}《{doc.title}》{label} {value[:10]} 不在合理范围内")
    return problems


def _metadata_accurate(facts: _Facts) -> Judged:
    failures = _findings(facts, "metadata", "case_changed", "document_changed", "item_changed", "matter_changed")
    sealed = 0
    for case in facts.cases:
        if problem := credit_code_problem(case.facts.credit_code):
            failures.append(f"{case.case_no}：统一社会信用代码 {case.facts.credit_code} {problem}")
        for item in facts.items[case.case_no]:
            if item.reference:
                sealed += 1
                failures += [p for p in [_reference_problem(facts, case, item)] if p]
            for doc in item.files:
                failures += _date_problems(facts, case, doc)
    shared = shared_references(facts.archive)
    scope = {c.case_no for c in facts.cases}
    failures += [f"档号 {ref} 重复：{'、'.join(holders)}" for ref, holders in shared.items()
                 if any(h.split()[0] in scope for h in holders)]
    return _verdict(failures, ["案件与文件的元数据与事件日志记录一致；统一社会信用代码校验位正确；日期均在合理范围内",
                               f"{sealed} 个档号符合 daiban.toml 的档号格式（{facts.archive.settings.reference}），"
                               "与归档件号一致，全库无重复"])


def _content_matches(facts: _Facts) -> Judged:
    failures = []
    for o in facts.opened:
        claimed = SUFFIX_KINDS.get(Path(o.doc.path).suffix.lower())
        # .xlsx and .zip both claim a zip; what is inside (docx, xlsx, ofd) is still that.
        if o.now.kind and claimed and o.now.kind != claimed and not (claimed == "zip" and o.now.kind in ZIP_KINDS):
            failures.append(f"{o.where}：扩展名表明为 {claimed}，实际格式为 {o.now.kind}")
        if o.now.pages is not None and o.doc.pages is not None and o.now.pages != o.doc.pages:
            failures.append(f"{o.where}：登记 {o.doc.pages} 页，实有 {o.now.pages} 页")
    failures += _findings(facts, "size_mismatch")
    pages = sum(o.now.pages or 0 for o in facts.opened)
    return _verdict(failures, [f"{len(facts.opened)} 个文件的实际格式与扩展名一致，"
                               f"页数（共 {pages} 页）和大小与登记相符"])


def _location(facts: _Facts) -> Judged:
    failures = _findings(facts, "missing_file", "unexplained_file", "item_missing", "item_empty")
    for case in facts.cases:
        failures += [f"{case.case_no} {doc.path}：不在本案文件夹 {case.folder} 内"
                     for item in facts.items[case.case_no] for doc in item.files
                     if not doc.path.startswith(f"{case.folder}/")]
    return _verdict(failures, [f"登记的存储位置与实际一致：{len(facts.opened)} 个文件均在各自案件文件夹中，"
                               "文件夹中没有未登记的文件"])


def _totals(facts: _Facts) -> Judged:
    files = [o.doc for o in facts.opened]
    recorded = sum(d.size for d in files)
    actual = sum(p.stat().st_size for d in files if (p := facts.archive.root.path / d.path).is_file())
    items = sum(len(v) for v in facts.items.values())
    failures = [f"登记 {recorded:,} 字节，实有 {actual:,} 字节"] if recorded != actual else []
    failures += _findings(facts, "missing_file", "row_missing")
    return _verdict(failures, [f"{len(facts.cases)} 个案件，{items} 件，{len(files)} 个文件，共 {actual:,} 字节，"
                               "与目录登记一致"])


def _serial_gaps(case: Case, listed: list[CaseItem]) -> list[str]:
    numbers = sorted(i.archival_no for i in listed if i.archival_no)
    if not numbers:
        return []
    gaps = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
    doubled = sorted({n for n in numbers if numbers.count(n) > 1})
    return ([f"{case.case_no}：归档件号缺号 {'、'.join(map(str, gaps))}"] if gaps else []) + \
        ([f"{case.case_no}：归档件号重号 {'、'.join(map(str, doubled))}"] if doubled else [])


def _metadata_complete(facts: _Facts) -> Judged:
    failures = _findings(facts, "metadata", "event_missing", "row_missing", "case_missing")
    for case in facts.cases:
        listed = facts.items[case.case_no]
        failures += _serial_gaps(case, listed)
        if case.sealed and any(i.state == DocState.FILED and not i.archival_no for i in listed):
            failures.append(f"{case.case_no}：已归档，但有现行的件没有归档件号")
    sealed = sum(1 for c in facts.cases if c.sealed)
    return _verdict(failures, ["必备元数据（题名、类别、sha256、案件必备信息）齐全",
                               f"{sealed} 个已归档案件的归档件号从 1 起连续，无缺号、重号",
                               "每个案件、文件和审批事项都有对应的事件记录（过程信息完整）"])


def _content_complete(facts: _Facts) -> Judged:
    return _verdict(facts.missing, ["各案件按其当前状态应有的材料齐全（签署件、办结材料、办结的审批事项），"
                                    "文字均已识别，待审核队列中没有属于这些案件的扫描件"])


def _metadata_readable(facts: _Facts) -> Judged:
    problems = integrity_problems(facts.archive)
    return _verdict([f"目录库：{p}" for p in problems],
                    [f"目录库（SQLite {sqlite_version()}）完整性检查通过，全部元数据可读"])


def _content_usable(facts: _Facts) -> Judged:
    failures, claimed = [], 0
    for o in facts.opened:
        if o.now.error:
            failures.append(f"{o.where}：{o.now.error}")
            continue
        if o.now.encrypted:
            failures.append(f"{o.where}：已加密")
        if o.now.kind not in ALLOWED[DocKind(o.doc.kind)]:
            name = FORMAT_NAMES.get(o.now.kind, o.now.kind)
            failures.append(f"{o.where}：{name} 不是{DocKind(o.doc.kind).label}的归档格式")
        # The signed copy is a scan's archival rendition; the original scan is kept as the scanner gave it.
        if o.now.kind == "pdf" and o.doc.kind == DocKind.SIGNED and not o.now.pdfa:
            failures.append(f"{o.where}：签署件（扫描件的归档版本）不是 PDF/A")
        claimed += bool(o.now.pdfa)
    return _verdict(failures, [f"{len(facts.opened)} 个文件均能打开、未加密，格式为允许的归档格式",
                               f"{claimed} 个 PDF 声明为 PDF/A（XMP pdfaid），签署件均为 PDF/A；"
                               "原始扫描件按扫描仪输出原样保存；本机无 veraPDF，未做 PDF/A 完整符合性验证"])


def _environment(facts: _Facts) -> Judged:
    found = dict(environment())
    lacking = [name for name in ("Tesseract", "LibreOffice") if found[name] == MISSING]
    return _verdict([f"{name} 未安装：扫描件无法识别或表单无法转换" for name in lacking],
                    ["软硬件环境已记录（见报告末尾“检测环境”），归档所需的程序齐备"])


def _virus(facts: _Facts, targets: list[Path]) -> Judged:
    if facts.scanner is None:
        return Outcome.NOT_PERFORMED, ["本机未安装杀毒软件（ClamAV clamscan），未做病毒检测"]
    done = subprocess.run([facts.scanner, "--no-summary", "--infected", "-r", *map(str, targets)],
                          capture_output=True, text=True, timeout=SCAN_SECONDS)
    if done.returncode == 0:
        return Outcome.PASSED, [f"clamscan 检查 {len(targets)} 处，未发现病毒"]
    if done.returncode == 1:
        return Outcome.FAILED, _shown(done.stdout.strip().splitlines())
    return Outcome.NOT_PERFORMED, [f"clamscan 未能完成检测：{(done.stderr or done.stdout).strip()[:200]}"]


def _virus_archive(facts: _Facts) -> Judged:
    return _virus(facts, [facts.archive.root.path / c.folder for c in facts.cases])


def _carrier(facts: _Facts) -> Judged:
    return _verdict(_findings(facts, "unexplained_file"),
                    ["案件文件夹中只有登记过的文件，没有多余文件；所有文件均可读取"])


def _process(facts: _Facts) -> Judged:
    failures = _findings(facts, "event_chain", "event_guard", "head_mismatch")
    unnamed = [f"事件 #{e.seq}（{e.label}）没有记录操作人" for e in facts.log if not e.actor.strip()]
    seals = [f"{c.case_no} 归档时事件链头 {c.seal_head}" for c in facts.cases if c.seal_head]
    return _verdict(failures + unnamed, [f"事件日志 {facts.verified.events} 条，哈希链完整，防篡改触发器在位，"
                                         f"当前链头 {facts.verified.head}", *seals,
                                         "每条事件记录了操作人与时间：立案、归档文件、调阅、检索、移交均留痕"])


# 移交 (YJ)


def _per_package(judge: Callable[[Handover], list[str]], passed: str) -> Callable[[_Facts], Judged]:
    """A 移交 check made on each case's latest package; passed is said with {n}, the number of packages."""
    def check(facts: _Facts) -> Judged:
        if skipped := _no_handover(facts):
            return skipped
        failures = []
        for h in facts.handovers:
            if h.check is None:
                failures.append(f"{h.case_no} {h.package}：{h.error}")
            else:
                failures += [f"{h.case_no}：{line}" for line in judge(h)]
        return _verdict(failures, [passed.format(n=len(facts.handovers))])
    return check


def _problems(h: Handover, *codes: str) -> list[str]:
    return [f"{p.path}：{p.message}" for p in h.check.problems if p.code in codes]


def _package_signature(h: Handover) -> list[str]:
    sig = h.check.signature
    fixity = _problems(h, "checksum")
    if sig is None or not sig.signed:
        return [*fixity, "移交档案没有数字签名"]
    return fixity + ([] if sig.ok else [f"移交档案的数字签名无效（签名人：{sig.signer}）"])


def _package_authentic(h: Handover) -> list[str]:
    found = []
    if (digest := sha256_of(h.package)) != h.event.details.get("package_sha256"):
        found.append(f"移交包 {h.package.name} 与移交时记录的不同（sha256 {digest[:12]}…，"
                     f"记录为 {str(h.event.details.get('package_sha256'))[:12]}…）")
    if h.check.info.get("External-Identifier") != h.case_no:
        found.append(f"bag-info 的案件编号为“{h.check.info.get('External-Identifier', '')}”")
    return found


def _package_totals(h: Handover) -> list[str]:
    return _problems(h, "structure", "missing")


def _package_complete(h: Handover) -> list[str]:
    needed = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", f"data/{DOSSIER_NAME}", f"data/{LIST_NAME}")
    found = [f"缺少 {n}" for n in needed if not any(name.endswith("/" + n) for name in h.check.members)]
    return found + _problems(h, "missing")


def _package_usable(h: Handover) -> list[str]:
    return _problems(h, "encrypted", "compression")


def _package_carrier(h: Handover) -> list[str]:
    tops = {name.split("/", 1)[0] for name in h.check.members}
    extra = [f"包外多出 {t}" for t in sorted(tops)] if len(tops) > 1 else []
    return extra + _problems(h, "unexpected")


def _package_process(h: Handover) -> list[str]:
    e = h.event
    return [] if e.actor.strip() else [f"移交事件 #{e.seq} 没有记录操作人"]


def _virus_packages(facts: _Facts) -> Judged:
    return _no_handover(facts) or _virus(facts, [h.package for h in facts.handovers if h.package.is_file()])


CHECKS: tuple[tuple[str, str, str, str, Callable[[_Facts], Judged]], ...] = (
    (GD, "1-1", "真实性", "来源真实性", _source),
    (GD, "1-2", "真实性", "元数据准确性", _metadata_accurate),
    (GD, "1-3", "真实性", "内容真实性", _content_matches),
    (GD, "1-4", "真实性", "元数据与内容关联一致性", _location),
    (GD, "2-1", "完整性", "数据总量", _totals),
    (GD, "2-2", "完整性", "元数据完整性", _metadata_complete),
    (GD, "2-3", "完整性", "内容完整性", _content_complete),
    (GD, "3-1", "可用性", "元数据可用性", _metadata_readable),
    (GD, "3-2", "可用性", "内容可用性", _content_usable),
    (GD, "3-3", "可用性", "软硬件环境", _environment),
    (GD, "4-1", "安全性", "病毒", _virus_archive),
    (GD, "4-2", "安全性", "载体安全性", _carrier),
    (GD, "4-3", "安全性", "过程安全性", _process),
    (YJ, "1-1", "真实性", "来源真实性", _per_package(
        _package_signature, "{n} 个移交包的文件 sha256 与清单相符，移交档案的数字签名有效、签名后未被改动")),
    (YJ, "1-5", "真实性", "信息包真实性", _per_package(
        _package_authentic, "{n} 个移交包与移交时记录的 sha256 相同，BagIt 结构与 bag-info 相符")),
    (YJ, "2-1", "完整性", "数据总量", _per_package(
        _package_totals, "{n} 个移交包的文件数与字节数（Payload-Oxum）与清单相符")),
    (YJ, "2-4", "完整性", "信息包完整性", _per_package(
        _package_complete, "{n} 个移交包含 bagit.txt、bag-info、sha256 清单、移交档案与移交清单，"
                           "清单所列文件均在包内")),
    (YJ, "3-4", "可用性", "信息包可用性", _per_package(
        _package_usable, "{n} 个移交包为通用 zip（不压缩或 Deflate），无加密")),
    (YJ, "4-1", "安全性", "病毒", _virus_packages),
    (YJ, "4-2", "安全性", "载体安全性", _per_package(
        _package_carrier, "{n} 个移交包内只有一个 BagIt 包，没有清单之外的文件")),
    (YJ, "4-3", "安全性", "过程安全性", _per_package(
        _package_process, "{n} 次移交均记入事件日志（操作人、时间、移交包 sha256）")),
)


def four_checks(archive: Archive, out: Path, case_no: str | None = None, anchor: str | None = None,
                today: date | None = None) -> FourChecks:
    """Run the 四性检测 on one case or the whole archive and write the report (HTML or PDF) to out."""
    check_format(out)
    today = today or date.today()
    facts = _gather(archive, case_no, anchor, today)
    lines = tuple(CheckLine(stage, number, aspect, name, *_as_line(check(facts)))
                  for stage, number, aspect, name, check in CHECKS)
    report = CheckReport(f"案件 {case_no}" if case_no else f"全库（{len(facts.cases)} 个案件）",
                         datetime.now().astimezone().isoformat(timespec="seconds"), archive.actor,
                         (*environment(), ("SQLite", sqlite_version())), lines)
    written = write_report(report, out)
    counts = {o.value: n for o, n in report.counts.items()}
    events.record(archive, "checks.reported", case_no=case_no, path=str(written), **counts)
    return FourChecks(report, written, facts.verified)


def _as_line(judged: Judged) -> tuple[Outcome, tuple[str, ...]]:
    outcome, evidence = judged
    return outcome, tuple(evidence)
