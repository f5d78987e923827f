"""The software this machine keeps the archive with, named with versions (DA/T 70 3-3 records it)."""

import importlib.metadata
import platform
import subprocess

PACKAGES = ("daiban", "ocrmypdf", "pikepdf", "pypdf", "pyhanko", "bagit", "whoosh", "docxtpl")
MISSING = "未安装"


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return MISSING
    said = (done.stdout or done.stderr).strip()
    return said.splitlines()[0] if said else "未知"


def environment() -> tuple[tuple[str, str], ...]:
    """The software the archive is kept and checked with (DA/T 70 3-3)."""
    return (("操作系统", platform.platform()), ("Python", platform.python_version()),
            *((name, importlib.metadata.version(name)) for name in PACKAGES),
            ("Tesseract", _version(["tesseract", "--version"])), ("LibreOffice", _version(["soffice", "--version"])))
