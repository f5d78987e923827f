"""移交档案与封卷 in the browser (issue 15): an archivist seals a completed case and builds its dossier, which
downloads as a PDF with its cover and a 移交包 that BagIt validates, each download recorded; the package check
names a changed file; the 四性检测 report in the page and as a PDF; those without the right are refused and
nothing changes."""

import datetime
import shutil
import subprocess
import sys
import zipfile

import bagit
import pytest
from conftest import file_form, snapshot
from fixtures.docgen.pdftools import pdf_text
from fixtures.web import browser_page, browsing, logged_in, make_world, query, token_of

HTMX = {"HX-Request": "true"}
YEAR = datetime.date.today().year


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Our case carried to 办结 with its signed 移交清单, ready to be sealed; theirs 终止 without one."""
    folder = tmp_path_factory.mktemp("dossier")
    world = make_world(folder)
    daiban, case_no = world.daiban, world.ours
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    for name, flags in (("entrust", ("--signed",)), ("plan", ())):
        file_form(daiban, case_no, folder, name, *flags)
    daiban("matter", "accept", case_no, "1")
    daiban("matter", "done", case_no, "1")
    for name in ("complete", "handover"):
        file_form(daiban, case_no, folder, name, "--signed")
    for name in ("entrust", "terminate"):
        file_form(daiban, world.theirs, folder, name, "--signed")
    return world


def status(world, case_no: str) -> str:
    return query(world, "SELECT status FROM cases WHERE case_no = ?", case_no)[0][0]



def test_the_page_offers_sealing_and_building_only_to_those_who_may(world, app):
    clerk = logged_in(app, "clerk").get(f"/cases/{world.ours}/dossier").text
    assert "封卷（归档）</button>" in clerk and "生成移交档案</button>" in clerk and "四性检测" in clerk
    assert "尚未生成移交档案" in clerk
    auditor = logged_in(app, "audit").get(f"/cases/{world.ours}/dossier").text
    assert "封卷（归档）</button>" not in auditor and "生成移交档案</button>" not in auditor
    assert "运行四性检测并显示报告" in auditor and "待档案员封卷" in auditor
    staff = logged_in(app, "liming").get(f"/cases/{world.ours}/dossier").text
    assert "尚未生成移交档案" in staff
    assert "封卷（归档）</button>" not in staff and "生成移交档案</button>" not in staff and "四性检测" not in staff
    audit = logged_in(app, "clerk").get(f"/cases/{world.ours}/audit").text
    assert "通过：“办结”状态所需的材料齐全" in audit


def test_an_auditor_or_staff_may_neither_seal_nor_build_and_nothing_changes(world, app):
    for login, role in (("audit", "审计"), ("liming", "项目长/代办员"), ("company", "企业")):
        client = logged_in(app, login)
        token = token_of(client)
        before = snapshot(world.daiban)
        for action in ("seal", "build"):
            refused = client.post(f"/cases/{world.ours}/dossier/{action}", data={"csrf_token": token})
            assert refused.status_code == 403 and f"您的角色（{role}）无权进行此操作" in refused.text
        assert snapshot(world.daiban) == before
    assert status(world, world.ours) == "办结"
    staff = logged_in(app, "liming")
    refused = staff.post(f"/cases/{world.ours}/dossier/checks", data={"csrf_token": token_of(staff), "show": "1"})
    assert refused.status_code == 403 and "checks.reported" in refused.text


def test_a_seal_without_its_csrf_token_is_refused(world, app):
    client = logged_in(app, "clerk")
    client.get("/cases")
    before = snapshot(world.daiban)
    refused = client.post(f"/cases/{world.ours}/dossier/seal")
    assert refused.status_code == 400 and "CSRF" in refused.text
    assert snapshot(world.daiban) == before and status(world, world.ours) == "办结"


def test_sealing_an_unfinished_case_is_refused_naming_what_is_missing(world, app):
    client = logged_in(app, "clerk")
    token = token_of(client)
    before = snapshot(world.daiban)
    refused = client.post(f"/cases/{world.theirs}/dossier/seal", data={"csrf_token": token}, headers=HTMX)
    assert refused.status_code == 409 and refused.headers["HX-Retarget"] == "#flash"
    assert f"案件 {world.theirs} 不能归档" in refused.text and "缺少已签署的《移交清单》（handover）" in refused.text
    assert snapshot(world.daiban) == before


def test_an_archivist_seals_a_completed_case_from_the_page(world, app):
    client = logged_in(app, "clerk")
    done = client.post(f"/cases/{world.ours}/dossier/seal", data={"csrf_token": token_of(client)}, headers=HTMX)
    assert done.status_code == 200 and done.headers["HX-Redirect"] == f"/cases/{world.ours}/dossier"
    page = client.get(done.headers["HX-Redirect"]).text
    refs = [f"Z001-WS·{YEAR}-Y-DB-0001-{n:04d}" for n in range(1, 7)]
    assert f"案件 {world.ours} 已归档：6 件，档号 {refs[0]} 至 {refs[-1]}" in page
    assert '<span class="badge s-归档">归档</span>' in page and all(ref in page for ref in refs)
    assert "封卷（归档）</button>" not in page and "本案已于" in page
    assert status(world, world.ours) == "归档"
    assert query(world, "SELECT actor FROM events WHERE action = 'case.archived'") == [("档案员甲",)]


@pytest.mark.slow
def test_an_archivist_builds_the_dossier_and_downloads_its_volume_and_package(world, app, tmp_path):
    client = logged_in(app, "clerk")
    built = client.post(f"/cases/{world.ours}/dossier/build", data={"csrf_token": token_of(client)}, headers=HTMX)
    assert built.status_code == 200 and "已生成移交档案" in built.text and "卷内目录" in built.text
    assert "<html" not in built.text  # the fragment htmx swaps into #handover
    assert "《一站式项目研判表》为内部材料，不随卷移交" in built.text
    volume = client.get(f"/cases/{world.ours}/dossier/files/volume")
    assert volume.status_code == 200 and volume.data.startswith(b"%PDF")
    assert "attachment" in volume.headers["Content-Disposition"]
    (tmp_path / "卷.pdf").write_bytes(volume.data)
    cover = pdf_text(tmp_path / "卷.pdf", "-f", "1", "-l", "1")
    for label, value in (("案卷题名", "晋城市新能源装备制造产业园项目"), ("项目单位", "晋城市泽州新能源科技有限公司"),
                         ("件数", "5件"), ("保管期限", "永久"),
                         ("档号", f"Z001-WS·{YEAR}-Y-DB-0001")):
        assert f"{label}\n\n{value}\n" in cover, label
    package = client.get(f"/cases/{world.ours}/dossier/files/package")
    assert package.status_code == 200 and package.mimetype == "application/zip"
    (tmp_path / "包.zip").write_bytes(package.data)
    with zipfile.ZipFile(tmp_path / "包.zip") as bag_zip:
        bag_zip.extractall(tmp_path / "包")
    bag = tmp_path / "包" / f"{world.ours} 移交包"
    assert bagit.Bag(str(bag)).info["External-Identifier"] == world.ours
    # What the portal tells the enterprise to run.
    validated = subprocess.run([sys.executable, "-m", "bagit", "--validate", str(bag)], capture_output=True, text=True)
    assert validated.returncode == 0 and "is valid" in validated.stderr
    downloads = query(world, "SELECT actor, case_no, details FROM events WHERE action = 'dossier.downloaded'")
    assert [(a, c, '"volume"' in d) for a, c, d in downloads] == [("档案员甲", world.ours, True),
                                                                  ("档案员甲", world.ours, False)]
    page = client.get(f"/cases/{world.ours}/dossier").text
    assert "下载移交档案（PDF）" in page and "重新生成移交档案" in page and "请重新生成" not in page


@pytest.fixture
def package(world):
    """The latest 移交包 of our case (built from the CLI when the page has not built one), restored after."""
    if not query(world, "SELECT 1 FROM events WHERE action = 'dossier.built'"):
        world.daiban("dossier", world.ours)
    path = world.root / "exports" / "dossiers" / world.ours / f"{world.ours} 移交包.zip"
    kept = path.read_bytes()
    yield path
    path.write_bytes(kept)


@pytest.mark.slow
def test_the_package_check_passes_then_names_a_changed_file_whose_download_is_refused(world, app, package, tmp_path):
    client = logged_in(app, "audit")
    token = token_of(client)
    passed = client.post(f"/cases/{world.ours}/dossier/verify", data={"csrf_token": token}, headers=HTMX)
    assert passed.status_code == 200 and "校验通过" in passed.text and "数字签名有效" in passed.text
    plain = client.post(f"/cases/{world.ours}/dossier/verify", data={"csrf_token": token})
    assert "<html" in plain.text and "校验通过" in plain.text  # a browser without script gets a whole page
    changed = tmp_path / "改.zip"
    with zipfile.ZipFile(package) as old, zipfile.ZipFile(changed, "w") as new:
        member = next(m for m in old.namelist() if "/data/原件/" in m)
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, data[:-1] + bytes([data[-1] ^ 1]) if name == member else data)
    shutil.copyfile(changed, package)
    failed = client.post(f"/cases/{world.ours}/dossier/verify", data={"csrf_token": token}, headers=HTMX)
    inside = member.split("/", 1)[1]
    assert "校验未通过：1 个问题" in failed.text and f"{inside}：sha256 不符" in failed.text
    refused = client.get(f"/cases/{world.ours}/dossier/files/package")
    assert "与生成时记录的 sha256 不符" in refused.text and not refused.data.startswith(b"PK")


@pytest.mark.slow
def test_the_four_checks_report_shows_each_item_in_the_page_and_downloads_as_pdf(world, app, package):
    client = logged_in(app, "audit")
    token = token_of(client)
    shown = client.post(f"/cases/{world.ours}/dossier/checks", data={"csrf_token": token, "show": "1"},
                        headers=HTMX)
    assert shown.status_code == 200 and f"检测范围：案件 {world.ours}" in shown.text
    rows = shown.text.split("<tbody>")[1]
    assert "<td>归档</td><td>1-1</td><td class=\"nowrap\">真实性·来源真实性</td>" in rows
    assert "<td>移交</td><td>2-4</td>" in rows and ">通过</td>" in rows
    if shutil.which("clamscan") is None:
        assert "本机未安装杀毒软件（ClamAV clamscan），未做病毒检测" in rows and ">未检测</td>" in rows
    pdf = client.post(f"/cases/{world.ours}/dossier/checks", data={"csrf_token": token, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    kept = sorted((world.root / "exports" / "四性检测" / world.ours).iterdir())
    assert [p.suffix for p in kept] == [".html", ".pdf"] and kept[1].read_bytes() == pdf.data
    assert query(world, "SELECT actor, case_no FROM events WHERE action = 'checks.reported'") == [
        ("审计员", world.ours), ("审计员", world.ours)]
    bad = client.post(f"/cases/{world.ours}/dossier/checks", data={"csrf_token": token, "format": "docx"})
    assert bad.status_code == 400 and "报告格式“docx”无效" in bad.text


@pytest.mark.slow
def test_in_a_real_browser_the_build_shows_its_progress_and_the_dossier_downloads(world, tmp_path):
    with browsing(world.root) as (server, browser):
        page = browser_page(browser, server.url, "clerk", accept_downloads=True)
        page.goto(f"{server.url}/cases/{world.ours}/dossier")
        page.click("#handover button.primary")
        page.wait_for_selector("#build-working", state="visible")
        page.wait_for_selector("#handover h3:has-text('卷内目录')", timeout=120_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        with page.expect_download() as download:
            page.click("text=下载移交档案（PDF）")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == f"{world.ours} 移交档案.pdf" and saved.read_bytes().startswith(b"%PDF")
