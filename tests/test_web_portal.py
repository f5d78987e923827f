"""我的项目, the enterprise portal (issue 15): an enterprise sees its own cases' progress and the papers handed
over (never the internal ones), downloads its dossier and 移交包 with instructions for checking them, each
download recorded as the enterprise's; another enterprise is refused every URL of the case."""

import hashlib
import json

import pytest
from conftest import snapshot
from fixtures.web import csrf_token, logged_in, make_world, query


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Our case with a matter accepted and one waiting."""
    world = make_world(tmp_path_factory.mktemp("portal"))
    daiban = world.daiban
    daiban("matter", "add", world.ours, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    daiban("matter", "add", world.ours, "--stage", "工程", "--name", "建设工程规划许可证核发", "--level", "市级",
           "--dept", "晋城市规划和自然资源局", "--no-assist")
    daiban("matter", "accept", world.ours, "1", "--date", "2026-11-02")
    return world


def doc_id(world, form_id: str) -> int:
    return query(world, "SELECT d.id FROM documents d JOIN cases c ON c.id = d.case_id "
                        "WHERE c.case_no = ? AND d.form_id = ?", world.ours, form_id)[0][0]


def test_the_enterprise_sees_its_case_progress_and_the_papers_handed_over(world, app):
    client = logged_in(app, "company")
    home = client.get("/portal")
    assert home.status_code == 200 and "我的项目（1 个）" in home.text
    page = home.text.split("<main>")[1]
    assert world.ours in page and "晋城市新能源装备制造产业园项目" in page and world.theirs not in page
    assert "审批事项已办结 0 项，共 2 项" in page
    accepted = page.split("企业投资项目备案")[1].split("</tr>")[0]
    assert "2026-11-02" in accepted and "已受理" in accepted and "个工作日" in accepted
    assert "建设工程规划许可证核发" in page and "待办" in page
    assert "“全代办”服务委托书" in page and f"/viewer/{doc_id(world, 'entrust')}" in page
    assert "研判表" not in page and f"/files/{doc_id(world, 'assess')}" not in page
    assert "全程留痕" not in page and "下一步所需" not in page  # no internal log or next steps
    assert "案件办结后，代办中心将在此提供移交档案" in page
    one = client.get(f"/portal/{world.ours}")
    assert one.status_code == 200 and "“全代办”服务委托书" in one.text and "研判表" not in one.text
    viewed = query(world, "SELECT actor FROM events WHERE action = 'case.viewed' AND case_no = ?", world.ours)
    assert ("晋城市泽州新能源科技有限公司",) in viewed


def test_other_roles_are_sent_to_their_own_pages(world, app):
    staff = logged_in(app, "liming")
    assert staff.get("/portal").headers["Location"] == "/"
    assert staff.get(f"/portal/{world.ours}").headers["Location"] == f"/cases/{world.ours}"
    company = logged_in(app, "company")
    assert company.get(f"/cases/{world.ours}/dossier").headers["Location"] == f"/portal/{world.ours}"


def test_another_enterprise_is_refused_the_case_its_dossier_and_package(world, app):
    client = logged_in(app, "other")
    assert world.ours not in client.get("/portal").text.split("<main>")[1]
    token = csrf_token(client.get("/portal").text)
    before = snapshot(world.daiban)
    for url in (f"/portal/{world.ours}", f"/cases/{world.ours}/dossier/files/volume",
                f"/cases/{world.ours}/dossier/files/package"):
        refused = client.get(url)
        assert refused.status_code == 403 and f"案件 {world.ours} 不存在，或您无权访问" in refused.text, url
    built = client.post(f"/cases/{world.ours}/dossier/build", data={"csrf_token": token})
    assert built.status_code == 403 and "您的角色（企业）无权进行此操作" in built.text
    assert snapshot(world.daiban) == before


def test_an_unknown_download_is_refused_by_name(world, app):
    refused = logged_in(app, "company").get(f"/cases/{world.ours}/dossier/files/secrets")
    assert refused.status_code == 400 and "“secrets”不是可下载的移交文件" in refused.text
    before = query(world, "SELECT count(*) FROM events WHERE action = 'dossier.downloaded'")
    missing = logged_in(app, "company").get(f"/cases/{world.ours}/dossier/files/volume")
    assert missing.status_code == 404 and f"案件 {world.ours} 尚未生成移交档案" in missing.text
    assert query(world, "SELECT count(*) FROM events WHERE action = 'dossier.downloaded'") == before


@pytest.mark.slow
def test_the_enterprise_downloads_its_dossier_and_the_download_is_recorded_as_its_own(world, app):
    built = json.loads(world.daiban("dossier", world.ours, "--json").output)
    client = logged_in(app, "company")
    page = client.get(f"/portal/{world.ours}").text
    assert "下载移交档案（PDF）" in page and built["sha256"] in page and built["package_sha256"] in page
    for instruction in ("数字签名", f'python -m bagit --validate "{world.ours} 移交包"',
                        "sha256sum -c manifest-sha256.txt", "certutil -hashfile"):
        assert instruction in page, instruction
    volume = client.get(f"/cases/{world.ours}/dossier/files/volume")
    assert volume.status_code == 200 and hashlib.sha256(volume.data).hexdigest() == built["sha256"]
    package = client.get(f"/cases/{world.ours}/dossier/files/package")
    assert hashlib.sha256(package.data).hexdigest() == built["package_sha256"]
    downloads = query(world, "SELECT actor, case_no, details FROM events WHERE action = 'dossier.downloaded'")
    assert [(a, c, json.loads(d)["which"]) for a, c, d in downloads] == [
        ("晋城市泽州新能源科技有限公司", world.ours, "volume"), ("晋城市泽州新能源科技有限公司", world.ours, "package")]
    other = logged_in(app, "other")
    for which in ("volume", "package"):
        assert other.get(f"/cases/{world.ours}/dossier/files/{which}").status_code == 403
    assert len(query(world, "SELECT 1 FROM events WHERE action = 'dossier.downloaded'")) == 2
