"""Best guesses for a scan without a usable code: which case it belongs to, and why."""

import re

from archive.catalog.cases import CaseBrief, all_cases_brief
from archive.catalog.documents import open_case_texts
from archive.catalog.review import Guess
from archive.catalog.session import Archive
from docgen.identity import IDENTITY_RE, parse_identity
from index.normalize import normalize_text

SIMILARITY_FLOOR = 0.05


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


def _fact_guesses(case: CaseBrief, squeezed: str, mentioned: set[str]) -> list[Guess]:
    found = []
    if case.case_no in mentioned:
        found.append(Guess(case.case_no, 1.0, f"文中出现案件编号 {case.case_no}"))
    if case.project_code and case.project_code in squeezed:
        found.append(Guess(case.case_no, 0.95, f"文中出现项目代码 {case.project_code}"))
    if case.project_name and normalize_text(case.project_name).replace(" ", "") in squeezed:
        found.append(Guess(case.case_no, 0.9, f"文中出现项目名称“{case.project_name}”"))
    if case.unit and normalize_text(case.unit).replace(" ", "") in squeezed:
        found.append(Guess(case.case_no, 0.8, f"文中出现项目单位“{case.unit}”"))
    return found


def _similarity_guesses(archive: Archive, grams: set[str]) -> list[Guess]:
    if not grams:
        return []
    found = []
    for case_no, texts in open_case_texts(archive).items():
        case_grams = set().union(*(_bigrams(normalize_text(t)) for t in texts))
        score = len(grams & case_grams) / len(grams | case_grams)
        if score >= SIMILARITY_FLOOR:
            found.append(Guess(case_no, round(score, 3), f"与本案生成表单的文字相似度 {score:.2f}"))
    return found


def _identity_guesses(archive: Archive, squeezed: str, case_nos: set[str]) -> list[Guess]:
    """The form versions whose 文档标识 is printed in the text (a footer read by OCR when the QR code is not)."""
    found = []
    for match in IDENTITY_RE.finditer(squeezed):
        identity = parse_identity(match.group())
        if identity.case_no in case_nos and archive.forms.get(identity.form_id):
            title = archive.forms.get(identity.form_id).title
            found.append(Guess(identity.case_no, 1.0, f"页面印有文档标识 {identity}（《{title}》）", str(identity)))
    return found


def guess_cases(archive: Archive, text: str, limit: int = 3) -> list[Guess]:
    """Rank the cases (and form versions) a scan's OCR text points to: printed identities, numbers, codes,
    names, then resemblance."""
    text = normalize_text(text)
    squeezed = re.sub(r"\s+", "", text)
    mentioned = set(case_number_pattern(archive.settings.case_number).findall(squeezed))
    cases = all_cases_brief(archive)
    found = _identity_guesses(archive, squeezed, {c.case_no for c in cases})
    found += [g for case in cases for g in _fact_guesses(case, squeezed, mentioned)]
    found += _similarity_guesses(archive, _bigrams(text))
    best: dict[str, Guess] = {}
    for guess in sorted(found, key=lambda g: -g.score):
        best.setdefault(guess.case_no, guess)
    return sorted(best.values(), key=lambda g: -g.score)[:limit]
