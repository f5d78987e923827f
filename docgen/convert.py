"""docx → PDF with LibreOffice headless: one call per batch, a private profile, a timeout, strict success."""

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from archive.base.errors import ExternalToolError, InputFileError, UsageError
from archive.base.processes import child_environment, guarded, kill_group
from docgen.errors import ConversionError

if TYPE_CHECKING:
    from docgen.warmconvert import WarmConverter

SOFFICE_NAMES = ("soffice", "libreoffice")
SOFFICE_PACKAGE = "libreoffice-writer-nogui"
FONTCONFIG_FILE = Path(__file__).resolve().parent / "fontconfig" / "fonts.conf"
# The QR code must reach the PDF untouched: lossless (no JPEG blur) and not resampled to 300 dpi.
PDF_FILTER = ('pdf:writer_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},'
              '"ReduceImageResolution":{"type":"boolean","value":"false"}}')
# How LibreOffice runs for daiban, cold or kept warm: no window, no first-start wizard, no recovery.
SOFFICE_FLAGS = ("--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault")
# A .docx is a zip archive: LibreOffice turns an empty or truncated one into a blank page without a word.
ZIP_SUFFIXES = (".docx", ".docm", ".dotx")
BASE_TIMEOUT_S = 60.0
PER_FILE_TIMEOUT_S = 10.0
STDERR_TAIL = 600


def find_soffice() -> str:
    """Path of the LibreOffice executable; a clear error naming the Debian package when absent."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ExternalToolError(
        f"找不到 LibreOffice（soffice），无法转换为 PDF：请安装 Debian 软件包 {SOFFICE_PACKAGE}"
        f"（apt-get install {SOFFICE_PACKAGE}）"
    )


def default_timeout(count: int) -> float:
    """Seconds allowed for converting count files in one call."""
    return BASE_TIMEOUT_S + PER_FILE_TIMEOUT_S * count


def convert_to_pdf(docx_files: Sequence[Path], out_dir: Path, *, timeout: float | None = None,
                   soffice: str | None = None, converter: "WarmConverter | None" = None) -> list[Path]:
    """Convert the files in one LibreOffice call; return out_dir/<stem>.pdf for each, in order.

    Succeeds only when LibreOffice exits 0 and every PDF exists and is non-empty; a PDF of
    the same name already in out_dir is replaced. Nothing lands in out_dir on failure.
    With a converter the batch is one job of that long-lived LibreOffice instead (soffice is then unused).
    """
    if converter is not None:
        return converter.convert(docx_files, out_dir, timeout=timeout)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = _check_sources(docx_files)
    if not sources:
        return []
    executable = soffice or find_soffice()
    limit = default_timeout(len(sources)) if timeout is None else timeout
    # The private profile lives beside the output, inside the caller's scratch folder, so a killed
    # run leaves nothing in /tmp.
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=out_dir) as staging:
        profile = Path(staging) / ".profile"
        _run(soffice_command(executable, profile, Path(staging), sources), limit, sources)
        return publish(sources, Path(staging), out_dir)


def publish(sources: list[Path], staging: Path, out_dir: Path, reported: frozenset[str] = frozenset()) -> list[Path]:
    """Move each source's PDF from staging into out_dir once every one exists, is not empty and was not reported
    failed; else a ConversionError naming the files, and nothing lands in out_dir."""
    produced = [staging / f"{source.stem}.pdf" for source in sources]
    failed = [source for source, pdf in zip(sources, produced, strict=True)
              if str(source) in reported or not _nonempty(pdf)]
    if failed:
        raise ConversionError(f"LibreOffice 没有为以下文件生成 PDF：{'、'.join(str(f) for f in failed)}", failed)
    targets = [out_dir / pdf.name for pdf in produced]
    for pdf, target in zip(produced, targets, strict=True):
        os.replace(pdf, target)
    return targets


def soffice_command(executable: str, profile: Path, out_dir: Path, sources: Sequence[Path]) -> list[str]:
    """The LibreOffice command line converting sources into out_dir with a private profile."""
    return [
        executable,
        f"-env:UserInstallation={profile.as_uri()}",
        *SOFFICE_FLAGS,
        "--convert-to", PDF_FILTER,
        "--outdir", str(out_dir),
        *(str(s) for s in sources),
    ]


def soffice_environment() -> dict[str, str]:
    """The child's environment: ours plus the shipped font configuration."""
    return dict(os.environ, FONTCONFIG_FILE=str(FONTCONFIG_FILE))


def _check_sources(docx_files: Sequence[Path]) -> list[Path]:
    sources = [Path(f).resolve() for f in docx_files]
    for source in sources:
        if not source.is_file():
            raise InputFileError(f"要转换的文件不存在：{source}")
    stems = [s.stem for s in sources]
    clashes = sorted({stem for stem in stems if stems.count(stem) > 1})
    if clashes:
        raise UsageError(f"同一批转换中有同名文件（PDF 会互相覆盖）：{'、'.join(clashes)}")
    broken = [s for s in sources if s.suffix.lower() in ZIP_SUFFIXES and not zipfile.is_zipfile(s)]
    if broken:
        raise ConversionError(f"以下文件不是有效的 Word 文档（为空或已损坏），无法转换为 PDF：{_names(broken)}", broken)
    return sources


def _run(command: list[str], timeout: float, sources: list[Path]) -> None:
    # A session of its own lets us kill soffice and every child it forks as one process group;
    # the guard leading that group kills it too if daiban itself dies.
    process = subprocess.Popen(guarded(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=child_environment(soffice_environment()),
                               start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise ConversionError(
            f"LibreOffice 转换超时（{timeout:g} 秒），已终止进程 {process.pid}：{_names(sources)}", sources
        ) from None
    if process.returncode != 0:
        tail = stderr.decode("utf-8", "replace")[-STDERR_TAIL:].strip()
        raise ConversionError(
            f"LibreOffice 转换失败（退出码 {process.returncode}）：{_names(sources)}" + (f"；{tail}" if tail else ""),
            sources,
        )


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _names(sources: Sequence[Path]) -> str:
    return "、".join(s.name for s in sources)
