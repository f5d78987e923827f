"""A run killed between the forms of one scanned stack: the re-run files the rest, nothing twice."""

import json
import sys

import pytest
from conftest import AGENCY_CONTACT, PROJECT, SAMPLE_CASE, Daiban, use_sample_library

sys.path.insert(0, str(PROJECT))
from fixtures.scanning import SCAN, scan_pages  # noqa: E402

from bench.scans import write_scan  # noqa: E402

pytestmark = pytest.mark.slow  # real LibreOffice and OCR


def test_a_stack_interrupted_between_forms_is_resumed(tmp_path):
    daiban = Daiban(tmp_path / "根目录")
    daiban("init", *AGENCY_CONTACT)
    use_sample_library(daiban.root)
    case_no = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    forms = {f["form_id"]: daiban.root / f["pdf"]["path"]
             for f in json.loads(daiban("packet", case_no, "受理", "--json").output)["forms"]}
    stack = write_scan(scan_pages(forms["card"], 1) + scan_pages(forms["entrust"], 2), SCAN, tmp_path / "扫描.pdf")

    killed = daiban.subprocess("ingest", stack, DAIBAN_CRASH_AT="ingest.part_done")
    assert killed.returncode == -9, killed.stderr
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    assert {d["form_id"] for d in shown["documents"] if d["kind"] == "signed"} == {"card"}
    assert shown["case"]["status"] == "登记"

    resumed = json.loads(daiban("ingest", stack, "--json").output)
    assert [(o["status"], o["form_id"]) for o in resumed] == [("duplicate", None), ("filed", "entrust")]
    assert "此前入库时处理" in resumed[0]["message"]
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    signed = sorted(d["form_id"] for d in shown["documents"] if d["kind"] == "signed")
    assert signed == ["card", "entrust"] and shown["case"]["status"] == "受理"
    assert len([d for d in shown["documents"] if d["kind"] == "original"]) == 1

    again = json.loads(daiban("ingest", stack, "--json").output)
    assert [o["status"] for o in again] == ["duplicate"]
    assert json.loads(daiban("verify", "--json").output)["ok"]
