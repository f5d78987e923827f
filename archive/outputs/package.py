"""The handover package (移交包): a zipped BagIt bag (RFC 8493, bagit-python) holding the dossier PDF, every
original handed over as its own file and the 移交清单 of what is in it, with sha256 manifests; and its check,
which anyone can also make with any BagIt tool."""

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import bagit

from archive.base.errors import InputFileError
from docgen.signature import SignatureCheck, check_signature

LIST_NAME = "移交清单.pdf"
DOSSIER_NAME = "移交档案.pdf"


@dataclass(frozen=True)
class PackedFile:
    """A file to put in the bag: where it is, its name under data/, and what the 移交清单 says of it."""

    source: Path
    name: str
    title: str
    kind: str
    doc_no: str = ""
    copy: str = "电子件"
    pages: int | None = None


@dataclass(frozen=True)
class PackageProblem:
    """One file (or the bag itself) failing the check, and why, in Chinese."""

    path: str
    message: str
    code: str = "structure"


@dataclass(frozen=True)
class PackageCheck:
    """The result of checking a package: its bag-info and every problem found."""

    path: Path
    info: dict[str, str]
    files: int
    problems: list[PackageProblem]
    signature: SignatureCheck | None = None
    members: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every file is present, listed and matches its checksum, and a signed dossier is intact."""
        return not self.problems


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the filesystem allows (the bag only reads its files), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def make_package(files: list[PackedFile], info: dict[str, str], out_zip: Path, work: Path) -> Path:
    """Write the bag of these files with its bag-info, zipped, to out_zip."""
    bag_dir = work / out_zip.stem
    bag_dir.mkdir(parents=True)
    for f in files:
        target = bag_dir / f.name
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(f.source, target)
    bagit.make_bag(str(bag_dir), bag_info=info, checksums=["sha256"])
    partial = out_zip.with_name(out_zip.name + ".part")
    # Scans and PDFs are compressed already: deflating them again took 50 s for a 500-page dossier.
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in bag_dir.rglob("*") if p.is_file()):
            archive.write(path, str(PurePosixPath(bag_dir.name, *path.relative_to(bag_dir).parts)))
    partial.replace(out_zip)
    return out_zip


# Public, documented compressions any unzip reads (DA/T 70 3-4: no non-public compression).
OPEN_COMPRESSIONS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


def _open_zip(zip_path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(f"{zip_path}：不是可读取的 zip 文件（{exc}）") from exc


def _zip_problems(archive: zipfile.ZipFile) -> list[PackageProblem]:
    """Members that are encrypted or compressed in a way an ordinary unzip may not read."""
    problems = []
    for member in archive.infolist():
        if member.flag_bits & 0x1:
            problems.append(PackageProblem(member.filename, "已加密，接收方无法打开", "encrypted"))
        elif member.compress_type not in OPEN_COMPRESSIONS:
            problems.append(PackageProblem(member.filename, f"使用非通用压缩方法（{member.compress_type}），"
                                                            "接收方可能无法解开", "compression"))
    return problems


def _extract(archive: zipfile.ZipFile, zip_path: Path, into: Path) -> Path:
    try:
        for member in archive.namelist():
            if member.startswith("/") or ".." in PurePosixPath(member).parts:
                raise InputFileError(f"{zip_path}：包内路径“{member}”越出包外，拒绝解开")
        archive.extractall(into)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(f"{zip_path}：不是可读取的 zip 文件（{exc}）") from exc
    roots = [p.parent for p in into.rglob("bagit.txt")]
    if len(roots) != 1:
        raise InputFileError(f"{zip_path}：包内没有（或有多个）bagit.txt，不是一个 BagIt 包")
    return roots[0]


def _problem(detail: object) -> PackageProblem:
    if isinstance(detail, bagit.ChecksumMismatch):
        return PackageProblem(str(detail.path), f"{detail.algorithm} 不符：清单记为 {detail.expected}，"
                                                f"实为 {detail.found}（文件被改动）", "checksum")
    if isinstance(detail, bagit.FileMissing):
        return PackageProblem(str(detail.path), "清单中登记了，包内却没有", "missing")
    if isinstance(detail, bagit.UnexpectedFile):
        return PackageProblem(str(detail.path), "包内多出未登记的文件", "unexpected")
    return PackageProblem("", str(detail))


def check_package(zip_path: Path) -> PackageCheck:
    """Validate a handover package as any BagIt tool would, naming each file that fails."""
    with _open_zip(Path(zip_path)) as archive, tempfile.TemporaryDirectory(prefix="daiban-bag-") as tmp:
        members = tuple(archive.namelist())
        if unreadable := _zip_problems(archive):
            return PackageCheck(Path(zip_path), {}, 0, unreadable, members=members)
        root = _extract(archive, Path(zip_path), Path(tmp))
        try:
            bag = bagit.Bag(str(root))
        except bagit.BagError as exc:
            raise InputFileError(f"{zip_path}：BagIt 结构不完整（{exc}）") from exc
        info = {k: v if isinstance(v, str) else "；".join(v) for k, v in bag.info.items()}
        problems = []
        try:
            bag.validate()
        except bagit.BagValidationError as exc:
            problems = [_problem(d) for d in exc.details] or [PackageProblem("", exc.message)]
        dossier = root / "data" / DOSSIER_NAME
        signature = check_signature(dossier) if dossier.is_file() else None
        if signature is not None and signature.signed and not signature.ok:
            # A dossier changed and its manifest rewritten to match still shows: the signature breaks.
            problems.append(PackageProblem(f"data/{DOSSIER_NAME}", "数字签名不再有效：签名后内容被改动", "signature"))
        return PackageCheck(Path(zip_path), info, len(list(bag.payload_files())), problems, signature, members)
