"""Pinyin initials for searching Chinese names by typing `dhm` for 东华门."""

from pypinyin import Style, lazy_pinyin


def initials(text: str) -> str:
    # Non-Chinese characters (Latin letters, digits) are kept as they are, lower-cased.
    parts = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(p[:1] for p in parts if p and p[:1].isalnum()).lower()
