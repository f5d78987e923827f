"""Forms and packets in the browser (issue 15): a case's forms by stage, a web form built from the catalog's field
definitions without what the case fills, refusals shown in Chinese with nothing filed, the rights of each role,
and a generated packet downloaded as one print PDF."""

import io
import re
import sqlite3
from datetime import date

import pytest
from conftest import snapshot
from fixtures.web import browser_page, browsing, logged_in, make_world, query, token_of
from pypdf import PdfReader

PROJECT_NAME = "晋城市新能源装备制造产业园项目"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    made = make_world(tmp_path_factory.mktemp("forms"))
    made.daiban("matter", "add", made.ours, "--name", "企业投资项目备案")
    return made



def generated(world, case_no: str) -> list[tuple[str, int, str]]:
    """(form, version, path) of every generated rendition filed in a case."""
    return query(world, "SELECT d.form_id, d.version, d.path FROM documents d JOIN cases c ON c.id = d.case_id "
                        "WHERE c.case_no = ? AND d.kind = 'generated' ORDER BY d.id", case_no)


def flash_error(html: str) -> str:
    return re.search(r'class="flash error"[^>]*>([^<]*)<', html).group(1)


def test_the_forms_page_lists_the_cases_forms_by_stage_and_its_packets(world, app):
    page = logged_in(app, "liming").get(f"/cases/{world.ours}/forms").text
    rows = re.findall(r"<code>(\w+)</code></td><td>([^<]+)</td>\s*<td>([^<]+)</td><td>([是否])</td>", page)
    assert rows[2:5] == [("entrust", "“全代办”服务委托书", "项目单位", "是"),
                         ("notice", "申请材料一次性告知清单", "无需签署", "是"),
                         ("card", "代办联系卡", "无需签署", "是")]
    assert len(rows) == 20 and "名单报送回执" not in page  # the agency's own forms belong to no case
    assert f'href="/cases/{world.ours}/forms/packet/%E5%8F%97%E7%90%86"' in page and "生成受理材料包（3 张）" in page


def test_a_form_is_built_from_the_catalogs_fields_and_omits_what_the_case_fills(world, app):
    client = logged_in(app, "liming")
    packet = client.get(f"/cases/{world.ours}/forms/packet/受理").text
    assert 'name="entrust.entrust_stages"' not in packet  # the matter's stage fills it
    assert re.search(r"<dt>代办阶段</dt><dd>立项用地规划许可阶段</dd>", packet)
    assert re.search(rf"<dt>项目名称</dt><dd>{PROJECT_NAME}</dd>", packet)
    assert re.search(r'监督投诉电话\s*<input id="f-card-supervision_phone" name="card.supervision_phone" '
                     r'value="12345">', packet)
    apply = client.get(f"/cases/{world.ours}/forms/apply").text
    assert re.search(r'<legend>代办方式<span class="req" title="必填">\*</span></legend>', apply)
    assert 'name="apply.service_mode" value="全程代办" checked' in apply
    assert 'name="apply.service_mode" value="分阶段代办">' in apply
    complete = client.get(f"/cases/{world.ours}/forms/complete").text
    assert 'type="date" name="complete.completed_on" value="" required' in complete
    assert '<textarea id="f-complete-handed_items" name="complete.handed_items" rows="3" required>' in complete
    meeting = client.get(f"/cases/{world.ours}/forms/meeting").text
    assert "<th>参会部门</th><th>参会人员</th><th>职务</th>" in meeting and 'name="meeting.attendees.dept"' in meeting
    assert '<textarea id="f-meeting-issues" name="meeting.issues" rows="3" required>' in meeting


