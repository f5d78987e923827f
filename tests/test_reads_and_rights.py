"""Reads are part of the record (who saw which case), and the data root is readable by its owner, or
one named group, only."""

import grp
import sqlite3
import stat

from conftest import AGENCY_CONTACT, SAMPLE_CASE, Daiban, make_pdf

READS = ("cases.listed", "case.viewed", "matters.listed", "log.viewed", "review.listed", "search",
         "document.opened")


def actions_of(daiban, actor: str) -> list[str]:
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        return [r[0] for r in db.execute("SELECT action FROM events WHERE actor=? ORDER BY seq", (actor,))]


def test_every_read_of_case_material_is_logged_with_the_reader(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "批复.pdf"), "--category", "批复证照")
    for args in (("case", "list"), ("case", "show", case_no), ("matter", "list", case_no), ("log", case_no),
                 ("review", "list"), ("search", "批复"), ("open", case_no, "1")):
        daiban(*args, "--actor", "审计员王")
    assert actions_of(daiban, "审计员王") == list(READS)


def modes(root) -> dict[str, int]:
    return {p.relative_to(root).as_posix() or ".": p.stat().st_mode for p in [root, *root.rglob("*")]}


def populate(daiban: Daiban, tmp_path) -> None:
    """A case with a filed scan, a generated form and the index."""
    daiban("case", "new", "--from", SAMPLE_CASE)
    daiban("file", "DB-2026-0001", make_pdf(tmp_path / "批复.pdf"), "--category", "批复证照")
    daiban("render", "DB-2026-0001", "card", "--no-pdf", "--set", "supervision_phone=0356-1")


def test_files_are_readable_by_the_owner_only(tmp_path):
    daiban = Daiban(tmp_path / "根目录")
    daiban("init", *AGENCY_CONTACT)
    populate(daiban, tmp_path)
    opened = {name: oct(mode & 0o777) for name, mode in modes(daiban.root).items() if mode & 0o077}
    assert opened == {}


def test_a_named_group_may_read_and_nobody_else(tmp_path):
    group = grp.getgrgid(100).gr_name  # "users" on Debian
    daiban = Daiban(tmp_path / "根目录")
    daiban("init", "--group", group, *AGENCY_CONTACT)
    populate(daiban, tmp_path)
    for name, mode in modes(daiban.root).items():
        path = daiban.root / name
        assert not mode & 0o007, f"{name} {oct(mode)}"
        assert mode & stat.S_IRGRP and path.stat().st_gid == 100, f"{name} {oct(mode)} gid {path.stat().st_gid}"
    assert "用户组“没有这个组”不存在" in Daiban(tmp_path / "另一个")("init", "--group", "没有这个组", code=2).stderr
    assert not (tmp_path / "另一个").exists()
