"""Pinyin initials at import speed, identical to `shanghui.core.pinyin.initials`.

`initials()` calls pypinyin on the whole name, which costs about 200 µs: more than
everything else an imported row costs together (a million enterprises would spend
over three minutes here). pypinyin first cuts a name into Han/non-Han runs and the
Han runs into dictionary phrases (greedy longest match, its strict mode), then
converts each piece on its own. We repeat the same cut in a few lines, then convert
each piece with the real `initials()` once and cache it: names share their pieces
(有限公司, 北京, 科技…), so after a few thousand rows nearly every piece is cached.
test_cells.py checks the result equals `initials()` on many names.
"""

import re
from functools import lru_cache

from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.seg.mmseg import p_set

from shanghui.core.pinyin import initials

_PREFIXES = p_set._set
# RE_HANS is "^(?:[...])+$" (a whole string of Han characters); we need the runs inside a name.
_HAN_RUN = re.compile(RE_HANS.pattern.removeprefix("^").removesuffix("$"))


@lru_cache(maxsize=200_000)
def _piece(text: str) -> str:
    return initials(text)


# The cut of the rest of a run depends only on that rest, so the initials of every tail
# of a run seen before (科技有限公司, 餐饮管理有限公司…) are remembered: most names end
# the same way, and the loop below stops as soon as it reaches a known tail.
_TAILS: dict[str, str] = {}
_MAX_TAILS = 300_000


def _run_initials(run: str) -> str:
    """pypinyin's strict forward-maximum-match cut (pypinyin.seg.mmseg.Seg, no_non_phrases=True),
    each piece converted once and cached. Written flat with local names: this loop is the hot path."""
    tails = _TAILS
    known = tails.get(run)
    if known is not None:
        return known
    prefixes, phrases, piece = _PREFIXES, PHRASES_DICT, _piece
    out, bounds = [], []
    i, n = 0, len(run)
    while i < n:
        if i:
            known = tails.get(run[i:])
            if known is not None:
                out.append(known)
                break
            bounds.append((i, len(out)))
        last_valid, j = 0, i + 1
        while j <= n:
            word = run[i:j]
            if word not in prefixes:
                break
            if word in phrases:
                last_valid = j
            j += 1
        if last_valid:
            out.append(piece(run[i:last_valid]))
            i = last_valid
        elif j <= n:
            out.append(piece(run[i]))
            i += 1
        else:  # the whole rest is a prefix of some phrase but holds none: pypinyin splits it into characters
            out.extend(piece(c) for c in run[i:])
            i = n
    if len(tails) > _MAX_TAILS:
        tails.clear()
    for pos, k in bounds:
        tails[run[pos:]] = "".join(out[k:])
    result = tails[run] = "".join(out)
    return result


def fast_initials(text: str) -> str:
    if not text:
        return ""
    if _HAN_RUN.fullmatch(text):  # most names are Han characters only: one run, no splitting
        return _run_initials(text).lower()
    out, pos = [], 0
    for m in _HAN_RUN.finditer(text):
        if m.start() > pos:
            out.append(_other(text[pos:m.start()]))
        out.append(_run_initials(m.group()))
        pos = m.end()
    if pos < len(text):
        out.append(_other(text[pos:]))
    return "".join(out).lower()


def _other(text: str) -> str:
    # pypinyin passes characters without pinyin to initials()' error handler one by one,
    # which keeps the letters and digits (lower-cased at the end).
    return "".join(c for c in text if c.isalnum())