def test_a_missing_required_field_is_refused_naming_its_label_and_nothing_is_filed(world, app):
    client = logged_in(app, "liming")
    token = token_of(client)
    before = snapshot(world.daiban)
    refused = client.post(f"/cases/{world.ours}/forms/letter",
                          data={"csrf_token": token, "letter.recipient": "晋城市规划和自然资源局",
                                "letter.attachments": "用地红线图\n规划条件"})
    assert refused.status_code == 422
    message = flash_error(refused.text)
    assert "缺少必填字段：事由" in message and "正文（body）" in message and "未生成任何文件" in message
    assert "主送单位（recipient）" not in message
    assert 'name="letter.recipient" value="晋城市规划和自然资源局" required' in refused.text  # what was typed stays
    assert 'name="letter.attachments" rows="3">用地红线图\n规划条件</textarea>' in refused.text
    assert snapshot(world.daiban) == before


def test_a_refusal_of_the_catalog_is_shown_in_chinese_and_nothing_is_filed(world, app):
    client = logged_in(app, "wangfang")
    page = client.get(f"/cases/{world.theirs}/forms/notice").text
    assert "案件尚无审批事项" in page and "（或在下方自行填写“一次性告知事项”）" in page
    token = token_of(client)
    before = snapshot(world.daiban)
    refused = client.post(f"/cases/{world.theirs}/forms/packet/受理", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "案件尚无审批事项，《申请材料一次性告知清单》无从填写" in flash_error(refused.text)
    assert snapshot(world.daiban) == before and generated(world, world.theirs) == []


@pytest.mark.parametrize("login, role", [("audit", "审计"), ("company", "企业")])
def test_an_auditor_and_an_enterprise_are_refused_and_nothing_is_filed(world, app, login, role):
    client = logged_in(app, login)
    assert client.get(f"/cases/{world.ours}/forms").status_code == 403
    token = token_of(client)
    before = snapshot(world.daiban)
    for url in (f"/cases/{world.ours}/forms/card", f"/cases/{world.ours}/forms/packet/受理"):
        refused = client.post(url, data={"csrf_token": token, "card.supervision_phone": "12345"})
        assert refused.status_code == 403 and f"您的角色（{role}）无权进行此操作" in refused.text
    assert snapshot(world.daiban) == before


def test_staff_of_another_case_are_refused_and_nothing_is_filed(world, app):
    client = logged_in(app, "wangfang")
    for url in (f"/cases/{world.ours}/forms", f"/cases/{world.ours}/forms/card"):
        shown = client.get(url)
        assert shown.status_code == 403 and PROJECT_NAME not in shown.text
    token = token_of(client)
    before = snapshot(world.daiban)
    refused = client.post(f"/cases/{world.ours}/forms/card", data={"csrf_token": token})
    assert refused.status_code == 403 and f"案件 {world.ours} 不存在，或您无权访问" in refused.text
    assert snapshot(world.daiban) == before


def test_a_post_without_its_csrf_token_is_refused(world, app):
    client = logged_in(app, "liming")
    client.get("/cases")
    before = snapshot(world.daiban)
    refused = client.post(f"/cases/{world.ours}/forms/card", data={"card.supervision_phone": "12345"})
    assert refused.status_code == 400 and "CSRF" in refused.text
    assert snapshot(world.daiban) == before


def test_a_print_file_of_another_case_or_outside_the_packets_is_not_served(world, app):
    client = logged_in(app, "liming")
    packets = world.root / "exports" / "packets"
    packets.mkdir(parents=True, exist_ok=True)
    for case_no in (world.theirs, world.ours):  # both print files exist: only the name tells them apart
        (packets / f"{case_no} 受理材料包 20260101.pdf").write_bytes(b"%PDF-1.4 print file")
    assert client.get(f"/cases/{world.ours}/forms/print/{world.ours} 受理材料包 20260101.pdf").status_code == 200
    for name in (f"{world.theirs} 受理材料包 20260101.pdf", "..%2Fdaiban.toml"):
        assert client.get(f"/cases/{world.ours}/forms/print/{name}").status_code == 404
    assert logged_in(app, "audit").get(f"/cases/{world.ours}/forms/print/x.pdf").status_code == 403


@pytest.mark.slow
def test_staff_generate_the_acceptance_packet_and_download_its_print_pdf(world, app):
    client = logged_in(app, "liming")
    done = client.post(f"/cases/{world.ours}/forms/packet/受理",
                       data={"csrf_token": token_of(client), "card.supervision_phone": "12345"})
    assert done.status_code == 200, done.text
    assert "已生成 3 张表单，.docx 与 PDF 已归入案件" in done.text
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        numbers = dict(db.execute("SELECT form_id, doc_no FROM documents WHERE kind = 'generated' "
                                  "AND form_id IN ('entrust', 'notice', 'card')"))
    assert set(numbers) == {"entrust", "notice", "card"}
    assert numbers["entrust"].endswith(f"代委〔{date.today().year}〕1号")
    for form_id, doc_no in numbers.items():
        assert f"<td>{doc_no}</td><td><code>{world.ours}/{form_id}/v1</code></td>" in done.text
    assert len(re.findall(r'href="/viewer/\d+">查看 PDF', done.text)) == 3
    link = re.search(r'href="(/cases/[^"]+/forms/print/[^"]+)"', done.text).group(1)
    printed = client.get(link)
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(printed.data))
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        pages = db.execute("SELECT sum(pages) FROM documents WHERE form_id IN ('entrust', 'notice', 'card') "
                           "AND kind = 'generated' AND path LIKE '%.pdf'").fetchone()[0]
    assert len(reader.pages) == pages
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    assert PROJECT_NAME in text and world.ours in text
    listing = client.get(f"/cases/{world.ours}/forms").text
    assert "第 1 版" in listing


