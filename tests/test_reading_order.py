"""Reading a table form as a person does: skew measured and undone, cells read one by one."""

import pytest
from PIL import Image, ImageDraw, ImageFont

from archive.intake.reading_order import Glyph, Line, find_grid, reading_order
from archive.intake.straighten import measure_skew

FONT = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 32, index=2)


def table_page() -> Image.Image:
    """A page with a heading and a ruled 2×3 table."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    draw.text((150, 100), "移交清单 项目名称：晋城市新能源装备制造产业园项目", fill=0, font=FONT)
    for y in (300, 420, 600):
        draw.line((100, y, 1140, y), fill=0, width=3)
    for x in (100, 300, 800, 1140):
        draw.line((x, 300, x, 600), fill=0, width=3)
    for row in range(20):
        draw.text((150, 700 + row * 45), "以上材料已核对无误，由项目单位如数接收。", fill=0, font=FONT)
    return page


@pytest.mark.parametrize("degrees", [-4.0, -2.0, 0.0, 0.7, 2.0, 4.0])
def test_the_skew_of_a_page_is_measured(degrees):
    turned = table_page().rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert measure_skew(turned) == pytest.approx(degrees, abs=0.15)


def test_the_rules_of_a_table_are_found():
    grid = find_grid(table_page())
    assert [abs(r - e) <= 2 for r, e in zip(grid.rules, (300, 420, 600), strict=True)] == [True] * 3
    assert [[round(x, -1) for x in row] for row in grid.columns] == [[100, 300, 800, 1140]] * 2


def box(x0, y0, x1, y1):
    return (x0, y0, x1, y1)


def test_cells_are_read_one_by_one_and_a_line_across_a_rule_is_cut():
    grid = find_grid(table_page())
    # One detected line whose characters lie on both sides of the column rule at x=800.
    lefts = (320, 360, 400, 440, 820, 860)
    glyphs = tuple(Glyph(c, box(x, 340, x + 35, 380)) for c, x in zip("批复证照原件", lefts, strict=True))
    lines = [
        Line("移交清单", box(150, 100, 600, 140), 99),
        Line("晋泽审批备", box(320, 440, 700, 480), 99),     # row 2, column 2, first line of the cell
        Line("1", box(150, 500, 180, 540), 99),              # row 2, column 1, lower than the line above
        Line("[2026]12号", box(320, 520, 700, 560), 99),     # row 2, column 2, second line
        Line("批复证照原件", box(320, 340, 1000, 380), 99, glyphs),  # row 1, across the rule at x=800
        Line("以上材料", box(150, 700, 600, 740), 99),
    ]
    assert [line.text for line in reading_order(lines, grid)] == [
        "移交清单", "批复证照", "原件", "1", "晋泽审批备", "[2026]12号", "以上材料"]


def test_without_a_table_lines_are_read_top_to_bottom():
    lines = [Line("二", box(100, 200, 200, 240), 90), Line("一", box(100, 100, 200, 140), 90)]
    assert [line.text for line in reading_order(lines, None)] == ["一", "二"]
