"""The matter library (事项库): the built-in starter holds what seed 001's 研判表 names and nothing it does
not; a broken library is refused naming the entry; matters are added by name; the 告知清单 fills from it
and is refused while a matter has no materials."""

import json
import re
from pathlib import Path

import pytest
from docx import Document

from archive.dataroot.matterlibrary import BUILTIN, parse_library

# Seed 001 (晋城市投资项目“一站式”审批服务工作机制), copied from the project's shared seeds.
SEED = Path(__file__).resolve().parent / "fixtures" / "seeds" / "001_db2e1ea08336d2f5.txt"


def squeeze(text: str) -> str:
    """Compare wording, not the width of brackets or spacing."""
    return re.sub(r"\s+", "", text.replace("(", "（").replace(")", "）").replace(",", "，"))


def starter():
    return parse_library(BUILTIN.read_text(encoding="utf-8"), BUILTIN, builtin=True)


def test_the_starter_holds_only_what_the_seeds_research_table_names_in_its_wording():
    # The one change: the seed's placeholder "XX项目" reads 本项目 (a printed XX is a stand-in).
    seed = squeeze(SEED.read_text(encoding="utf-8")).replace("XX项目", "本项目")
    library = starter()
    names = [m.name for m in library.matters] + [m.name for m in library.materials]
    assert [n for n in names if squeeze(n).rstrip("；") not in seed] == []
    assert len(library.matters) == 18 and len(library.materials) == 76
    assert {"企业投资项目备案", "用地预审与选址意见书核发", "消防设计审查"} <= {m.name for m in library.matters}


def test_the_starter_invents_nothing_and_check_lists_every_gap(daiban):
    library = starter()
    assert all(m.dept == "" and m.time_limit is None and m.materials == () for m in library.matters)
    assert all(m.copies is None for m in library.materials)
    (daiban.root / "matters.toml").write_bytes(BUILTIN.read_bytes())
    checked = json.loads(daiban("catalog", "check", "--json", code=11).output)
    assert not checked["ok"] and len(checked["gaps"]) == 94
    expected = "事项“企业投资项目备案”（立项用地规划许可阶段）未填：审批部门、法定时限、办理条件、申请材料、可否并联"
    assert expected in checked["gaps"]


MATTER = '[[matters]]\nname = "甲"\nstage = "立项用地规划许可阶段"\nlevel = "市级"\n'


@pytest.mark.parametrize(("entry", "says"), [
    (MATTER + 'department = "局"\n', "未知的项 department"),
    ('[[matters]]\nname = "甲"\nstage = "拆迁阶段"\nlevel = "市级"\n', "阶段“拆迁阶段”"),
    ('[[matters]]\nname = "甲"\nstage = "立项用地规划许可阶段"\nlevel = "区级"\n', "层级“区级”"),
    ('[[matters]]\nname = "甲"\nstage = "立项用地规划许可阶段"\nlevel = "市级"\nmaterials = ["乙"]\n',
     "列出的材料不在 [[materials]] 中：乙"),
    ('[[matters]]\nname = "甲"\nstage = "立项用地规划许可阶段"\nlevel = "市级"\ntime_limit = "五天"\n', "应为正整数"),
    ('[[materials]]\nname = "乙"\nstage = "立项用地规划许可阶段"\nkind = "证照"\n', "类别“证照”"),
    ('[[matters]]\nname = "甲"\nstage = "立项用地规划许可阶段"\nlevel = "市级"\n' * 2, "事项名称重复：甲"),
])
def test_a_broken_library_is_refused_naming_the_entry(daiban, entry, says):
    (daiban.root / "matters.toml").write_text(entry, encoding="utf-8")
    refused = daiban("catalog", "check", code=5).output
    assert "matters.toml" in refused and says in refused


def test_a_listed_matter_is_added_by_its_name_and_options_still_win(daiban, case_no):
    added = daiban("matter", "add", case_no, "--name", "建设工程规划许可证核发").output
    assert "工程建设许可阶段 建设工程规划许可证核发（市级 晋城市规划和自然资源局，时限 5 个工作日）" in added
    daiban("matter", "add", case_no, "--name", "企业投资项目备案", "--dept", "晋城市行政审批服务管理局", "--days", "2")
    listed = json.loads(daiban("matter", "list", case_no, "--json").output)
    assert (listed[0]["dept"], listed[0]["time_limit"], listed[0]["parallel"]) == ("晋城市行政审批服务管理局", 2, False)


def test_an_unlisted_matter_needs_its_facts_and_a_near_name_is_suggested(daiban, case_no):
    refused = daiban("matter", "add", case_no, "--name", "规划许可", code=4).output
    assert "没有事项“规划许可”" in refused and "建设工程规划许可证核发" in refused
    daiban("matter", "add", case_no, "--name", "规划许可", "--stage", "工程", "--level", "市级", "--dept", "某局")
    (daiban.root / "matters.toml").unlink()  # the built-in starter: no department for any matter
    refused = daiban("matter", "add", case_no, "--name", "项目核准", code=2).output
    assert "“项目核准”的审批部门为空" in refused


def test_the_notice_is_refused_naming_the_matters_without_materials(daiban, case_no):
    assert "尚无审批事项" in daiban("render", case_no, "notice", "--no-pdf", code=5).output
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    daiban("matter", "add", case_no, "--name", "环评", "--stage", "工程", "--level", "市级", "--dept", "生态环境局")
    refused = daiban("render", case_no, "notice", "--no-pdf", code=5).output
    assert "以下事项没有登记申请材料" in refused and "环评" in refused and "企业投资项目备案" not in refused
    assert not list(daiban.root.glob("cases/**/*告知清单*"))


def test_the_notice_fills_each_matter_from_the_library(daiban, case_no):
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    daiban("matter", "add", case_no, "--name", "建设工程规划许可证核发")
    made = json.loads(daiban("render", case_no, "notice", "--no-pdf", "--json").output)
    docx = daiban.root / made[0]["docx"]["path"]
    # Names are printed with word joiners (U+2060) so that they never break across lines.
    rows = [[c.text.replace("\u2060", "") for c in row.cells] for table in Document(docx).tables for row in table.rows]
    filing = next(r for r in rows if "企业投资项目备案" in r)
    assert "（示例）项目已确定建设地点、建设规模和建设内容" in filing
    assert any("企业申请备案的文件（原件，1份）" in c and "晋城市企业投资项目信用承诺书（原件）（1份）" in c
               for c in filing)
    assert "1个工作日" in filing
    planning = next(r for r in rows if "建设工程规划许可证核发" in r)
    assert any("建筑设计方案（原件，2份）" in c for c in planning) and "（示例）建筑设计方案编制" in planning
