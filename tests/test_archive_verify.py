"""verify finds every kind of tampering precisely, and a killed filing never leaves an unexplained state."""

import json
import sqlite3

import pytest
from conftest import make_pdf


@pytest.fixture
def filed(daiban, case_no, tmp_path):
    """A case with three filed documents; returns their catalog entries."""
    for n in range(3):
        daiban("file", case_no, make_pdf(tmp_path / f"材料{n}.pdf", pages=n + 1), "--category", "application")
    return json.loads(daiban("case", "show", case_no, "--json").output)["documents"]


def findings(daiban, *args):
    result = daiban("verify", *args, "--json", code=11)
    return [(p["code"], p["where"]) for p in json.loads(result.output)["problems"]]


def test_clean_archive_verifies(daiban, filed):
    report = json.loads(daiban("verify", "--json").output)
    assert report["ok"] and report["documents"] == 3 and report["files"] == 3


def test_edited_byte_is_a_checksum_mismatch(daiban, filed):
    path = daiban.root / filed[1]["path"]
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    assert findings(daiban) == [("checksum_mismatch", f"DB-2026-0001 件号0002 {filed[1]['path']}")]


def test_deleted_file_is_missing(daiban, filed, case_no):
    (daiban.root / filed[0]["path"]).unlink()
    assert findings(daiban, case_no) == [("missing_file", f"DB-2026-0001 件号0001 {filed[0]['path']}")]


def test_dropped_catalog_row_is_seen_from_every_side(daiban, filed):
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("DELETE FROM documents WHERE id=?", (filed[2]["id"],))
    found = findings(daiban)
    assert ("unexplained_file", filed[2]["path"]) in found
    assert ("row_missing", f"DB-2026-0001 文件#{filed[2]['id']}") in found
    assert ("item_empty", "DB-2026-0001 件号0003") in found  # the 件 it was the only file of
    assert len(found) == 3


def test_edited_event_breaks_the_chain(daiban, filed):
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE events SET actor='某人' WHERE seq=3")
        db.execute("DROP TRIGGER events_no_update")
        db.execute("UPDATE events SET actor='某人' WHERE seq=3")
    found = findings(daiban)
    assert ("event_chain", "事件日志") in found and ("event_guard", "事件日志") in found
    report = json.loads(daiban("verify", "--json", code=11).output)
    assert any("事件 #3" in p["message"] and "被修改" in p["message"] for p in report["problems"])


def test_cut_off_last_event_is_seen(daiban, filed):
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("DROP TRIGGER events_no_delete")
        db.execute("DELETE FROM events WHERE seq>=(SELECT max(seq) FROM events WHERE action='document.filed')")
    messages = [p["message"] for p in json.loads(daiban("verify", "--json", code=11).output)["problems"]]
    assert any("末尾事件被删除" in m for m in messages)
    assert any("没有对应的归档事件" in m for m in messages)


def test_stray_file_and_edited_checksum_in_catalog(daiban, filed, case_no):
    folder = (daiban.root / filed[0]["path"]).parent
    (folder / "来历不明.pdf").write_bytes(b"%PDF-1.4 stray")
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("UPDATE documents SET sha256=? WHERE id=?", ("0" * 64, filed[0]["id"]))
    found = {code for code, _ in findings(daiban, case_no)}
    assert found == {"unexplained_file", "checksum_mismatch", "document_changed"}


CRASH_POINTS = ["store.pending", "store.staged", "store.placed", "store.committed"]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_killed_filing_leaves_old_or_new_state(daiban, case_no, tmp_path, point):
    source = make_pdf(tmp_path / "签署 委托书.pdf", marker=point)
    killed = daiban.subprocess("file", case_no, source, "--form", "entrust", "--signed",
                               DAIBAN_CRASH_AT=point)
    assert killed.returncode == -9, killed.stderr
    after_crash = json.loads(daiban.subprocess("verify", "--json").stdout)
    assert after_crash["ok"], after_crash["problems"]
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    if point == "store.committed":
        assert shown["case"]["status"] == "受理" and len(shown["documents"]) == 1
        daiban("file", case_no, source, "--form", "entrust", code=8)
    else:
        assert shown["case"]["status"] == "登记" and shown["documents"] == []
        assert [n["code"] for n in after_crash["notes"]] == ["interrupted"]
        daiban("file", case_no, source, "--form", "entrust", "--signed")
    final = json.loads(daiban("verify", "--json").output)
    assert final["ok"] and final["notes"] == [] and final["documents"] == 1
    assert json.loads(daiban("case", "show", case_no, "--json").output)["case"]["status"] == "受理"
    assert not any((daiban.root / ".staging").glob("*.part"))
