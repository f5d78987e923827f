"""Scans in the browser (issue 15): each uploaded file goes through ingest and says what became of it; a
malformed or oversized upload is refused by name and changes nothing; the review queue shows a scan beside
daiban's guesses and files it or sends it back in one click, for those whose role may."""

import base64
import io
import json
import re
from pathlib import Path

import pytest
from conftest import file_form, make_bad_pdfs, make_pdf, snapshot
from fixtures.scanning import SCAN, UNIT, scan_pages, uncoded_page
from fixtures.web import browser_page, browsing, csrf_token, logged_in, make_world, new_app, query, token_of

from archive.catalog.session import open_archive
from archive.content.fileinfo import sha256_of
from archive.intake.review import send_to_review
from archive.web.app import create_app
from bench.scans import write_scan

PROJECT_NAME = "晋城市新能源装备制造产业园项目"



def upload(client, path_or_name, data: bytes | None = None, case: str = "", token: str | None = None,
           fragment: bool = True):
    """POST one file to the upload endpoint as upload.js does (the fragment asked for with HX-Request)."""
    name = path_or_name if isinstance(path_or_name, str) else path_or_name.name
    body = data if data is not None else Path(path_or_name).read_bytes()
    form = {"file": (io.BytesIO(body), name), "case": case}
    if token is not None:
        form["csrf_token"] = token
    headers = {"HX-Request": "true"} if fragment else {}
    return client.post("/scans/upload", data=form, headers=headers, content_type="multipart/form-data")


