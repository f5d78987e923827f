"""Splitting a scanned stack into forms at every page whose QR code names a different form."""

from dataclasses import dataclass, field


@dataclass
class Segment:
    """Consecutive pages of one stack: one form's pages, or the uncoded pages before the first code."""

    identity: str | None
    pages: list[int] = field(default_factory=list)


def split_pages(page_codes: list[list[str]]) -> list[Segment]:
    """Cut at each page carrying a code other than the current form's; later uncoded pages stay with it."""
    segments: list[Segment] = []
    for number, codes in enumerate(page_codes):
        code = codes[0] if codes else None
        current = segments[-1] if segments else None
        if current is None or (code is not None and code != current.identity):
            segments.append(Segment(code))
        segments[-1].pages.append(number)
    return segments
