"""The reader's web-search syntax, parsed once for both databases; FTS5 expressions are always safe."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.query import MAX_QUERY_LENGTH, STOP_WORDS, clean_text, parse_query


@pytest.mark.parametrize(
    ("q", "fts5"),
    [
        ("mentor", '(("mentor"))'),
        ("mentor online", '(("mentor" AND "online"))'),
        ('"career advancement"', '(("career advancement"))'),
        ("decision-making", '(("decision-making"))'),
        ("mentoring -online", '(("mentoring") NOT "online")'),
        ('survey -"climate survey"', '(("survey") NOT "climate survey")'),
        ("- online mentor", '(("mentor") NOT "online")'),  # as PostgreSQL: the minus applies to the next word
        ("--mentor", '(("mentor"))'),  # two minus signs cancel out
        ("retention or leadership", '(("retention")) OR (("leadership"))'),
        ("a b or c", '(("b")) OR (("c"))'),  # "a" is a common word
        ("x y OR z", '(("x" AND "y")) OR (("z"))'),  # or binds loosest
        ("or mentor or", '(("mentor"))'),
        ('"the plan for newcomers"', '(("plan for newcomers"))'),  # common words at a phrase's ends
        ("cat(dog)", '(("cat" AND "dog"))'),
        ("x<script>y", '(("x" AND "script>y"))'),
        ('say "it"', '(("say"))'),
        ('"unclosed phrase', '(("unclosed phrase"))'),
        ('a"b"c', '(("b" AND "c"))'),
        ("NEAR(a b)", '(("NEAR" AND "b"))'),
        ('quote"inside', '(("quote" AND "inside"))'),
    ],
)
def test_web_search_syntax_becomes_a_quoted_fts5_expression(q, fts5):
    query = parse_query(q)
    assert query.searchable
    assert query.fts5() == fts5


@pytest.mark.parametrize(
    ("q", "problem"),
    [
        ("", "empty"),
        ("   \x00 \u200b ", "empty"),
        ("the of and", "common_words"),
        ('"the"', "common_words"),
        ("🙂 ¿?", "common_words"),
        ("-mentor", "only_excluded"),
        ("mentor or -online", "only_excluded"),
        ("the -mentor", "only_excluded"),
        ("mentor or the", ""),
    ],
)
def test_a_query_that_cannot_be_searched_says_why(q, problem):
    assert parse_query(q).problem == problem


def test_long_queries_are_cut():
    query = parse_query("word " * 100)
    assert query.truncated
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert not parse_query("word " * 10).truncated


def test_cleaning_drops_what_databases_refuse_or_readers_cannot_see():
    assert clean_text("men\x00tor\u200b \x01\x02 on\tline\n\u202e") == "mentor on line"
    assert clean_text("e\u0301") == "é"  # one spelling of an accented letter (NFC)


def test_a_phrase_keeps_a_trailing_combining_mark():
    # Python's \w does not count combining marks as word characters; FTS5 does.
    query = parse_query('"the हिन्दी"')
    assert query.fts5() == '(("हिन्दी"))'


def postgres_only(test):
    """Mark a test that asks PostgreSQL itself (skipped on SQLite)."""
    marks = [
        pytest.mark.postgres,
        pytest.mark.skipif(connection.vendor != "postgresql", reason="Asks PostgreSQL's own text search."),
        pytest.mark.django_db,
    ]
    for mark in marks:
        test = mark(test)
    return test


FTS5_SQL = "SELECT count(*) FROM t WHERE t MATCH ?"


@pytest.fixture(scope="module")
def fts5_table():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize = 'porter unicode61 remove_diacritics 0')")
    db.execute("INSERT INTO t VALUES ('Mentoring', 'NEAR AND OR NOT * ^ : text \"quoted\" 🙂 研究')")
    yield db
    db.close()


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_no_reader_query_is_an_fts5_syntax_error(fts5_table, text):
    query = parse_query(text)
    if query.searchable:
        fts5_table.execute(FTS5_SQL, (query.fts5(),)).fetchone()


@given(st.lists(st.sampled_from(['"', "-", "or", "OR", " ", "(", ")", "*", ":", "^", "NEAR", "AND", "NOT", "x"])))
@settings(max_examples=300, deadline=None)
def test_no_mix_of_operators_is_an_fts5_syntax_error(fts5_table, parts):
    query = parse_query("".join(parts))
    if query.searchable:
        fts5_table.execute(FTS5_SQL, (query.fts5(),)).fetchone()


@postgres_only
def test_every_common_word_dropped_here_is_one_postgresql_ignores():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word WHERE to_tsvector('english', word) <> ''::tsvector",
            [sorted(STOP_WORDS)],
        )
        assert cursor.fetchall() == []


@postgres_only
@given(st.text(max_size=300))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_postgresql_accepts_every_cleaned_query(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)", [parse_query(text).text])
