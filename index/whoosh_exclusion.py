"""Excluding documents in Whoosh 2.7.4 without letting the first match through.

Whoosh's AndNotMatcher checks its first match against the excluded documents only when the two happen to
start on the same document; when the first excluded document comes earlier, the first match is returned
even if it is excluded too (whoosh-community/whoosh#419). A `-word` of the query and the forms hidden
from an enterprise would then leak. This matcher makes the same check at the start as at every later step.
"""

from whoosh import matching, query


class _AndNotMatcher(matching.AndNotMatcher):
    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class Excluding(query.AndNot):
    """The documents of the first query that the second does not match (query.AndNot, corrected)."""

    def matcher(self, searcher, context=None):
        """The corrected matcher: excluded documents are skipped from the first one on."""
        return _AndNotMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))
