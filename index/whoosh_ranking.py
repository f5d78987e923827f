"""A Whoosh query wrapper that lifts every match of its child into a higher score tier.

Whoosh sums the scores of OR branches, so Or([RaisedBy(own, tier), meta]) scores a document
whose own text matches at tier + its BM25 score, and one matched only through case metadata
below tier: own-text hits rank first without evaluating the own-text phrase twice.
"""

from whoosh import matching
from whoosh.query.wrappers import WrappingQuery


class _RaisedMatcher(matching.WrappingMatcher):
    def __init__(self, child: matching.Matcher, tier: float):
        super().__init__(child)
        self._tier = tier

    def copy(self) -> "_RaisedMatcher":
        return _RaisedMatcher(self.child.copy(), self._tier)

    def _replacement(self, newchild: matching.Matcher) -> "_RaisedMatcher":
        return _RaisedMatcher(newchild, self._tier)

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self._tier + self.child.max_quality()

    def score(self) -> float:
        return self._tier + self.child.score()


class RaisedBy(WrappingQuery):
    """Match what child matches, scoring each document tier above the child's own score."""

    def __init__(self, child, tier: float):
        super().__init__(child)
        self.tier = tier

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.child == self.child and other.tier == self.tier

    def __hash__(self) -> int:
        return hash(self.child) ^ hash(self.tier)

    def _rewrap(self, child) -> "RaisedBy":
        return RaisedBy(child, self.tier)

    def matcher(self, searcher, context=None) -> matching.Matcher:
        """Return the child's matcher with its scores raised (an empty child stays empty)."""
        inner = self.child.matcher(searcher, context)
        if isinstance(inner, matching.NullMatcherClass):
            return inner
        return _RaisedMatcher(inner, self.tier)
