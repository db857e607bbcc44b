"""What a reader typed into the search box, cleaned and understood the same way on every database.

Readers use web-search syntax: words (all must appear), `"a phrase"`, `-word` or `-"a phrase"`
to exclude, and `or` between alternatives. PostgreSQL reads that syntax itself
(`websearch_to_tsquery`); SQLite's FTS5 has its own query language, so `ReaderQuery.fts5()`
translates the same parse into a safe FTS5 expression: every word is passed as a quoted
FTS5 string, so no character a reader types can become an FTS5 operator.

The parse follows PostgreSQL's rules where they matter to a reader, so that both databases
find the same sections: what separates words, that a word with inner punctuation
(`decision-making`, `o'brien`) is a phrase, that `or` binds loosest, that `-` negates the next
word or phrase, and that very common words ("the", "of") are not searched for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200

# Characters that end a word in web-search syntax, as PostgreSQL's parser treats them (besides
# white space and the double quote, which starts a phrase).
_SEPARATORS = frozenset("!&|()<:")

# Very common English words that PostgreSQL's English configuration does not index; on SQLite
# they are dropped from the query too, so "plan for newcomers" finds the same sections on both.
# Every word here is one PostgreSQL ignores (tests/search/test_query.py checks it on PostgreSQL).
STOP_WORDS = frozenset(
    """
    a an the and but if or nor not no so than too very
    of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there
    when where why how all any both each few more most other some such only own same
    i me my myself we our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their theirs themselves
    what which who whom this that these those
    am is are was were be been being have has had having do does did doing
    can will just should now because as until while
    """.split()  # noqa: SIM905 — a list of words reads best as words
)

_WORD_CHARS = re.compile(r"[^\W_]+")


def clean_text(text: str) -> str:
    """`text` in NFC with control, format, private-use and unassigned characters dropped
    (NUL among them: databases refuse it) and white space runs made single spaces."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text.isprintable():  # rare: only then look at each character
        text = " ".join("".join(char for char in text if unicodedata.category(char)[0] != "C").split())
    return text


@dataclass(frozen=True)
class Term:
    """One word or phrase of the query, as typed (`text`), possibly excluded with a minus sign."""

    text: str
    negated: bool = False

    @property
    def words(self) -> list[str]:
        return _WORD_CHARS.findall(self.text.lower())

    @property
    def searchable(self) -> bool:
        """Does it hold a word that is not one of the very common ones?"""
        return any(word not in STOP_WORDS for word in self.words)

    def fts5(self) -> str:
        # FTS5 splits a quoted string into words itself: several words make a phrase. Common
        # words at either end are left out, as PostgreSQL does ("the plan" is "plan").
        spans = [m for m in _WORD_CHARS.finditer(self.text) if m.group().lower() not in STOP_WORDS]
        text = self.text
        if spans:
            start, end = spans[0].start(), spans[-1].end()
            while end < len(text) and unicodedata.category(text[end])[0] == "M":
                end += 1  # a combining mark belongs to the word before it
            text = text[start:end]
        return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class Alternative:
    """Terms that must all match: `include` must appear, `exclude` must not."""

    include: tuple[Term, ...]
    exclude: tuple[Term, ...]

    def fts5(self) -> str:
        expression = "(" + " AND ".join(term.fts5() for term in self.include) + ")"
        return expression + "".join(f" NOT {term.fts5()}" for term in self.exclude)


@dataclass(frozen=True)
class ReaderQuery:
    """A reader's search, cleaned, capped and parsed.

    `text` is what is searched (shown back to the reader); `truncated` says it was cut to
    MAX_QUERY_LENGTH. `alternatives` are joined by `or`. `problem` names why nothing can be
    searched: "empty", "common_words" (only words like "the"), "only_excluded" (an
    alternative with nothing to look for, only words to leave out), or "" when it can.
    """

    text: str
    truncated: bool
    alternatives: tuple[Alternative, ...]
    problem: str

    @property
    def searchable(self) -> bool:
        return not self.problem

    def fts5(self) -> str:
        """The query as an FTS5 MATCH expression (only for a searchable query)."""
        return " OR ".join(f"({alternative.fts5()})" for alternative in self.alternatives)


def _tokens(text: str) -> list[tuple[str, Term | None]]:
    """("or", None) and ("term", Term) tokens of web-search syntax, in order."""
    tokens: list[tuple[str, Term | None]] = []
    negated = False
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace() or char in _SEPARATORS:
            i += 1
        elif char == "-":
            # A minus before a word or phrase excludes it (two minus signs cancel out).
            negated = not negated
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(("term", Term(text[i + 1 : end], negated)))
            negated = False
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _SEPARATORS and text[i] != '"':
                i += 1
            word = text[start:i]
            if word.lower() == "or" and not negated:
                tokens.append(("or", None))
            else:
                tokens.append(("term", Term(word, negated)))
            negated = False
    return tokens


def parse_query(raw: str | None) -> ReaderQuery:
    """Understand what the reader typed; never raises, whatever the input."""
    text = clean_text(raw or "")
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    groups: list[list[Term]] = [[]]
    for kind, term in _tokens(text):
        if kind == "or":
            if groups[-1]:
                groups.append([])
        else:
            groups[-1].append(term)
    alternatives = []
    only_excluded = False
    for group in groups:
        terms = [term for term in group if term.searchable]
        include = tuple(term for term in terms if not term.negated)
        exclude = tuple(term for term in terms if term.negated)
        if include:
            alternatives.append(Alternative(include, exclude))
        elif exclude:
            only_excluded = True
    if not text:
        problem = "empty"
    elif only_excluded:
        problem = "only_excluded"
    elif not alternatives:
        problem = "common_words"
    else:
        problem = ""
    return ReaderQuery(text=text, truncated=truncated, alternatives=tuple(alternatives), problem=problem)