@pytest.mark.slow
def test_a_single_form_prints_what_was_typed_and_its_pdf_is_the_filed_one(world, app):
    client = logged_in(app, "liming")
    done = client.post(f"/cases/{world.ours}/forms/letter", data={
        "csrf_token": token_of(client), "letter.recipient": "晋城市规划和自然资源局",
        "letter.subject": "商请出具用地预审意见", "letter.body": "请贵局出具用地预审意见。",
        "letter.attachments": "用地红线图\n规划条件"})
    assert done.status_code == 200, done.text
    assert f"<code>{world.ours}/letter/v1</code>" in done.text
    doc_id = re.search(r'href="/files/(\d+)\?download=1">下载打印用 PDF', done.text).group(1)
    printed = client.get(f"/files/{doc_id}?download=1")
    (path,) = [p for form_id, _, p in generated(world, world.ours) if form_id == "letter" and p.endswith(".pdf")]
    assert printed.data == (world.root / path).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.data)).pages).replace("\n", "")
    assert "关于商请出具用地预审意见的函" in text and "用地红线图" in text


@pytest.mark.slow
def test_the_pages_fit_the_screen_and_a_table_grows_and_a_required_group_is_checked(world):
    with browsing(world.root) as (server, browser):
        page = browser_page(browser, server.url, "liming")
        console = []
        page.on("console", lambda message: console.append(message.text))
        for url in ("forms", "forms/packet/办理", "forms/assess"):
            page.goto(f"{server.url}/cases/{world.ours}/{url}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 1366, url
        page.goto(f"{server.url}/cases/{world.ours}/forms/meeting")
        attendees = page.locator("fieldset.rows", has_text="参会部门及人员")
        attendees.locator("button.add-row").click()
        assert attendees.locator("tbody tr").count() == 3
        page.goto(f"{server.url}/cases/{world.ours}/forms/apply")
        page.uncheck("input[name='apply.service_mode'][value='全程代办']")
        page.click("form.fill button[type=submit]")
        message = page.evaluate("document.querySelector(\"input[name='apply.service_mode']\").validationMessage")
        assert message == "请填写“代办方式”" and page.url.endswith("/forms/apply")
        assert not [m for m in console if "Content Security Policy" in m]  # forms.js and forms.css load
