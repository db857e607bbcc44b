"""Word-level text diffs: tokenize, opcodes, and <ins>/<del> HTML that reads without colour."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words, runs of whitespace, and single other characters (punctuation, symbols, emoji).
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
# Sentences (ending at . ! ? ; : plus the whitespace after), used to split long lines.
_SENTENCE_RE = re.compile(r"[^.!?;:\n]*(?:[.!?;:]+\s*|\n+|$)")

_ZWJ = "\u200d"

# Above these sizes (in tokens), SequenceMatcher without its "popular element" heuristic
# is quadratic on real prose; blocks this big are split further or diffed heuristically.
_WORD_BLOCK_LIMIT = 600


def _is_continuation(char: str) -> bool:
    """Does this character belong to the grapheme before it (accent, emoji modifier, joiner)?"""
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")  # combining marks
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (flags of regions)
        or 0xE0100 <= code <= 0xE01EF
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _trailing_regional_indicators(token: str) -> int:
    count = 0
    for char in reversed(token):
        if not _is_regional_indicator(char):
            break
        count += 1
    return count


def tokenize(text: str) -> list[str]:
    """Split text into words, whitespace runs and other characters, never inside a grapheme.

    Combining accents, emoji modifiers and zero-width-joiner sequences stay with the
    character they modify, so a diff never cuts "é" (e + U+0301) or "👩‍🔬" in two.
    """
    tokens = _TOKEN_RE.findall(text)
    if text.isascii():
        return tokens
    merged: list[str] = []
    for token in tokens:
        first = token[0]
        if merged and first > "\x7f":
            previous = merged[-1]
            join = (
                _is_continuation(first)
                or previous.endswith(_ZWJ)
                or (_is_regional_indicator(first) and _trailing_regional_indicators(previous) % 2 == 1)
            )
            if join:
                merged[-1] = previous + token
                continue
        if merged and first.isalnum() and _is_continuation(merged[-1][-1]) and merged[-1][0].isalnum():
            # A word resumed after a combining mark: "cafe\u0301s" is one word.
            merged[-1] += token
            continue
        merged.append(token)
    return merged


def _one_line_ending(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _split_sentences(text: str) -> list[str]:
    return [piece for piece in _SENTENCE_RE.findall(text) if piece]


def _trim(a: list[str], b: list[str]) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of a and b."""
    limit = min(len(a), len(b))
    prefix = 0
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


Op = tuple[str, str]  # ("=" | "-" | "+", text)


def _diff_level(a: list[str], b: list[str], level: int, out: list[Op]) -> None:
    """Diff two lists of units at `level` (0 lines, 1 sentences, 2 words), refining replaced blocks."""
    if level == 2:
        prefix, suffix = _trim(a, b)
        if prefix:
            out.append(("=", "".join(a[:prefix])))
        middle_a, middle_b = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
        if middle_a and middle_b:
            _diff_words(middle_a, middle_b, out)
        elif middle_a or middle_b:
            out.append(("-" if middle_a else "+", "".join(middle_a or middle_b)))
        if suffix:
            out.append(("=", "".join(a[len(a) - suffix :])))
        return
    pairs: list[tuple[int, int]] = []
    _matching_pairs(a, b, 0, len(a), 0, len(b), pairs, 0)
    i = j = 0
    for pi, pj in [*pairs, (len(a), len(b))]:
        if i < pi and j < pj:
            _diff_block(a[i:pi], b[j:pj], level, out)
        elif i < pi:
            out.append(("-", "".join(a[i:pi])))
        elif j < pj:
            out.append(("+", "".join(b[j:pj])))
        if pi < len(a):
            out.append(("=", a[pi]))
        i, j = pi + 1, pj + 1


# Regions with no unit unique to both sides are matched by SequenceMatcher only up to this
# size (units x units); bigger ones are refined at the next level down instead.
_UNANCHORED_LIMIT = 40_000


