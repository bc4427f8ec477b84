"""The search text and query translation of core/search.py (docs/search.md): pure functions."""

from shanghui.core import search


def test_a_chinese_run_is_written_as_bigrams_and_its_last_character():
    assert search.tokens("红色教育") == ["红色", "色教", "教育", "育"]
    assert search.tokens("党") == ["党"]


def test_latin_and_digit_runs_are_lower_case_words_and_punctuation_splits():
    assert search.tokens("ABC-123，党建ｘ１") == ["abc", "123", "党建", "建", "x1"]


def test_every_character_starts_a_token():
    # So a one-character term (a prefix match) finds any text holding it.
    text = "社会主义核心价值观"
    firsts = {t[0] for t in search.tokens(text)}
    assert firsts == set(text)


def test_a_query_term_becomes_a_phrase_of_its_bigrams_and_terms_are_anded():
    segments = search.parse("红色教育 党建 党 ab")
    assert segments == [search.Segment(("红色", "色教", "教育"), False), search.Segment(("党建",), False),
                        search.Segment(("党",), True), search.Segment(("ab",), True)]
    assert search.fts5_query(segments) == '"红色 色教 教育" AND "党建" AND "党"* AND "ab"*'
    assert search.tsquery(segments) == "('红色' <-> '色教' <-> '教育') & ('党建') & '党':* & 'ab':*"


def test_a_query_without_letters_or_digits_has_no_segments():
    assert search.parse("  ，。!* \"' ") == []


def test_query_syntax_characters_never_reach_the_match_expression():
    # Quotes, stars, parentheses, NEAR/AND/NOT words are either dropped or quoted tokens.
    expr = search.fts5_query(search.parse('a" OR b* NOT (c) NEAR'))
    assert expr == '"a"* AND "or"* AND "b"* AND "not"* AND "c"* AND "near"*'


def test_code_suffixes_cover_fragments_of_four_or_more_characters():
    code = "91110101MA01ABCD2X"
    suffixes = search.suffix_tokens(code)
    fragment = code[6:12].lower()
    assert any(s.startswith(fragment) for s in suffixes)
    assert min(map(len, suffixes)) == search.MIN_SUFFIX


def test_tsvector_literal_keeps_positions_and_merges_repeats():
    assert search.tsvector(["红色", "色教", "红色"]) == "'红色':1,3 '色教':2"


def test_snippet_marks_hits_and_escapes_markup():
    html = search.snippet("说明<script>alert(1)</script>：红色教育基地", "红色 script")
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;" in html
    assert "<mark>红色</mark>教育基地" in html


def test_snippet_is_a_window_around_the_first_hit():
    text = "甲" * 300 + "党建引领" + "乙" * 300
    html = search.snippet(text, "党建", width=40)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>党建</mark>" in html and len(html) < 80