def queue_scan(world, folder: Path, name: str, text: str) -> int:
    """Put a scan into the review queue as ingest does after OCR (no OCR here: its text is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = open_archive(world.root, "测试员")
    try:
        pdf = make_pdf(folder / "识别结果.pdf", marker=f"{name} OCR", text="review page")
        original = make_pdf(folder / name, marker=f"{name} 原件")
        item = send_to_review(archive, pdf, original, sha256_of(original), 1, text, "未识别到本系统表单二维码")
    finally:
        archive.close()
    return item.id


@pytest.fixture
def queued(world, tmp_path) -> int:
    """A waiting scan whose text names our enterprise: daiban guesses our case."""
    text = f"补充材料说明\n项目单位：{UNIT}\n已补交用地红线图"
    return queue_scan(world, tmp_path, f"补充材料 {tmp_path.name}.pdf", text)


def state_of(world, review_id: int) -> str:
    return query(world, "SELECT state FROM review WHERE id = ?", review_id)[0][0]


def test_the_upload_page_offers_a_drop_zone_and_shows_the_expected_case(world, app):
    page = logged_in(app, "liming").get(f"/scans?case={world.ours}")
    assert page.status_code == 200
    html = page.text
    assert 'id="dropzone"' in html and f'data-case="{world.ours}"' in html and "webkitdirectory" in html
    assert f"预期案件：<a href=\"/cases/{world.ours}\">{world.ours}</a>" in html
    assert 'src="/static/js/upload.js"' in html and 'data-limit="209715200"' in html
    assert not re.search(r"<script>|\sstyle=|\sonclick=", html)
    assert "将签字后的扫描件、或整个文件夹拖放到此处" in html


def test_who_may_not_ingest_is_refused_the_upload_page_and_the_upload(world, app):
    for login in ("audit", "company"):
        client = logged_in(app, login)
        assert client.get("/scans").status_code == 403
        before = snapshot(world.daiban)
        refused = upload(client, "扫描.pdf", make_pdf(world.root.parent / "a.pdf").read_bytes(),
                         token=csrf_token(client.get("/scans").text))
        assert refused.status_code == 403 and "无权" in refused.text
        assert snapshot(world.daiban) == before
    # Staff ingest for their own cases: naming another's as the expected case is refused.
    staff = logged_in(app, "liming")
    refused = staff.get(f"/scans?case={world.theirs}")
    assert refused.status_code == 403 and "不存在，或您无权访问" in refused.text
    assert staff.get("/scans?case=DB-2099-9999").status_code in (403, 404)


@pytest.mark.parametrize("kind", ["empty", "truncated", "text"])
def test_a_malformed_upload_gets_a_message_naming_the_file_and_changes_nothing(world, app, tmp_path, kind):
    bad = make_bad_pdfs(tmp_path)
    text = tmp_path / "会议记录.pdf"
    text.write_text("这不是扫描件，只是一段文字。\n", encoding="utf-8")
    path, words = {"empty": (bad.empty, "文件为空"), "truncated": (bad.truncated, "PDF 文件不完整"),
                   "text": (text, "不支持的文件类型")}[kind]
    client = logged_in(app, "clerk")
    token = token_of(client)
    before = snapshot(world.daiban)
    refused = upload(client, path, case=world.ours, token=token)
    assert refused.status_code == 422
    assert f"{path.name}：" in refused.text and words in refused.text and "未做任何更改" in refused.text
    assert refused.text.startswith('<div class="flash error"')  # the fragment upload.js shows in the row
    assert snapshot(world.daiban) == before


def test_an_oversized_upload_gets_the_413_message_and_changes_nothing(world):
    small = create_app(world.root, max_upload_mb=1)
    client = logged_in(small, "clerk")
    page = client.get("/scans").text
    assert 'data-limit="1048576"' in page and "每个上限 1 MB" in page
    before = snapshot(world.daiban)
    refused = upload(client, "大扫描.pdf", b"%PDF-1.7\n" + b"0" * (1536 * 1024), token=csrf_token(page))
    assert refused.status_code == 413 and "上传的文件过大（每次上限 1 MB），未做任何更改" in refused.text
    assert snapshot(world.daiban) == before


def test_an_upload_or_a_filing_without_the_csrf_token_is_refused(world, app, queued):
    client = logged_in(app, "clerk")
    before = snapshot(world.daiban)
    refused = upload(client, "扫描.pdf", make_pdf(world.root.parent / "b.pdf").read_bytes())
    assert refused.status_code == 400 and "CSRF" in refused.text
    filing = client.post(f"/review/{queued}/file", data={"case_no": world.ours, "category": "申请材料"})
    assert filing.status_code == 400 and "CSRF" in filing.text
    assert snapshot(world.daiban) == before and state_of(world, queued) == "waiting"


def test_the_queue_lists_a_waiting_scan_with_its_reason_and_guesses(world, app, queued):
    for login in ("clerk", "audit"):
        listing = logged_in(app, login).get("/review")
        assert listing.status_code == 200
        row = next(r for r in listing.text.split("<tr>") if f"#{queued}<" in r)
        assert "补充材料" in row and "未识别到本系统表单二维码" in row
        assert f"<b>{world.ours}</b>" in row and "80%" in row and f"文中出现项目单位“{UNIT}”" in row
        assert f'href="/review/{queued}"' in row
    assert ("审计员",) in query(world, "SELECT actor FROM events WHERE action = 'review.listed'")


def test_the_scan_is_served_to_the_viewer_with_byte_ranges_and_each_opening_recorded(world, app, queued):
    client = logged_in(app, "audit")
    viewer = client.get(f"/review/{queued}/viewer").text
    assert f'data-file="/review/{queued}/pdf"' in viewer and "viewer.mjs" in viewer
    kept = world.root / query(world, "SELECT pdf FROM review WHERE id = ?", queued)[0][0]
    whole = client.get(f"/review/{queued}/pdf")
    assert whole.status_code == 200 and whole.data == kept.read_bytes()
    part = client.get(f"/review/{queued}/pdf", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.data == kept.read_bytes()[:10]
    opened = query(world, "SELECT actor, details FROM events WHERE action = 'review.opened'")
    assert ("审计员", queued) in [(actor, json.loads(details)["review_id"]) for actor, details in opened]
    assert logged_in(app, "company").get(f"/review/{queued}/pdf").status_code == 403
    assert logged_in(app, "liming").get(f"/review/{queued}/pdf").status_code == 403


def test_an_auditor_sees_the_scan_but_may_not_file_or_reject_it(world, app, queued):
    client = logged_in(app, "audit")
    page = client.get(f"/review/{queued}").text
    assert f'src="/review/{queued}/viewer"' in page and "您的角色只能查看待审核件" in page
    assert f"/review/{queued}/file" not in page and f"/review/{queued}/reject" not in page
    token = csrf_token(page)
    before = snapshot(world.daiban)
    filing = client.post(f"/review/{queued}/file",
                         data={"csrf_token": token, "case_no": world.ours, "category": "申请材料"})
    rejecting = client.post(f"/review/{queued}/reject", data={"csrf_token": token, "reason": "非本中心材料"})
    assert filing.status_code == 403 and rejecting.status_code == 403 and "无权" in filing.text
    assert snapshot(world.daiban) == before and state_of(world, queued) == "waiting"


def test_staff_and_enterprises_see_no_queue_and_cannot_file_from_it(world, app, queued):
    for login in ("liming", "company"):
        client = logged_in(app, login)
        assert client.get("/review").status_code == 403
        assert client.get(f"/review/{queued}").status_code == 403
        token = token_of(client)
        before = snapshot(world.daiban)
        # 李明 may file into his own case, but not from the queue: nothing is filed half-way.
        filing = client.post(f"/review/{queued}/file",
                             data={"csrf_token": token, "case_no": world.ours, "category": "申请材料"})
        assert filing.status_code == 403
        assert snapshot(world.daiban) == before and state_of(world, queued) == "waiting"


def test_filing_from_the_review_page_in_one_click_moves_the_scan_into_the_case(world, app, queued):
    client = logged_in(app, "clerk")
    page = client.get(f"/review/{queued}").text
    # The one-click form of the first guess carries the case; the archivist picks the category.
    first = page.split('<ul class="guesses">')[1].split("</form>")[0]
    assert f'action="/review/{queued}/file"' in first and f'name="case_no" value="{world.ours}"' in first
    assert f"归入 {world.ours}" in first
    done = client.post(f"/review/{queued}/file",
                       data={"csrf_token": csrf_token(page), "case_no": world.ours, "category": "申请材料"})
    assert done.status_code == 302 and done.headers["Location"] == "/review"
    item_no, doc_id = query(world, "SELECT d.item_no, r.doc_id FROM review r JOIN documents d ON d.id = r.doc_id "
                                  "WHERE r.id = ?", queued)[0]
    assert state_of(world, queued) == "filed"
    assert query(world, "SELECT c.case_no, d.category, d.kind FROM documents d JOIN cases c ON c.id = d.case_id "
                       "WHERE d.id = ?", doc_id) == [(world.ours, "申请材料", "upload")]
    listing = client.get("/review").text
    assert f"已将待审核 #{queued} 归入 {world.ours}：申请材料，件号 {item_no:04d}" in listing
    assert f"#{queued}<" not in listing
    case_page = client.get(f"/cases/{world.ours}").text
    assert f'href="/cases/{world.ours}/items/{item_no}">{item_no:04d}</a>' in case_page
    assert client.get(f"/review/{queued}").status_code == 404


def test_a_guess_naming_a_form_version_files_it_as_the_signed_copy_in_one_click(world, app, tmp_path):
    printed = f"一站式项目研判表\n文档标识：{world.ours}/assess/v1\n第1页共1页"
    review_id = queue_scan(world, tmp_path, "研判表 签字.pdf", printed)
    client = logged_in(app, "clerk")
    assert '<span class="badge s-登记">登记</span>' in client.get(f"/cases/{world.ours}").text
    page = client.get(f"/review/{review_id}").text
    button = page.split('<ul class="guesses">')[1].split("</form>")[0]
    assert f'name="case_no" value="{world.ours}"' in button and 'name="form_id" value="assess"' in button
    assert f"归入 {world.ours} 《一站式项目研判表》（签署件）" in button and "置信度 100%" in button
    done = client.post(f"/review/{review_id}/file",
                       data={"csrf_token": csrf_token(page), "case_no": world.ours, "form_id": "assess"})
    assert done.status_code == 302
    assert query(world, "SELECT d.kind, d.form_id FROM review r JOIN documents d ON d.id = r.doc_id WHERE r.id = ?",
                review_id) == [("signed", "assess")]
    assert '<span class="badge s-研判">研判</span>' in client.get(f"/cases/{world.ours}").text


def test_an_htmx_filing_is_sent_to_the_queue_and_a_refused_one_says_why(world, app, queued):
    client = logged_in(app, "clerk")
    token = token_of(client)
    hx = {"HX-Request": "true"}
    before = snapshot(world.daiban)
    for data, status, words in (({"case_no": ""}, 400, "请填写要归入的案件编号"),
                                ({"case_no": world.ours}, 400, "请选择表单"),
                                ({"case_no": "DB-2099-9999", "category": "申请材料"}, 404, "DB-2099-9999")):
        refused = client.post(f"/review/{queued}/file", data={"csrf_token": token, **data}, headers=hx)
        assert refused.status_code == status and words in refused.text and refused.headers["HX-Retarget"] == "#flash"
    assert snapshot(world.daiban) == before and state_of(world, queued) == "waiting"
    done = client.post(f"/review/{queued}/file", headers=hx,
                       data={"csrf_token": token, "case_no": world.ours, "category": "批复证照"})
    assert done.status_code == 200 and done.headers["HX-Redirect"] == "/review"
    assert state_of(world, queued) == "filed"


def test_sending_back_needs_a_reason_and_moves_the_scan_out_of_the_queue(world, app, queued):
    client = logged_in(app, "clerk")
    token = token_of(client)
    before = snapshot(world.daiban)
    refused = client.post(f"/review/{queued}/reject", data={"csrf_token": token, "reason": "  "})
    assert refused.status_code == 400 and "请填写退回原因" in refused.text
    assert snapshot(world.daiban) == before
    done = client.post(f"/review/{queued}/reject", data={"csrf_token": token, "reason": "非本中心材料"})
    assert done.status_code == 302 and state_of(world, queued) == "rejected"
    assert "已退回待审核" in client.get("/review").text
    folder = query(world, "SELECT pdf FROM review WHERE id = ?", queued)[0][0].split("/")[1]
    assert (world.root / "review" / "rejected" / folder / "识别结果.pdf").is_file()
    assert client.get(f"/review/{queued}/pdf").status_code == 404


# Real OCR (and LibreOffice for the 委托书) from here on.


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """A world whose case is in 研判 with a real 委托书 rendered, and its signed scan; a page without a code."""
    folder = tmp_path_factory.mktemp("scanned")
    world = make_world(folder)
    daiban = world.daiban
    file_form(daiban, world.ours, folder, "assess", "--signed")
    daiban("matter", "add", world.ours, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    entrust = json.loads(daiban("render", world.ours, "entrust", "--json").output)[0]
    signed = write_scan(scan_pages(world.root / entrust["pdf"]["path"], 2), SCAN, folder / "委托书 签字扫描.pdf")
    loose = write_scan([uncoded_page(f"补充材料说明\n{PROJECT_NAME}\n项目单位已按要求补交用地红线图")], SCAN,
                       folder / "补充材料 扫描.pdf")
    return world, entrust["identity"], signed, loose


@pytest.mark.slow
def test_an_uploaded_signed_entrust_is_filed_as_its_signed_copy_and_the_case_is_accepted(scanned):
    world, identity, signed, _ = scanned
    app = new_app(world)
    client = logged_in(app, "liming")
    assert '<span class="badge s-研判">研判</span>' in client.get(f"/cases/{world.ours}").text
    done = upload(client, signed, case=world.ours, token=token_of(client))
    assert done.status_code == 200 and 'data-status="filed"' in done.text
    assert f"归入 {world.ours}：《“全代办”服务委托书》签署件（第 1–2 页）" in done.text
    assert f'href="/cases/{world.ours}"' in done.text and "不是预期的" not in done.text
    version = int(identity.rsplit("/v", 1)[1])
    found = query(world, "SELECT d.kind, d.version, d.pages FROM documents d JOIN cases c ON c.id = d.case_id "
                        "WHERE c.case_no = ? AND d.form_id = 'entrust' AND d.kind = 'signed'", world.ours)
    assert found == [("signed", version, 2)]
    assert ("李明", world.ours) in query(world, "SELECT actor, case_no FROM events WHERE action = 'document.filed'")
    assert '<span class="badge s-受理">受理</span>' in client.get(f"/cases/{world.ours}").text
    # The same bytes again: a duplicate, told where it is, without the scratch folder it was uploaded to.
    again = upload(client, signed, case=world.ours, token=token_of(client))
    assert 'data-status="duplicate"' in again.text and "件号" in again.text and ".staging" not in again.text


@pytest.mark.slow
def test_an_uploaded_page_without_a_code_waits_in_the_queue_and_is_filed_from_it(scanned):
    world, _, _, loose = scanned
    app = new_app(world)
    clerk = logged_in(app, "clerk")
    done = upload(clerk, loose, token=token_of(clerk), fragment=False)
    assert done.status_code == 200 and 'data-status="review"' in done.text and "未识别到本系统表单二维码" in done.text
    review_id = int(re.search(r'href="/review/(\d+)"', done.text).group(1))
    listing = clerk.get("/review").text
    row = next(r for r in listing.split("<tr>") if f"#{review_id}<" in r)
    assert loose.name in row and f"<b>{world.ours}</b>" in row and f"项目名称“{PROJECT_NAME}”" in row
    page = clerk.get(f"/review/{review_id}").text
    assert f'name="case_no" value="{world.ours}"' in page
    filed = clerk.post(f"/review/{review_id}/file",
                       data={"csrf_token": csrf_token(page), "case_no": world.ours, "category": "申请材料"})
    assert filed.status_code == 302
    (item_no, text), = query(world, "SELECT d.item_no, d.text FROM review r JOIN documents d ON d.id = r.doc_id "
                                   "WHERE r.id = ?", review_id)
    assert "补充材料" in text
    assert re.search(rf"{item_no:04d}</a></td>\s*<td>补充材料 扫描</td>", clerk.get(f"/cases/{world.ours}").text)
    assert "校验通过" in world.daiban("verify").output


@pytest.mark.slow
def test_files_and_a_folder_dropped_in_the_browser_reach_their_outcomes_and_the_queue_files_one(scanned, tmp_path):
    world = scanned[0]
    other = write_scan([uncoded_page(f"会议照片说明\n{PROJECT_NAME}\n现场踏勘")], SCAN, tmp_path / "踏勘 扫描.pdf")
    files = [("踏勘 扫描.pdf", other.read_bytes()), ("说明.pdf", "只是文字，不是扫描件".encode())]
    with browsing(world.root) as (server, browser):
        page = browser_page(browser, server.url, "clerk")
        page.goto(f"{server.url}/scans?case={world.ours}")
        transfer = page.evaluate_handle("""(files) => {
            const transfer = new DataTransfer();
            for (const f of files) {
              const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
              transfer.items.add(new File([bytes], f.name, { type: "application/pdf" }));
            }
            return transfer;
        }""", [{"name": n, "data": base64.b64encode(b).decode()} for n, b in files])
        page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
        # The page's CSP allows no eval, so the waits are selectors, not JavaScript predicates.
        page.locator("#uploads tbody tr[data-state=refused]").wait_for()
        page.locator("#uploads tbody tr[data-state=done]").wait_for(timeout=180_000)
        assert page.locator("#uploads tbody tr").count() == 2
        by_name = {r.locator("td.name").inner_text(): r for r in page.locator("#uploads tbody tr").all()}
        assert by_name["踏勘 扫描.pdf"].get_attribute("data-state") == "done"
        assert "转入待审核" in by_name["踏勘 扫描.pdf"].inner_text()
        assert by_name["说明.pdf"].get_attribute("data-state") == "refused"
        assert "说明.pdf：不支持的文件类型" in by_name["说明.pdf"].inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        # A folder picked: what looks like a scan is sent, the rest is skipped as `daiban ingest DIR` does.
        folder = tmp_path / "扫描文件夹"
        folder.mkdir()
        make_bad_pdfs(folder)
        (folder / "说明.txt").write_text("不是扫描件", encoding="utf-8")
        for name in ("whole.pdf", "加密.pdf"):
            (folder / name).unlink()
        page.set_input_files("#pick-folder", folder)
        page.locator("#uploads tbody tr[data-state=skipped]").wait_for()
        for name in ("截断.pdf", "空文件.pdf"):
            page.locator("#uploads tbody tr[data-state=refused]", has_text=name).wait_for()
        folder_rows = page.locator("#uploads tbody tr").all()[2:]
        assert [r.locator("td.name").inner_text() for r in folder_rows] == [
            "扫描文件夹/截断.pdf", "扫描文件夹/空文件.pdf", "扫描文件夹/说明.txt"]
        assert "不是扫描件格式" in folder_rows[2].inner_text() and "文件为空" in folder_rows[1].inner_text()
        # The queue's page: the scan in pdf.js beside the guesses, on one screen.
        by_name["踏勘 扫描.pdf"].locator("a", has_text="去审核").click()
        page.wait_for_selector("iframe")
        viewer = page.frame_locator("iframe")
        viewer.locator(".page canvas").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        # Filed with the first guess's button (htmx), the archivist is back at the queue, told where it went.
        first = page.locator("ul.guesses li").first
        first.locator("select[name=category]").select_option("会议照片")
        first.get_by_role("button", name=f"归入 {world.ours}").click()
        page.wait_for_url(f"{server.url}/review")
        assert f"归入 {world.ours}：会议照片，件号" in page.inner_text("#flash")