def _matching_pairs(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int, pairs: list[tuple[int, int]], depth: int
) -> None:
    """Append the (i, j) of equal units of a[alo:ahi] and b[blo:bhi], in order (patience diff).

    Units that occur once on each side anchor the match; the stretches between anchors
    are matched recursively. This stays near-linear where SequenceMatcher would be
    quadratic on many repeated units (blank lines, table rows).
    """
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        pairs.append((alo, blo))
        alo, blo = alo + 1, blo + 1
    suffix = []
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
        suffix.append((ahi, bhi))
    if alo < ahi and blo < bhi:
        anchors = _unique_anchors(a, b, alo, ahi, blo, bhi) if depth < 40 else []
        if anchors:
            i, j = alo, blo
            for anchor_i, anchor_j in anchors:
                _matching_pairs(a, b, i, anchor_i, j, anchor_j, pairs, depth + 1)
                pairs.append((anchor_i, anchor_j))
                i, j = anchor_i + 1, anchor_j + 1
            _matching_pairs(a, b, i, ahi, j, bhi, pairs, depth + 1)
        elif (ahi - alo) * (bhi - blo) <= _UNANCHORED_LIMIT:
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                pairs.extend((alo + i + k, blo + j + k) for k in range(size))
    pairs.extend(reversed(suffix))


def _unique_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """Pairs (i, j) of units occurring exactly once in each range, longest run in the same order."""
    counts: dict[str, list[int]] = {}
    for i in range(alo, ahi):
        entry = counts.setdefault(a[i], [0, 0, i, 0])
        entry[0] += 1
    for j in range(blo, bhi):
        entry = counts.get(b[j])
        if entry is not None:
            entry[1] += 1
            entry[3] = j
    candidates = sorted((e[2], e[3]) for e in counts.values() if e[0] == 1 and e[1] == 1)
    keep = longest_increasing([j for _, j in candidates])
    return [pair for index, pair in enumerate(candidates) if index in keep]


def _diff_block(a: list[str], b: list[str], level: int, out: list[Op]) -> None:
    """Refine a replaced block of units at the next level down."""
    old, new = "".join(a), "".join(b)
    if level == 0:
        sentences_a, sentences_b = _split_sentences(old), _split_sentences(new)
        if len(sentences_a) > 1 or len(sentences_b) > 1:
            _diff_level(sentences_a, sentences_b, 1, out)
            return
    words_a, words_b = tokenize(old), tokenize(new)
    if len(a) == len(b) > 1 and len(words_a) + len(words_b) > _WORD_BLOCK_LIMIT:
        # As many units edited on each side: diff them pairwise (every sentence reworded).
        for unit_a, unit_b in zip(a, b, strict=True):
            _diff_level(tokenize(unit_a), tokenize(unit_b), 2, out)
        return
    _diff_level(words_a, words_b, 2, out)


def _diff_words(a: list[str], b: list[str], out: list[Op]) -> None:
    # The "popular element" heuristic loses precision but keeps huge rewrites linear-ish.
    autojunk = len(a) + len(b) > _WORD_BLOCK_LIMIT
    # Whitespace never seeds a match (it is everywhere) but still joins matched words.
    matcher = SequenceMatcher(str.isspace, a, b, autojunk=autojunk)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            out.append(("=" if tag == "equal" else "-", "".join(a[i1:i2])))
        if tag in ("insert", "replace") and j2 > j1:
            out.append(("+", "".join(b[j1:j2])))


def text_opcodes(old: str, new: str) -> list[Op]:
    """The word-level edit script from old to new: ("=", text), ("-", text), ("+", text).

    Joining the "=" and "-" texts gives `old`; joining "=" and "+" gives `new`, each with
    its line endings written as "\n": a text a browser sent (CRLF) compared with the same
    text as stored (LF) has no change, not one at every line break. Lines are compared
    first, then sentences of changed lines, then words of changed sentences, so two 50 KB
    texts with scattered edits compare in milliseconds.
    """
    old, new = _one_line_ending(old), _one_line_ending(new)
    if old == new:
        return [("=", old)] if old else []
    raw: list[Op] = []
    _diff_level(_split_lines(old), _split_lines(new), 0, raw)
    return _coalesce(raw)


