"""Screenshots of the main pages of the web interface at 1366×768, for docs/web/.

Run from the repository root after `make demo` (its data root has a case from registration to its dossier
and the demo accounts):  .venv/bin/python tools/web_screenshots.py [--root demo-data]
"""

import argparse
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fixtures.web import VIEWPORT, browser_page, browsing  # noqa: E402

OUT = ROOT / "docs" / "web"
DEMO_PASSWORD = "daiban-demo-2026"


def _pages(case_no: str, item_no: int) -> list[tuple[str, str, str]]:
    """(file name, login, path) of each page shown, in the order a case goes through them."""
    return [
        ("dashboard", "liming", "/"),
        ("cases", "admin", "/cases"),
        ("case", "liming", f"/cases/{case_no}"),
        ("item", "dangan", f"/cases/{case_no}/items/{item_no}"),
        ("forms", "liming", f"/cases/{case_no}/forms"),
        ("forms-packet", "liming", f"/cases/{case_no}/forms/packet/受理"),
        ("scans", "dangan", f"/scans?case={case_no}"),
        ("review", "dangan", "/review"),
        ("search", "shenji", "/search?q=委托书"),
        ("dossier", "dangan", f"/cases/{case_no}/dossier"),
        ("portal", "qiye", f"/portal/{case_no}"),
        ("users", "admin", "/admin/users"),
    ]


def _first_case(root: Path) -> tuple[str, int]:
    """The demo's case and the 件 of its signed 委托书 (a scan beside its OCR copy)."""
    with sqlite3.connect(root / "daiban.sqlite") as db:
        case_no = db.execute("SELECT case_no FROM cases WHERE case_no NOT LIKE 'JG-%' ORDER BY id").fetchone()[0]
        item_no = db.execute("SELECT item_no FROM documents WHERE form_id = 'entrust' AND kind = 'signed' "
                             "ORDER BY id LIMIT 1").fetchone()[0]
    return case_no, item_no


def screenshots(root: Path, out: Path = OUT) -> list[Path]:
    """Serve the root, log in as each page's user, and save what a 1366×768 screen shows."""
    out.mkdir(parents=True, exist_ok=True)
    case_no, item_no = _first_case(root)
    written = [out / "login.png"]
    with browsing(root) as (server, browser):
        login_page = browser.new_page(viewport=VIEWPORT)
        login_page.goto(f"{server.url}/login")
        login_page.screenshot(path=written[0])
        pages = {}  # one logged-in page per account
        for name, login, path in _pages(case_no, item_no):
            page = pages.get(login) or pages.setdefault(login, browser_page(browser, server.url, login, DEMO_PASSWORD))
            page.goto(f"{server.url}{path}")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)  # the lazy audit and the viewers' first pages
            page.screenshot(path=out / f"{name}.png")
            written.append(out / f"{name}.png")
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--ext", ".png", "--quality", "60-90", *map(str, written)],
                       check=True)
    return written


def main() -> None:
    """Write docs/web/*.png from the demo's data root."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT / "demo-data")
    for path in screenshots(parser.parse_args().root):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
