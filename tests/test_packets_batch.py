"""A batch of packets (issue 15's warm converter for batch runs): one LibreOffice for every case of the batch,
and a case that fails is reported while the others are made."""

import json

import pytest
from conftest import SAMPLE_CASE
from pypdf import PdfReader

from docgen import warmconvert

pytestmark = pytest.mark.slow


def test_packets_for_several_cases_share_one_office_and_go_on_past_a_failure(daiban, monkeypatch):
    launches = []
    launch = warmconvert._Office.launch
    monkeypatch.setattr(warmconvert._Office, "launch",
                        classmethod(lambda cls, *args: launches.append(args) or launch(*args)))
    cases = [json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"] for _ in range(2)]
    for case_no in cases:
        daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    result = daiban("packets", "受理", cases[0], "DB-2099-9999", cases[1], "--json", code=4)
    outcomes = json.loads(result.output)
    assert [o["case_no"] for o in outcomes] == [cases[0], "DB-2099-9999", cases[1]]
    assert "案件不存在" in outcomes[1]["error"] and outcomes[1]["packet"] is None
    for outcome in (outcomes[0], outcomes[2]):
        merged = PdfReader(outcome["packet"]["merged"])
        text = "".join(page.extract_text() for page in merged.pages)
        assert outcome["case_no"] in text.replace("\u2060", "") and len(merged.pages) >= 3
    assert len(launches) == 1  # both packets through one office, started once