def _coalesce(ops: list[Op]) -> list[Op]:
    """Group each run of changes as one deletion then one insertion, and drop noise equalities.

    An unchanged stretch between two changes joins them when it is only whitespace, or
    no longer than the changes on either side (the "semantic cleanup" of diff-match-patch):
    replacing "a b c" by "x y z", or rewriting a sentence, reads as one deletion and one
    insertion rather than fragments interleaved with a stray "the". Paragraph breaks are
    never swallowed.
    """
    # Groups: [deleted, inserted] for a change, a str for an unchanged stretch.
    groups: list[list[str] | str] = []
    for tag, text in ops:
        if not text:
            continue
        if tag == "=":
            if groups and isinstance(groups[-1], str):
                groups[-1] += text
            else:
                groups.append(text)
        else:
            if not groups or isinstance(groups[-1], str):
                groups.append(["", ""])
            groups[-1][0 if tag == "-" else 1] += text  # type: ignore[index]
    changed = True
    while changed:
        changed = False
        index = 1
        while index < len(groups) - 1:
            before, same, after = groups[index - 1], groups[index], groups[index + 1]
            if isinstance(same, str) and not isinstance(before, str) and not isinstance(after, str):
                small = len(same) <= max(map(len, before)) and len(same) <= max(map(len, after))
                if (same.isspace() or small) and "\n\n" not in same:
                    groups[index - 1 : index + 2] = [[before[0] + same + after[0], before[1] + same + after[1]]]
                    changed = True
                    continue
            index += 1
    result: list[Op] = []
    for group in groups:
        if isinstance(group, str):
            result.append(("=", group))
        else:
            result.extend((tag, text) for tag, text in (("-", group[0]), ("+", group[1])) if text)
    return result


_MARKER = {"-": ("del", "deleted: "), "+": ("ins", "inserted: ")}


def _render_change(tag: str, text: str) -> str:
    element, word = _MARKER[tag]
    if text.isspace() and "\n" in text:
        # A lone line break cannot be struck through or underlined: show a pilcrow.
        inner = f'<span aria-hidden="true">¶</span><span class="visually-hidden">line break</span>{text}'
    else:
        inner = escape(text)
    return f'<{element}><span class="visually-hidden">{word}</span>{inner}</{element}>'


def render_opcodes(ops: Iterable[Op]) -> SafeString:
    """HTML of an edit script: escaped text, changes in <del>/<ins> with hidden words for screen readers."""
    parts = [escape(text) if tag == "=" else _render_change(tag, text) for tag, text in ops]
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of text above is escaped


def diff_text(old: str | None, new: str | None) -> SafeString:
    """Word-level diff of two texts as safe HTML: unchanged text escaped, changes in <del>/<ins>."""
    return render_opcodes(text_opcodes(old or "", new or ""))


def longest_increasing(values: list[int]) -> set[int]:
    """Indexes (into `values`) of one longest strictly increasing subsequence."""
    tails: list[int] = []  # tails[k]: index into values of the smallest tail of a run of length k+1
    previous: list[int | None] = [None] * len(values)
    for i, value in enumerate(values):
        k = _bisect(values, tails, value)
        if k > 0:
            previous[i] = tails[k - 1]
        if k == len(tails):
            tails.append(i)
        else:
            tails[k] = i
    keep: set[int] = set()
    cursor = tails[-1] if tails else None
    while cursor is not None:
        keep.add(cursor)
        cursor = previous[cursor]
    return keep


def _bisect(values: list[int], tails: list[int], value: int) -> int:
    low, high = 0, len(tails)
    while low < high:
        mid = (low + high) // 2
        if values[tails[mid]] < value:
            low = mid + 1
        else:
            high = mid
    return low
