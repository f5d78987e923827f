"""Case facts of the wrong type, size or content are refused naming the field, and nothing is stored."""

import sqlite3

import pytest
from conftest import SAMPLE_CASE

BAD = [
    ('"项目名称" = 123', "项目名称（project_name）应为文字，收到的是数字 123"),
    ('"项目单位" = ["甲公司", "乙公司"]', "项目单位（unit）应为文字，收到的是列表"),
    ('"联系电话" = 2026-03-01', "联系电话（phone）应为文字，收到的是日期或时间 2026-03-01"),
    ('"总投资" = true', "总投资（万元）（investment）应为数字（单位：万元），收到的是布尔值 true"),
    ('"总投资" = inf', "应为有限的数字，收到的是 inf"),
    ('"总投资" = nan', "应为有限的数字，收到的是 nan"),
    ('"总投资" = -5', "应在 0 到"),
    ('"代办员" = 5', "代办员（agents）应为姓名列表，收到的是数字 5"),
    ('"项目名称" = "晋城\\u0000项目"', "项目名称（project_name）含有不可见的控制字符"),
    ('"项目名称" = "第一行\\n第二行"', "项目名称（project_name）不能换行"),
    ('"建设规模及内容" = "' + "大" * 10_000_000 + '"', "建设规模及内容（scale）过长：10000000 个字符"),
]


def case_count(daiban) -> int:
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        return db.execute("SELECT count(*) FROM cases").fetchone()[0]


@pytest.mark.parametrize(("line", "message"), BAD, ids=[b[0][:24] for b in BAD])
def test_wrong_fact_is_refused_by_name(daiban, tmp_path, line, message):
    key = line.split("=")[0].strip()
    facts = [x for x in SAMPLE_CASE.read_text(encoding="utf-8").splitlines() if not x.startswith(key)]
    source = tmp_path / "项目.toml"
    source.write_text("\n".join(facts + [line]) + "\n", encoding="utf-8")
    result = daiban("case", "new", "--from", source, code=5)
    assert message in result.stderr
    assert len(result.stderr) < 2000
    assert case_count(daiban) == 0


def test_every_wrong_field_is_named_at_once(daiban, tmp_path):
    source = tmp_path / "项目.toml"
    facts = [x for x in SAMPLE_CASE.read_text(encoding="utf-8").splitlines()
             if not x.startswith(('"项目类型"', '"资金来源"'))]
    source.write_text("\n".join(facts + ['"项目类型" = 1', '"资金来源" = false']) + "\n", encoding="utf-8")
    result = daiban("case", "new", "--from", source, code=5)
    assert "项目类型（project_type）应为文字" in result.stderr and "资金来源（funding）应为文字" in result.stderr


def test_an_amount_written_as_text_is_still_read(daiban, tmp_path):
    shown = daiban("case", "new", "--from", SAMPLE_CASE, "--investment", "1,200 万元", "--json").output
    assert '"investment": 1200.0' in shown


def test_other_texts_a_user_types_are_checked_too(daiban, case_no):
    assert "审批部门含有不可见的控制字符" in daiban("matter", "add", case_no, "--stage", "立项", "--name", "备案",
                                                 "--level", "县级", "--dept", "泽州\x01局", code=5).stderr
    assert "项目长过长" in daiban("case", "manager", case_no, "李" * 101, code=5).stderr
