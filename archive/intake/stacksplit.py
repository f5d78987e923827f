"""Splitting a scanned stack into forms by what every page says about itself.

A page names its form by its QR code, else by the 文档标识 line printed in its
footer (read by OCR), and its place by the printed 第N页共M页. A form's pages are
gathered wherever they lie in the stack and put in order by their counters; a
form is filed only when its pages are all there, once each. Pages that name no
form, or a form or case this archive does not have, are never attached to a
neighbour: they go to review with the reason.
"""

import re
from dataclasses import dataclass, field

COUNTER = re.compile(r"第\s*(\d{1,3})\s*页\s*共\s*(\d{1,3})\s*页")


@dataclass(frozen=True)
class PageEvidence:
    """What one page (0-based index) says about itself."""

    index: int
    identity: str | None = None
    foreign: str | None = None
    counter: tuple[int, int] | None = None


@dataclass
class Segment:
    """Pages of one stack that go together: one form's pages in order, or pages for review and why."""

    identity: str | None
    pages: list[int] = field(default_factory=list)
    problem: str | None = None


def page_counter(text: str) -> tuple[int, int] | None:
    """The printed 第N页共M页 of a page's text, if it reads as a sane counter."""
    for match in COUNTER.finditer(text):
        number, total = int(match[1]), int(match[2])
        if 1 <= number <= total:
            return number, total
    return None


def _attach_loose(groups: dict[str, list[PageEvidence]], loose: list[PageEvidence]) -> list[PageEvidence]:
    """Give a page without identity to the one form whose counters it completes; return the rest."""
    left = []
    for page in loose:
        fits = [] if page.counter is None else [
            pages for pages in groups.values()
            if {p.counter[1] for p in pages if p.counter} == {page.counter[1]}
            and page.counter[0] not in {p.counter[0] for p in pages if p.counter}]
        if len(fits) == 1:
            fits[0].append(page)
        else:
            left.append(page)
    return left


def _form_segment(identity: str, pages: list[PageEvidence]) -> Segment:
    indexes = [p.index for p in pages]
    counters = [p.counter for p in pages if p.counter]
    if not counters:
        return Segment(identity, indexes)
    totals = {total for _, total in counters}
    if len(totals) > 1:
        return Segment(identity, indexes, f"{identity} 各页页脚的总页数不一致（{'、'.join(map(str, sorted(totals)))}）")
    total = totals.pop()
    numbers = [number for number, _ in counters]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        return Segment(identity, indexes, f"{identity} 的第 {'、'.join(map(str, repeated))} 页重复")
    if len(pages) != total:
        seen = "、".join(map(str, sorted(numbers)))
        return Segment(identity, indexes, f"{identity} 页数不全：该表单共 {total} 页，只收到第 {seen} 页")
    if len(counters) == len(pages):
        indexes = [p.index for p in sorted(pages, key=lambda p: p.counter[0])]
    return Segment(identity, indexes)


def _loose_segments(loose: list[PageEvidence]) -> list[Segment]:
    segments: list[Segment] = []
    for page in loose:
        if page.foreign:
            segments.append(Segment(None, [page.index], f"二维码 {page.foreign} 指向本档案库中没有的案件或表单"))
        elif segments and segments[-1].problem is None and segments[-1].pages[-1] == page.index - 1:
            segments[-1].pages.append(page.index)
        else:
            segments.append(Segment(None, [page.index]))
    return segments


def split_stack(pages: list[PageEvidence]) -> list[Segment]:
    """Cut a stack into its forms (in page order by their counters) and the pages that need a person."""
    groups: dict[str, list[PageEvidence]] = {}
    loose = []
    for page in pages:
        if page.identity:
            groups.setdefault(page.identity, []).append(page)
        else:
            loose.append(page)
    loose = _attach_loose(groups, [p for p in loose if not p.foreign]) + [p for p in loose if p.foreign]
    segments = [_form_segment(identity, group) for identity, group in groups.items()]
    segments += _loose_segments(sorted(loose, key=lambda p: p.index))
    return sorted(segments, key=lambda s: min(s.pages))
