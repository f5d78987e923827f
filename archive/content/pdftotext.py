"""poppler's pdftotext: the text layer of a PDF.

Never pypdf for this: it puts a NUL before every CJK character of OCR'd PDFs (MEASUREMENTS.md).
"""

import subprocess
from pathlib import Path

from archive.base.errors import ExternalToolError

TIMEOUT_S = 120.0


def pdftotext(pdf: Path, page: int | None = None) -> str:
    """Return the raw text of a PDF, or of one page (1-based); pages are separated by form feeds."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    try:
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"],
                              capture_output=True, timeout=TIMEOUT_S)
    except FileNotFoundError:
        raise ExternalToolError("找不到 pdftotext：请安装 Debian 软件包 poppler-utils") from None
    except subprocess.TimeoutExpired:
        raise ExternalToolError(f"{pdf.name}：pdftotext 提取文字超时（{TIMEOUT_S:g} 秒）") from None
    if done.returncode != 0:
        where = f"第 {page} 页" if page else "全文"
        raise ExternalToolError(f"{pdf.name}：pdftotext 无法提取{where}的文字。")
    return done.stdout.decode("utf-8", errors="replace")
