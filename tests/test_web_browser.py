"""The web interface in a real browser (issue 15): Debian's Chromium driven by Playwright against daiban served
by waitress on 127.0.0.1 — each role logs in and lands where it works, pages fit 1366×768, the PDF viewer
renders a filed form at the page asked for, an enterprise cannot reach another enterprise's case, and a
项目长 generates a packet, downloads its print PDF, then uploads the signed 委托书's scan and sees the case
advance (real LibreOffice and OCR)."""

import sqlite3

import pytest
from fixtures.scanning import SCAN, scan_pages
from fixtures.web import ACCOUNTS, browser_page, browsing
from pypdf import PdfReader

from bench.scans import write_scan

pytestmark = pytest.mark.slow
LANDING = {"admin": "工作台", "liming": "工作台", "clerk": "工作台", "audit": "工作台", "company": "我的项目"}


@pytest.fixture(scope="module")
def running(world):
    with browsing(world.root) as both:
        yield both


@pytest.fixture(scope="module")
def server(running):
    return running[0]


@pytest.fixture(scope="module")
def browser(running):
    return running[1]


@pytest.mark.parametrize("login", sorted(LANDING))
def test_each_role_logs_in_and_lands_where_it_works(browser, server, login):
    page = browser_page(browser, server.url, login)
    assert f"{ACCOUNTS[login][0]}（" in page.inner_text("header")
    assert page.inner_text("nav a.here") == LANDING[login]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.close()


def test_the_case_page_fits_the_screen_and_its_viewer_renders_the_page_asked_for(browser, server, world):
    page = browser_page(browser, server.url, "liming")
    page.goto(f"{server.url}/cases/{world.ours}")
    assert world.ours in page.inner_text("h1") and "审批事项" in page.inner_text("main")
    page.wait_for_selector("#audit ul, #audit .flash")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    link = page.locator("tr", has_text="委托书").locator("a[href^='/viewer/']").first
    doc_id = link.get_attribute("href").split("/")[-1]
    page.goto(f"{server.url}/viewer/{doc_id}?page=2")
    page.wait_for_selector("body[data-pages]", state="attached")
    assert page.get_attribute("body", "data-pages") == "2" and page.input_value("#page") == "2"
    page.wait_for_selector(".page canvas")
    page.close()


def test_an_enterprise_cannot_open_another_enterprises_case_by_url(browser, server, world):
    page = browser_page(browser, server.url, "company")
    response = page.goto(f"{server.url}/cases/{world.theirs}")
    assert response.status == 403 and "不存在，或您无权访问" in page.inner_text("main")
    page.close()


def test_staff_print_a_packet_then_upload_the_signed_scan_and_the_case_advances(browser, server, world, tmp_path):
    world.daiban("matter", "add", world.ours, "--name", "企业投资项目备案")  # the 告知清单 lists its materials
    page = browser_page(browser, server.url, "liming")
    page.goto(f"{server.url}/cases/{world.ours}/forms")
    page.click("text=生成受理材料包")
    page.click("button:has-text('生成并归入案件')")
    page.wait_for_load_state("networkidle")
    assert "已生成 3 张表单" in page.inner_text("main"), page.inner_text("main")[:2000]
    with page.expect_download(timeout=120_000) as download:
        page.click("text=下载打印用合并 PDF")
    printed = tmp_path / "材料包.pdf"
    download.value.save_as(printed)
    text = "".join(p.extract_text() for p in PdfReader(printed).pages).replace("\u2060", "")
    assert "晋城市新能源装备制造产业园项目" in text and "“全代办”服务委托书" in text
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        (entrust,) = db.execute("SELECT path FROM documents WHERE form_id = 'entrust' AND kind = 'generated' "
                                "AND path LIKE '%.pdf' ORDER BY id DESC LIMIT 1").fetchone()
    scan = write_scan(scan_pages(world.root / entrust, 5), SCAN, tmp_path / "委托书 签字扫描.pdf")
    page.goto(f"{server.url}/scans?case={world.ours}")
    page.set_input_files("#pick-files", scan)
    row = page.locator("#uploads tbody tr[data-state=done]")
    row.wait_for(timeout=240_000)
    assert "签署件" in row.inner_text() and world.ours in row.inner_text()
    page.goto(f"{server.url}/cases/{world.ours}")
    assert "受理" in page.inner_text("h1 .badge")
    page.close()
