"""The agency's facts come from daiban.toml only: `init` takes them, `config set` changes them (checked,
logged), and a form needing one that is not configured is refused naming the setting, never printed
with a placeholder or another city's."""

import json
import tomllib

import pytest
from conftest import SAMPLE_CASE, Daiban
from test_docgen_render import docx_text

from archive.dataroot.folders import DataRoot
from archive.dataroot.settings import set_setting
from docgen.catalog import load_catalog


@pytest.fixture
def bare(tmp_path) -> Daiban:
    """A root made by `init` with no contact facts, and one case."""
    runner = Daiban(tmp_path / "库")
    out = runner("init", "--agency", "长治市政务服务中心代办科", "--short", "长代办", "--city", "长治市").output
    assert "尚未设置：" in out and "代办机构电话（agency.phone）" in out and "daiban config set" in out
    runner("case", "new", "--from", SAMPLE_CASE)
    return runner


def _settings(runner: Daiban) -> bytes:
    return (runner.root / "daiban.toml").read_bytes()


def _documents(runner: Daiban) -> list:
    return json.loads(runner("case", "show", "DB-2026-0001", "--json").output)["documents"]


def test_a_new_root_holds_no_stand_in_phone(bare):
    agency = tomllib.loads(_settings(bare).decode())["agency"]
    assert agency["phone"] == agency["address"] == agency["report_email"] == ""
    assert "0356" not in _settings(bare).decode()


def test_a_form_needing_an_unset_fact_is_refused_naming_the_setting(bare):
    result = bare("render", "DB-2026-0001", "card", "--no-pdf", "--set", "supervision_phone=0355-2021234", code=5)
    assert "机构信息未设置" in result.stderr and "代办机构电话（agency.phone）" in result.stderr
    assert "代办机构地址（agency.address）" in result.stderr and "daiban config set agency." in result.stderr
    assert _documents(bare) == []


def test_config_set_records_the_value_keeps_the_file_and_logs_it(bare):
    before = _settings(bare).decode()
    out = bare("config", "set", "agency.phone", " 0355-2021234 ").output
    assert "代办机构电话（agency.phone）：（未设置） → 0355-2021234" in out
    after = _settings(bare).decode()
    assert after == before.replace('phone = ""', 'phone = "0355-2021234"')
    shown = {s["key"]: s["value"] for s in json.loads(bare("config", "show", "--json").output)}
    assert shown["agency.phone"] == "0355-2021234" and shown["agency.city"] == "长治市"
    log = json.loads(bare("log", "--json").output)
    assert log[-1]["action"] == "settings.changed" and log[-1]["details"]["new"] == "0355-2021234"
    bare("verify")


@pytest.mark.parametrize(("key", "value", "code", "words"), [
    ("agency.phone", "12345", 5, "电话号码“12345”格式不正确"),
    ("agency.report_email", "不是邮箱", 5, "邮箱“不是邮箱”格式不正确"),
    ("agency.name", "  ", 5, "代办机构名称不能为空"),
    ("agency.address", "一行\n两行", 5, "代办机构地址不能换行"),
    ("agency.fonds", "Z999", 2, "不能更改"),
    ("agency.fax", "1", 2, "未知的设置项：agency.fax"),
])
def test_bad_settings_are_refused_and_the_file_is_untouched(bare, key, value, code, words):
    before = _settings(bare)
    result = bare("config", "set", key, value, code=code)
    assert words in result.stderr
    assert _settings(bare) == before


def test_init_refuses_a_bad_phone_and_makes_no_root(tmp_path):
    runner = Daiban(tmp_path / "库")
    result = runner("init", "--phone", "0356", code=5)
    assert "电话号码“0356”格式不正确" in result.stderr and not runner.root.exists()


def test_a_value_missing_from_an_older_file_is_added_to_its_section(tmp_path):
    root = DataRoot(tmp_path)
    older = '[agency]\nname = "某机构"  # 名称\n\n[index]\nbackend = "whoosh"\n'
    root.settings_file.write_text(older, encoding="utf-8")
    set_setting(root, "agency", "report_email", 'a"b@x.cn')
    text = root.settings_file.read_text(encoding="utf-8")
    assert tomllib.loads(text)["agency"] == {"name": "某机构", "report_email": 'a"b@x.cn'}
    assert '"某机构"  # 名称' in text and text.index("report_email") < text.index("[index]")


def _rendered_text(runner: Daiban, form_id: str, *sets: str) -> str:
    args = [a for s in sets for a in ("--set", s)]
    generated = json.loads(runner("render", "DB-2026-0001", form_id, "--no-pdf", "--json", *args).output)
    return docx_text(runner.root / generated[0]["docx"]["path"])


def test_interactions_report_to_the_configured_mailbox(bare):
    sets = ("reporting_unit=长治市政务服务中心", "quarter=2026年第三季度", "filler=王芳",
            "office_phone=0355-2021234", "mobile=13912345678")
    args = [a for s in sets for a in ("--set", s)]
    refused = bare("agency", "render", "interactions", "--no-pdf", *args, code=5)
    assert "政企互动统计报送邮箱（agency.report_email）" in refused.stderr
    bare("config", "set", "agency.report_email", "zwfw@czs.example.gov.cn")
    generated = json.loads(bare("agency", "render", "interactions", "--no-pdf", "--json", *args).output)
    text = docx_text(bare.root / generated[0]["docx"]["path"])
    assert "电子版发送至邮箱 zwfw@czs.example.gov.cn" in text and "meizhou" not in text


def test_the_advice_form_names_the_agency_city_only(bare):
    text = _rendered_text(bare, "advice", "suggestions=建议并联办理")
    assert "长治市投资项目“全代办”工作建议表" in text and "晋城市投资项目" not in text


def test_no_catalog_title_names_a_city():
    titles = [spec.title for spec in load_catalog().forms.values()]
    assert not [t for t in titles if "市" in t.split("“")[0]], titles


def test_the_stand_in_phone_an_older_init_wrote_counts_as_unset(bare):
    settings = bare.root / "daiban.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('phone = ""', 'phone = "0356-0000000"'),
                        encoding="utf-8")
    bare("config", "set", "agency.address", "长治市英雄中路1号")
    result = bare("render", "DB-2026-0001", "card", "--no-pdf", "--set", "supervision_phone=0355-2021234", code=5)
    assert "代办机构电话（agency.phone）" in result.stderr and "agency.address" not in result.stderr
