"""Text normalisation shared by ingest (stored text) and search (queries).

Measured on OCR'd form scans (MEASUREMENTS.md): NFKC, 〈〉→(), and removing the
spaces Tesseract puts between CJK characters took the character error rate from
.109 to .079. Index and query must see exactly the same text, so both call this.
"""

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK = (
    r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    r"\U00020000-\U0003134f"
)
_CJK_CHAR = f"[{_CJK}]"
_CJK_OR_PUNCT = f"[{_CJK}0-9(),.:;!?%\\-/\"'“”‘’、。，：；！？（）《》【】]"
# Whitespace (not newlines) between a CJK character and a CJK/digit/punctuation
# character on either side: the spaces OCR inserts, never the ones between Latin words.
_SPACE_AFTER_CJK = re.compile(f"(?<={_CJK_CHAR})[ \\t\\u3000]+(?={_CJK_OR_PUNCT})")
_SPACE_BEFORE_CJK = re.compile(f"(?<={_CJK_OR_PUNCT})[ \\t\\u3000]+(?={_CJK_CHAR})")
# OCR reads the 〔〕 of a 文号 as [] or 【】: fold all three so 晋代办〔2026〕17号 is found as typed.
_TRANSLATE = str.maketrans({"〈": "(", "〉": ")", "“": '"', "”": '"', "〔": "[", "〕": "]",
                            "【": "[", "】": "]"})
_BLANK_LINES = re.compile(r"\n{3,}")
# A single line break inside CJK text is where the page wrapped, not a boundary:
# joining it keeps names and phrases that wrap across lines findable.
_WRAPPED_CJK = re.compile(f"(?<={_CJK_CHAR})\n(?={_CJK_CHAR})")


def normalize_text(text: str) -> str:
    """Return text as it is stored and indexed: NFKC, no control chars, no OCR spaces in CJK."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _SPACE_AFTER_CJK.sub("", text)
    text = _SPACE_BEFORE_CJK.sub("", text)
    lines = (line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return _WRAPPED_CJK.sub("", text)


def is_cjk(char: str) -> bool:
    """Tell whether one character is a CJK ideograph or CJK symbol."""
    return re.fullmatch(_CJK_CHAR, char) is not None
