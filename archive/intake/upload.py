"""A scan handed in through the browser: kept under the name it had on the user's computer, checked, then
ingested as any scan is (filed by its codes, queued for review, a duplicate, or refused)."""

import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from archive.base.errors import InputFileError
from archive.catalog.session import Archive
from archive.dataroot.folders import NAME_BYTES, safe_name
from archive.intake.ingest import check_target, ingest_or_report
from archive.intake.outcomes import Outcome, Target
from archive.intake.scaninput import ScanInputError, inspect_scan

SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


def expected_case(archive: Archive, case_no: str | None) -> str | None:
    """The case the user expects the scans to belong to, refused unless it exists and they may ingest for it."""
    case_no = (case_no or "").strip() or None
    archive.require("review.added", case_no)
    check_target(archive, Target(case_no))
    return case_no


def _saved_name(name: str) -> str:
    # The extension is kept whole however long the name: ingest tells a mislabelled file by it.
    suffix = Path(name).suffix if SUFFIX.fullmatch(Path(name).suffix) else ""
    return safe_name(name.removesuffix(suffix), NAME_BYTES - len(suffix)) + suffix


def _shown(outcome: Outcome, work: Path) -> Outcome:
    # Ingest names its input by path: a scratch folder the user never saw.
    return replace(outcome, message=outcome.message.replace(f"{work}/", ""))


def ingest_upload(archive: Archive, data: BinaryIO, name: str, case_no: str | None = None) -> list[Outcome]:
    """Ingest one uploaded file; one that cannot even be opened as a scan (empty, truncated, not a scan) is
    refused before ingest with nothing kept, since the user still holds it."""
    expected_case(archive, case_no)
    with archive.root.scratch("upload") as work:
        source = work / _saved_name(name)
        with source.open("wb") as out:
            shutil.copyfileobj(data, out, 1 << 20)
        try:
            inspect_scan(source)
        except ScanInputError as exc:
            raise InputFileError(f"{exc.message}未入库，未做任何更改。") from exc
        return [_shown(o, work) for o in ingest_or_report(archive, source)]
