"""Best guesses for a scan without a usable code: which case it belongs to, and why."""

import re
from dataclasses import dataclass

from sqlalchemy import select

from archive.db import cases, documents
from archive.lifecycle import OPEN_STATUSES
from archive.session import Archive
from index.normalize import normalize_text

SIMILARITY_FLOOR = 0.05


@dataclass(frozen=True)
class Guess:
    """One candidate case for a scan, with a score in [0, 1] and the reason in Chinese."""

    case_no: str
    score: float
    why: str


def case_number_pattern(number_format: str) -> re.Pattern:
    """Turn the case number format of daiban.toml into a regex that finds such numbers in text."""
    parts = re.split(r"(\{[^}]*\})", number_format)
    regex = ""
    for part in parts:
        if part.startswith("{year"):
            regex += r"\d{4}"
        elif part.startswith("{seq"):
            regex += r"\d{1,6}"
        else:
            regex += re.escape(part)
    return re.compile(regex)


def _bigrams(text: str) -> set[str]:
    squeezed = re.sub(r"\s+", "", text)
    return {squeezed[i:i + 2] for i in range(len(squeezed) - 1)}


def _fact_guesses(row, squeezed: str, mentioned: set[str]) -> list[Guess]:
    found = []
    if row.case_no in mentioned:
        found.append(Guess(row.case_no, 1.0, f"文中出现案件编号 {row.case_no}"))
    if row.project_code and row.project_code in squeezed:
        found.append(Guess(row.case_no, 0.95, f"文中出现项目代码 {row.project_code}"))
    if row.project_name and normalize_text(row.project_name).replace(" ", "") in squeezed:
        found.append(Guess(row.case_no, 0.9, f"文中出现项目名称“{row.project_name}”"))
    if row.unit and normalize_text(row.unit).replace(" ", "") in squeezed:
        found.append(Guess(row.case_no, 0.8, f"文中出现项目单位“{row.unit}”"))
    return found


def _similarity_guesses(archive: Archive, grams: set[str]) -> list[Guess]:
    if not grams:
        return []
    found = []
    with archive.engine.connect() as conn:
        rows = conn.execute(select(cases.c.case_no, documents.c.text).join(documents).where(
            cases.c.status.in_(OPEN_STATUSES), documents.c.kind == "generated",
            documents.c.state == "filed"))
        texts: dict[str, set[str]] = {}
        for case_no, text in rows:
            texts.setdefault(case_no, set()).update(_bigrams(text))
    for case_no, case_grams in texts.items():
        score = len(grams & case_grams) / len(grams | case_grams)
        if score >= SIMILARITY_FLOOR:
            found.append(Guess(case_no, round(score, 3), f"与本案生成表单的文字相似度 {score:.2f}"))
    return found


def guess_cases(archive: Archive, text: str, limit: int = 3) -> list[Guess]:
    """Rank the cases a scan's OCR text points to (numbers, codes, names, then resemblance)."""
    text = normalize_text(text)
    squeezed = re.sub(r"\s+", "", text)
    mentioned = set(case_number_pattern(archive.settings.case_number).findall(squeezed))
    with archive.engine.connect() as conn:
        rows = conn.execute(select(cases)).all()
    found = [g for row in rows for g in _fact_guesses(row, squeezed, mentioned)]
    found += _similarity_guesses(archive, _bigrams(text))
    best: dict[str, Guess] = {}
    for guess in sorted(found, key=lambda g: -g.score):
        best.setdefault(guess.case_no, guess)
    return sorted(best.values(), key=lambda g: -g.score)[:limit]
