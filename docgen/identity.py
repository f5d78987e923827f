"""Document identity (<case-no>/<form-id>/v<version>), its QR code, and document numbers (文号)."""

import io
import re
import string
from dataclasses import dataclass

import segno

from archive.base.errors import UsageError, ValidationError

CASE_NO = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
FORM_ID = r"[a-z][a-z0-9_]{0,31}"
IDENTITY_RE = re.compile(rf"(?P<case_no>{CASE_NO})/(?P<form_id>{FORM_ID})/v(?P<version>[1-9][0-9]{{0,5}})")
# Printed 22 mm wide including the quiet zone: identities up to 26 characters fit QR version 2
# (33 modules, ≈3.9 px per module in a 150 dpi scan), longer ones version 3 (≈3.5 px).
# Level M is the floor; segno raises it to Q when that still fits the same version.
QR_WIDTH_MM = 22
QR_ERROR_LEVEL = "m"
QR_PNG_SCALE = 10
QR_QUIET_ZONE = 4
DOC_NO_FIELDS = frozenset({"agency_short", "year", "seq", "case_no", "form_id"})


@dataclass(frozen=True)
class DocIdentity:
    """Which version of which form of which case a generated document is."""

    case_no: str
    form_id: str
    version: int

    def __post_init__(self):
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise ValidationError(f"文档版本号必须是正整数：{self.version!r}")
        if not IDENTITY_RE.fullmatch(str(self)):
            raise ValidationError(f"无效的文档标识：{str(self)!r}（应为 案件编号/表单编号/v版本号）")

    def __str__(self) -> str:
        return f"{self.case_no}/{self.form_id}/v{self.version}"


def parse_identity(text: str) -> DocIdentity:
    """Read an identity exactly as printed in a QR code; anything else is a ValidationError."""
    match = IDENTITY_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValidationError(f"不是本系统的文档标识：{text!r}（应为 案件编号/表单编号/v版本号）")
    return DocIdentity(match["case_no"], match["form_id"], int(match["version"]))


def qr_png(identity: DocIdentity) -> bytes:
    """Encode the identity as a QR code PNG (level M or better, 4-module quiet zone)."""
    code = segno.make_qr(str(identity), error=QR_ERROR_LEVEL, boost_error=True)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=QR_PNG_SCALE, border=QR_QUIET_ZONE)
    return buffer.getvalue()


def doc_number(pattern: str, *, agency_short: str, year: int, seq: int, case_no: str, form_id: str) -> str:
    """Fill a 文号 pattern such as "{agency_short}代〔{year}〕{seq}号"; {seq:03d} style specs work."""
    values = {"agency_short": agency_short, "year": year, "seq": seq, "case_no": case_no, "form_id": form_id}
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise UsageError(f"文号格式无效：{pattern!r}（{exc}）") from exc
    unknown = sorted(names - DOC_NO_FIELDS)
    if unknown:
        allowed = "、".join(f"{{{n}}}" for n in sorted(DOC_NO_FIELDS))
        raise UsageError(f"文号格式 {pattern!r} 含未知占位符：{'、'.join(unknown)}（可用：{allowed}）")
    try:
        return pattern.format(**values)
    except (ValueError, IndexError) as exc:
        raise UsageError(f"文号格式无效：{pattern!r}（{exc}）") from exc
