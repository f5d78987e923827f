"""An exact phrase query for Whoosh that intersects every term but compares fewer positions.

Whoosh's own Phrase builds Span objects for every term of every candidate document.
Here candidates are the documents holding all the terms (the rarest term drives the
intersection), and a candidate matches when the chosen terms sit at their fixed
offsets from the first one, checked with plain position sets. For one CJK run the
query needs only every other bigram (plus the last): two bigrams of a run 2 positions
apart pin down the characters between them, and no bigram of another run can sit 2
positions after one of this run (the frame terms lie between runs).
"""

from whoosh import matching, query
from whoosh.matching import IntersectionMatcher
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree

# (index into the distinct terms, position offset from the phrase start)
Check = tuple[int, int]


def phrase_checks(terms: tuple[str, ...], one_run: bool) -> tuple[list[str], list[Check]]:
    """Return the distinct terms and which of them to check at which offset."""
    distinct = list(dict.fromkeys(terms))
    offsets = range(len(terms))
    if one_run:
        offsets = sorted({*range(0, len(terms), 2), len(terms) - 1})
    return distinct, [(distinct.index(terms[i]), i) for i in offsets]


class _PhraseMatcher(SpanWrappingMatcher):
    """Walks the intersection of all terms; keeps documents where the checks line up."""

    def __init__(self, matchers: list[matching.Matcher], checks: list[Check]):
        self._matchers = matchers
        self._checks = checks
        super().__init__(make_binary_tree(IntersectionMatcher, matchers))

    def copy(self) -> "_PhraseMatcher":
        """Return an independent matcher at the same place."""
        return _PhraseMatcher([m.copy() for m in self._matchers], self._checks)

    def replace(self, minquality=0) -> matching.Matcher:
        """Never prune on quality: totals must stay exact."""
        return self if self.is_active() else matching.NullMatcher()

    def _get_spans(self) -> list[Span]:
        (first, base), *rest = self._checks
        others = [(set(self._matchers[i].value_as("positions")), offset - base) for i, offset in rest]
        length = self._checks[-1][1] - base
        return [Span(p, p + length) for p in self._matchers[first].value_as("positions")
                if all(p + delta in positions for positions, delta in others)]


class OffsetPhrase(query.Query):
    """Documents containing terms at consecutive positions (see phrase_checks)."""

    def __init__(self, fieldname: str, terms: tuple[str, ...], one_run: bool = False):
        self.fieldname = fieldname
        self.terms_ = terms
        self.distinct, self.checks = phrase_checks(terms, one_run)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and (self.fieldname, self.terms_) == (other.fieldname, other.terms_)

    def __hash__(self) -> int:
        return hash((self.fieldname, self.terms_))

    def __repr__(self) -> str:
        return f"OffsetPhrase({self.fieldname!r}, {self.terms_!r})"

    def estimate_size(self, ixreader) -> int:
        """Return the document frequency of the rarest term (orders And's intersection)."""
        return min(ixreader.doc_frequency(self.fieldname, t) for t in self.distinct)

    def matcher(self, searcher, context=None) -> matching.Matcher:
        """Return the matcher, or a null one when a term is absent from this segment."""
        reader, field = searcher.reader(), searcher.schema[self.fieldname]
        if any((self.fieldname, field.to_bytes(t)) not in reader for t in self.distinct):
            return matching.NullMatcher()
        matchers = [query.Term(self.fieldname, t).matcher(searcher, context) for t in self.distinct]
        return _PhraseMatcher(matchers, self.checks)
