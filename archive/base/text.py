"""Text that came from file names: bytes that are not UTF-8 made readable, so no message or record breaks.

Linux keeps names as bytes; a zip made on a Chinese Windows PC unpacks to GBK
names, which Python carries with lone surrogates (U+DC80–U+DCFF) that neither
the database nor a terminal accepts. A name is decoded whole: as UTF-8 if it
is, else as GB 18030 (a superset of GBK), else with replacement marks.
"""

import re

FALLBACK_ENCODING = "gb18030"
# A run of text holding undecodable bytes, up to the separators our messages put around names.
ESCAPED_WORD = re.compile(r"[^\s/：，。；、（）《》“”]*[\udc80-\udcff][^\s/：，。；、（）《》“”]*")


def display_name(name: str) -> str:
    """A file name as people read it, whatever bytes the file system holds."""
    raw = name.encode("utf-8", "surrogateescape")
    for encoding in ("utf-8", FALLBACK_ENCODING):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def readable(text: str) -> str:
    """The text with every name in it that holds undecodable bytes made readable."""
    return ESCAPED_WORD.sub(lambda match: display_name(match.group()), text)


def undecodable_bytes(name: str) -> str | None:
    """A name's original bytes in hex when they are not UTF-8 (to keep on record), else None."""
    return name.encode("utf-8", "surrogateescape").hex() if ESCAPED_WORD.search(name) else None
