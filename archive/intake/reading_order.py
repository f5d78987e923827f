"""Lines found by OCR put in the order a person reads a form: table cells row by row, left to right,
each cell's lines top to bottom.

An OCR engine lists lines by height on the page, so a cell that wraps onto two
lines interleaves with its neighbours, and one detected line may run across a
column rule ("批复证照原件"). The form's rules are found on the page image; a
line is cut at every column rule it crosses (by the boxes of its characters) and
the pieces are read cell by cell.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image

INK = 160
# A horizontal rule runs across this share of the page; a column rule spans this share of its row.
RULE_WIDTH = 0.15
COLUMN_SPAN = 0.9
RULE_PAD = 3


@dataclass(frozen=True)
class Grid:
    """A form's table: the heights of its horizontal rules, and per row between them, its column rules."""

    rules: list[int]
    columns: list[list[int]]

    def row_of(self, y: float) -> int | None:
        """The row a height falls in, or None outside the table."""
        for row, (top, bottom) in enumerate(zip(self.rules, self.rules[1:], strict=False)):
            if top <= y < bottom:
                return row
        return None

    def column_of(self, row: int, x: float) -> int:
        """The column a position falls in within a row."""
        return sum(1 for rule in self.columns[row] if rule <= x)


@dataclass(frozen=True)
class Glyph:
    """One recognised character and its box (x0, y0, x1, y1)."""

    char: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Line:
    """One line of recognised text with its box, confidence (0–100) and, where known, its characters."""

    text: str
    box: tuple[int, int, int, int]
    confidence: int
    glyphs: tuple[Glyph, ...] = ()


def _runs(indexes: np.ndarray) -> list[int]:
    """Centres of runs of consecutive indexes."""
    if len(indexes) == 0:
        return []
    breaks = np.nonzero(np.diff(indexes) > 1)[0]
    starts = np.concatenate(([indexes[0]], indexes[breaks + 1]))
    ends = np.concatenate((indexes[breaks], [indexes[-1]]))
    return [int((s + e) // 2) for s, e in zip(starts, ends, strict=True)]


def _longest_runs(ink: np.ndarray) -> np.ndarray:
    """For each row of a boolean image, the length of its longest run of ink."""
    longest = np.zeros(ink.shape[0], dtype=np.int64)
    current = np.zeros(ink.shape[0], dtype=np.int64)
    for column in range(ink.shape[1]):
        current = np.where(ink[:, column], current + 1, 0)
        longest = np.maximum(longest, current)
    return longest


def find_grid(page: Image.Image) -> Grid | None:
    """The table rules of a straight page, or None when it has no table."""
    ink = np.asarray(page.convert("L")) < INK
    width = ink.shape[1]
    rules = _runs(np.nonzero(_longest_runs(ink) >= width * RULE_WIDTH)[0])
    if len(rules) < 2:
        return None
    # A rule drawn a pixel askew still counts: widen the ink by a pixel each way first.
    wide = ink | np.roll(ink, 1, axis=1) | np.roll(ink, -1, axis=1)
    columns = []
    for top, bottom in zip(rules, rules[1:], strict=False):
        band = wide[top + RULE_PAD:bottom - RULE_PAD]
        if band.shape[0] < 2 * RULE_PAD:
            columns.append([])
            continue
        columns.append(_runs(np.nonzero(band.mean(axis=0) >= COLUMN_SPAN)[0]))
    return Grid(rules, columns)


def _centre(box: tuple[int, int, int, int]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _cut(line: Line, grid: Grid) -> list[Line]:
    """The line cut at every column rule it crosses, by the positions of its characters."""
    row = grid.row_of(_centre(line.box)[1])
    if row is None or not line.glyphs:
        return [line]
    pieces: dict[int, list[Glyph]] = {}
    for glyph in line.glyphs:
        pieces.setdefault(grid.column_of(row, _centre(glyph.box)[0]), []).append(glyph)
    if len(pieces) == 1:
        return [line]
    return [Line("".join(g.char for g in glyphs), (min(g.box[0] for g in glyphs), min(g.box[1] for g in glyphs),
                                                   max(g.box[2] for g in glyphs), max(g.box[3] for g in glyphs)),
                 line.confidence, tuple(glyphs))
            for _, glyphs in sorted(pieces.items())]


def _key(line: Line, grid: Grid) -> tuple[float, int, float, float]:
    x, y = _centre(line.box)
    row = grid.row_of(y)
    if row is None:
        return y, 0, y, x
    return grid.rules[row], grid.column_of(row, x), y, x


def reading_order(lines: list[Line], grid: Grid | None) -> list[Line]:
    """The lines as a person reads the page: outside the table by height, inside it cell by cell."""
    if grid is None:
        return sorted(lines, key=lambda line: (_centre(line.box)[1], _centre(line.box)[0]))
    pieces = [piece for line in lines for piece in _cut(line, grid)]
    return sorted(pieces, key=lambda line: _key(line, grid))
