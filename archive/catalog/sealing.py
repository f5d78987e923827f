"""Sealing a case file (归档): 件号 in archival order and 档号 for its items, the chain head kept with it.

What may be sealed is decided above (verify and the completeness audit); this module writes it, in one
transaction, and numbers what is added to a sealed case later (补充).
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archive.base.errors import TransitionError, UsageError, ValidationError
from archive.base.terms import CaseStatus
from archive.catalog import events
from archive.catalog.cases import case_row
from archive.catalog.lifecycle import step_to
from archive.catalog.schema import cases, items, meta
from archive.catalog.session import Archive
from archive.dataroot.settings import DEFAULT_REFERENCE, Settings

# 保管期限代码 (DA/T 22-2015 7.2): 永久 Y, 定期30年 D30, 定期10年 D10.
RETENTION_CODES = {"永久": "Y", "定期30年": "D30", "定期10年": "D10"}


@dataclass(frozen=True)
class Sealed:
    """A sealed case: when, its event-chain head, and each item's 件号 (working → archival) with its 档号."""

    case_no: str
    sealed: str
    head: str
    references: list[tuple[int, int, str]]


def reference(settings: Settings, retention: str, year: int, volume: int, archival_no: int) -> str:
    """The 档号 of one item of a case (volume), from the pattern in daiban.toml."""
    code = RETENTION_CODES.get(retention)
    if code is None:
        raise UsageError(f"保管期限“{retention}”不是 永久 / 定期30年 / 定期10年 之一，无法编档号")
    try:
        return settings.reference.format(fonds=settings.agency.fonds, year=year, retention=code,
                                         org=settings.org, volume=volume, item=archival_no)
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise UsageError(f"daiban.toml 中的档号格式“{settings.reference}”无法使用：{exc}") from exc


def _head(conn: Connection) -> str:
    return conn.execute(select(meta.c.value).where(meta.c.key == "event_head")).scalar() or ""


def _next_volume(conn: Connection, year: int, retention: str) -> int:
    """The next 案卷号 among the cases sealed in the year with this 保管期限."""
    last = conn.execute(select(func.max(cases.c.volume_no)).where(
        cases.c.sealed.like(f"{year}-%"), cases.c.retention == retention)).scalar()
    return (last or 0) + 1


def _refuse_shared(conn: Connection, archive: Archive, case_id: int, numbered: list[tuple[int, int, str]]) -> None:
    # A 档号 names one item of the whole archive (DA/T 70 1-2): a pattern without {volume} would repeat them.
    refs = [ref for _, _, ref in numbered]
    taken = conn.execute(select(items.c.reference, cases.c.case_no).join(cases).where(
        items.c.reference.in_(refs), items.c.case_id != case_id)).first()
    if taken is not None:
        raise ValidationError(f"档号 {taken.reference} 已由案件 {taken.case_no} 使用，未归档：daiban.toml 的档号格式"
                              f"（{archive.settings.reference}）应含案卷号 {{volume}}，如 {DEFAULT_REFERENCE}")


def seal(archive: Archive, case_no: str, order: list[int], year: int) -> Sealed:
    """Seal a case: give it the year's next 案卷号, number its items (working 件号 in archival order) with 档号,
    move it to 归档, keep the head."""
    with archive.write() as conn:
        row = case_row(conn, case_no)
        if step_to(CaseStatus.ARCHIVED, row.status) is None:
            raise TransitionError(f"案件 {case_no} 当前状态为“{row.status}”，只有办结或终止的案件才能归档")
        volume = _next_volume(conn, year, row.retention)
        numbered = [(item_no, n, reference(archive.settings, row.retention, year, volume, n))
                    for n, item_no in enumerate(order, start=1)]
        _refuse_shared(conn, archive, row.id, numbered)
        for item_no, archival_no, ref in numbered:
            conn.execute(items.update().where(items.c.case_id == row.id, items.c.item_no == item_no)
                         .values(archival_no=archival_no, reference=ref))
        stamp = events.now()
        events.append(conn, archive.actor, "case.archived", case_no=case_no, old=row.status,
                      new=CaseStatus.ARCHIVED, year=year, volume=volume,
                      references=[[i, n, r] for i, n, r in numbered])
        head = _head(conn)
        conn.execute(cases.update().where(cases.c.id == row.id).values(
            status=CaseStatus.ARCHIVED, updated=stamp, sealed=stamp, seal_head=head, volume_no=volume))
    return Sealed(case_no, stamp, head, numbered)


def number_supplement(conn: Connection, archive: Archive, case_id: int, item_nos: list[int], year: int,
                      retention: str) -> list[tuple[int, int, str]]:
    """Give items added to a sealed case (补充) the next archival 件号 of its volume and their 档号."""
    last = conn.execute(select(func.max(items.c.archival_no)).where(items.c.case_id == case_id)).scalar() or 0
    volume = conn.execute(select(cases.c.volume_no).where(cases.c.id == case_id)).scalar()
    new = conn.execute(select(items.c.item_no).where(
        items.c.case_id == case_id, items.c.item_no.in_(item_nos), items.c.archival_no.is_(None))
        .order_by(items.c.item_no)).scalars().all()
    numbered = []
    for n, item_no in enumerate(new, start=last + 1):
        ref = reference(archive.settings, retention, year, volume, n)
        conn.execute(items.update().where(items.c.case_id == case_id, items.c.item_no == item_no)
                     .values(archival_no=n, reference=ref))
        numbered.append((item_no, n, ref))
    return numbered


def seal_year(conn: Connection, case_id: int) -> int:
    """The 年度 of a sealed case's 档号 (the year it was sealed)."""
    return int(conn.execute(select(cases.c.sealed).where(cases.c.id == case_id)).scalar()[:4])


def shared_references(archive: Archive) -> dict[str, list[str]]:
    """档号 given to more than one item, with the items (案件编号 件号) that carry each."""
    with archive.read() as conn:
        rows = conn.execute(select(items.c.reference, items.c.item_no, cases.c.case_no).join(cases)
                            .where(items.c.reference.is_not(None))).all()
    holders: dict[str, list[str]] = {}
    for row in rows:
        holders.setdefault(row.reference, []).append(f"{row.case_no} 件号{row.item_no:04d}")
    return {ref: found for ref, found in holders.items() if len(found) > 1}
