"""Traditional and variant Chinese characters folded to simplified, one character for one, for matching.

The table is OpenCC's (TSCharacters, with the Taiwan and Hong Kong variant reversals before it), read
from the data files of opencc-python-reimplemented. Only single characters are folded, so a folded text
keeps one character per character and snippets can be cut from the text as stored. Where OpenCC offers
several simplified forms (乾 → 干 乾) the first is taken: index and query fold the same way, so a word
in either script finds both.
"""

from importlib.resources import files

_TABLES = ("TWVariantsRev.txt", "HKVariantsRev.txt", "TSCharacters.txt")


def _pairs(name: str) -> dict[str, str]:
    pairs = {}
    for line in (files("opencc") / "dictionary" / name).read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            pairs[source] = target
    return pairs


def simplified_table() -> dict[str, str]:
    """Return {character: simplified character} for every traditional or variant character OpenCC knows."""
    variants, hk, to_simplified = (_pairs(name) for name in _TABLES)
    table = dict(to_simplified)
    for source, standard in (variants | hk).items():
        table.setdefault(source, to_simplified.get(standard, standard))
    # Follow chains (麼 → 么 → 幺) to their end, so that folding twice changes nothing.
    return {source: _final(table, target) for source, target in table.items() if source != target}


def _final(table: dict[str, str], char: str) -> str:
    seen = {char}
    while table.get(char, char) not in seen:
        char = table[char]
        seen.add(char)
    return char
