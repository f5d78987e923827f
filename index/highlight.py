"""Snippets with exactly the matched substrings marked, cut from the text as stored.

The patterns come from the index analysis (analysis.match_pattern) and run on the folded
text, as the index does; every match is mapped back to the stored characters, so a snippet
shows the page's own punctuation and script. The caller renders the segments as terminal
colour, **…** or <mark>.
"""

import html
import re

from index.analysis import match_pattern
from index.normalize import fold_with_origins

Segment = tuple[str, bool]
SNIPPET_CHARS = 120
_LEAD = SNIPPET_CHARS // 4
_MAX_SPANS = 200
_LINE_BREAKS = re.compile(r"\s*\n\s*")
# Characters that would change how a markdown snippet reads: a literal ** must not turn into bold.
_MARKDOWN = re.compile(r"([\\*_`\[\]])")
_STYLES = {
    "ansi": ("\x1b[1;31m", "\x1b[0m"),
    "markdown": ("**", "**"),
    "html": ("<mark>", "</mark>"),
    "plain": ("", ""),
}


def hit_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Return the sorted, merged spans of the stored text that the (folded) query words match."""
    folded, origins = fold_with_origins(text)
    spans = []
    for word in words:
        pattern = match_pattern(word)
        if pattern is not None:
            spans.extend(m.span() for m in pattern.finditer(folded) if m.end() > m.start())
    if origins is not None:
        spans = [(origins[start], origins[end - 1] + 1) for start, end in spans]
    return _merge(sorted(spans))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window_start(spans: list[tuple[int, int]]) -> int:
    candidates = spans[:_MAX_SPANS]
    best = max(candidates, key=lambda s: sum(1 for o in candidates
                                            if s[0] - _LEAD <= o[0] < s[0] - _LEAD + SNIPPET_CHARS))
    return max(0, best[0] - _LEAD)


def snippet(text: str, words: list[str]) -> list[Segment]:
    """Return about SNIPPET_CHARS of text around the densest hits as (text, is_hit) segments."""
    spans = hit_spans(text, words)
    # Prefer showing all of a short text to cutting its beginning.
    start = min(_window_start(spans), max(0, len(text) - SNIPPET_CHARS)) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    segments: list[Segment] = [("…", False)] if start > 0 else []
    cursor = start
    for hit_start, hit_end in spans:
        hit_start, hit_end = max(hit_start, start), min(hit_end, end)
        if hit_start >= hit_end:
            continue
        if cursor < hit_start:
            segments.append((_one_line(text[cursor:hit_start]), False))
        segments.append((_one_line(text[hit_start:hit_end]), True))
        cursor = hit_end
    if cursor < end:
        segments.append((_one_line(text[cursor:end]), False))
    if end < len(text):
        segments.append(("…", False))
    return segments


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def _escape(style: str):
    if style == "html":
        return html.escape
    if style == "markdown":
        return lambda text: _MARKDOWN.sub(r"\\\1", text)
    return str


def render(segments: list[Segment], style: str = "markdown") -> str:
    """Render segments with hits marked: style is ansi, markdown (literal *, _, ` escaped), html or plain."""
    before, after = _STYLES[style]
    escape = _escape(style)
    return "".join(f"{before}{escape(t)}{after}" if hit else escape(t) for t, hit in segments)
