"""Search pages for every kind of reader, on SQLite and PostgreSQL alike (the suite runs on both).

The expected hits are the same whichever database runs the test: that is the point.
"""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse

from plans.models import Role
from plans.services import plan_publish
from search.query import MAX_QUERY_LENGTH
from tests.conftest import add_node

HIT_TITLES = re.compile(
    r'<h2 class="h5 mb-1"><a href="([^"]+)"><span class="section-number">([^<]+)</span>(.*?)</a></h2>'
)


def plan_search(client, plan, q, **params):
    return client.get(reverse("search:plan_search", kwargs={"slug": plan.slug}), {"q": q, **params})


def hits(response) -> list[tuple[str, str, str]]:
    """(link, number, title without markup) of each hit, best first."""
    return [(url, number, re.sub(r"</?mark>", "", title)) for url, number, title in HIT_TITLES.findall(response.text)]


def hit_titles(response) -> set[str]:
    return {title for _url, _number, title in hits(response)}


def sign_in(client, make_user, plan, role):
    if role == "visitor":
        return
    user = make_user(plan=plan, role=None if role == "collaborator" else role)
    client.force_login(user)


ROLES = ["visitor", "collaborator", Role.EDITOR, Role.PUBLISHER]


# What a search finds: the same on both databases


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Stemming: "mentor" finds mentoring, mentors; a title and a kind's field (the owner) count.
        ("mentor", {"Mentoring programme", "Run a mentoring scheme", "Remote participation"}),
        ("MENTORS", {"Mentoring programme", "Run a mentoring scheme", "Remote participation"}),
        # All words must appear
        ("mentor online", {"Remote participation"}),
        # A phrase, across Markdown emphasis
        ('"early-career members"', {"Mentoring programme"}),
        ('"members early-career"', set()),
        # Leaving words out
        ("mentoring -online", {"Mentoring programme", "Run a mentoring scheme"}),
        ('mentor -"cannot travel"', {"Mentoring programme", "Run a mentoring scheme"}),
        # Either word
        ("decisions or parents", {"Decision-making", "Parental leave"}),
        ("decisions OR zzzz", {"Decision-making"}),
        # A word with inner punctuation is a phrase; common words are not searched for
        ("decision-making", {"Decision-making"}),
        ("the board", {"Decision-making"}),
        # The kind's facts: the action's owner and status
        ("subcommittee", {"Run a mentoring scheme"}),
        # A word only in the draft, or only in the older version, is not in the latest version
        ("zeppelin", set()),
        ("childcare", set()),
    ],
)
def test_search_finds_the_same_sections_on_every_database(client, searchable_plan, q, expected):
    response = plan_search(client, searchable_plan, q)
    assert response.status_code == HTTPStatus.OK
    assert hit_titles(response) == expected, connection.vendor


def test_a_title_match_ranks_above_a_match_in_the_text(client, searchable_plan):
    response = plan_search(client, searchable_plan, "participation")
    add = hits(response)
    assert [title for _url, _number, title in add] == ["Remote participation"]
    ranked = hits(plan_search(client, searchable_plan, "mentors"))
    assert ranked[-1][2] == "Remote participation"  # mentoring only in its text


def test_each_hit_links_to_its_section_anchor_on_the_latest_version(client, searchable_plan):
    response = plan_search(client, searchable_plan, "parental leave")
    [(url, number, title)] = hits(response)
    assert title == "Parental leave"
    assert url == f"/plans/{searchable_plan.slug}/#s-{number.replace('.', '-')}"
    page = client.get(url.split("#")[0])
    assert f'id="s-{number.replace(".", "-")}"' in page.text
    assert "Parental leave" in page.text


def test_snippets_mark_the_matched_words_and_escape_the_rest(client, searchable_plan):
    # (PostgreSQL's parser takes what looks like an HTML tag for markup: it neither indexes nor
    # shows it. SQLite shows it, escaped. Either way it never reaches the page as a tag.)
    response = plan_search(client, searchable_plan, "markup")
    assert [title for _u, _n, title in hits(response)] == ["Safe words"]
    text = response.text
    assert "<script>alert" not in text
    assert "<mark>markup</mark>" in text
    assert "a &amp; b" in text
    # Nothing but <mark> is added to the snippet's text
    snippet = re.search(r'<p class="search-snippet mb-0">(.*?)</p>', text, re.DOTALL)[1]
    assert set(re.findall(r"</?([a-z]+)", snippet)) == {"mark"}


def test_a_version_can_be_searched_and_its_hits_link_to_its_own_page(client, searchable_plan):
    response = plan_search(client, searchable_plan, "childcare", v="1.0")
    assert response.status_code == HTTPStatus.OK
    [(url, number, title)] = hits(response)
    assert title == "Childcare at meetings"
    assert url == f"/plans/{searchable_plan.slug}/v/1.0/#s-{number.replace('.', '-')}"
    assert "Parental leave" not in hit_titles(plan_search(client, searchable_plan, "parents", v="1.0"))


def test_the_header_of_an_older_version_searches_that_version(client, searchable_plan):
    page = client.get(f"/plans/{searchable_plan.slug}/v/1.0/")
    assert 'role="search"' in page.text
    assert '<input type="hidden" name="v" value="1.0">' in page.text
    latest = client.get(f"/plans/{searchable_plan.slug}/")
    assert 'name="v" value=' not in latest.text


@pytest.mark.parametrize("v", ["9.9", "abc", "1.0.0", "-1", "1.0\x00"])
def test_an_unknown_version_is_a_clear_404(client, searchable_plan, v):
    response = plan_search(client, searchable_plan, "mentor", v=v)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "This plan has no version" in response.text
    assert hits(response) == []


def test_many_hits_are_capped_with_their_count(client, searchable_plan, settings):
    for number in range(60):
        add_node(searchable_plan, f"Workshop {number}", body="A hackathon for everyone.")
    plan_publish(plan=searchable_plan, notes="Sixty workshops.")
    response = plan_search(client, searchable_plan, "hackathon")
    assert len(hits(response)) == 50
    assert "The best 50 of 60 matching sections" in response.text


# Who may search what


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_search_a_public_plan(client, make_user, searchable_plan, role):
    sign_in(client, make_user, searchable_plan, role)
    response = plan_search(client, searchable_plan, "mentor")
    assert response.status_code == HTTPStatus.OK
    assert "Mentoring programme" in hit_titles(response)


@pytest.mark.parametrize("role", ROLES)
def test_a_members_plan_is_searched_only_by_signed_in_readers(client, make_user, members_plan, role):
    sign_in(client, make_user, members_plan, role)
    response = plan_search(client, members_plan, "quokka")
    if role == "visitor":
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "Quokka" not in response.text
    else:
        assert response.status_code == HTTPStatus.OK
        assert hit_titles(response) == {"Quokka council"}


@pytest.mark.parametrize("role", ROLES)
def test_an_unpublished_plan_cannot_be_searched_by_anyone(client, make_user, unpublished_plan, role):
    sign_in(client, make_user, unpublished_plan, role)
    response = plan_search(client, unpublished_plan, "quokka")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Quokka draft" not in response.text


def test_a_missing_plan_is_404(client, db):
    assert client.get("/plans/no-such-plan/search/?q=x").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", ROLES)
def test_search_every_plan_finds_only_what_the_reader_may_read(
    client, make_user, searchable_plan, members_plan, unpublished_plan, role
):
    sign_in(client, make_user, searchable_plan, role)
    response = client.get("/search/", {"q": "quokka or parental"})
    assert response.status_code == HTTPStatus.OK
    found = hit_titles(response)
    assert "Quokka draft" not in found  # never a draft, whoever asks
    assert "Parental leave" in found
    assert ("Quokka council" in found) is (role != "visitor")


def test_search_every_plan_searches_the_latest_versions_only(client, searchable_plan):
    assert hit_titles(client.get("/search/", {"q": "childcare"})) == set()
    response = client.get("/search/", {"q": "parental"})
    [(url, _number, _title)] = hits(response)
    assert url.startswith(f"/plans/{searchable_plan.slug}/#s-")
    assert "In Searchable plan, version 1.1" in response.text


# Bad and odd input: never a 500, the same on both databases

NASTY_QUERIES = [
    "",
    " ",
    '"',
    '""',
    '"""',
    "-",
    "--",
    "- -",
    "or",
    "OR OR or",
    "-or",
    "AND",
    "NOT",
    "NEAR(mentor online)",
    "mentor NOT online",
    "title:mentor",
    "text : mentor",
    "^mentor",
    "mentor*",
    "*",
    "(((",
    ")",
    "mentor)(",
    "{mentor}",
    "[1]",
    "mentor:*",
    "mentor & online | ! <->",
    "a <-> b",
    "<script>alert(1)</script>",
    "'; DROP TABLE search_indexedsection; --",
    "%",
    "%s %d",
    "\\",
    '\\\\"',
    "mentor\x00ing",
    "\x00",
    "\x01\x02 mentor \x1f",
    "\u202emirror\u202c",
    "zero\u200bwidth",
    "\ufeffbom",
    "e\u0301",
    "\u0301",
    "研究者",
    "مرشد",
    "🙂",
    "🙂 mentor",
    "ǅ",
    "\ue000private",
    "mentor or -online",
    "-mentor",
    "the of and",
    "mentor " * 60,
    "x" * 5000,
    '"' * 300,
    "-" * 300,
]


@pytest.mark.parametrize("q", NASTY_QUERIES)
@pytest.mark.parametrize("where", ["plan", "all"])
def test_odd_queries_are_harmless(client, searchable_plan, q, where):
    response = plan_search(client, searchable_plan, q) if where == "plan" else client.get("/search/", {"q": q})
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert" not in response.text


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE%00", "%C0%AF", "%E2%80"])
def test_undecodable_query_strings_are_harmless(client, searchable_plan, raw):
    response = client.get(f"/plans/{searchable_plan.slug}/search/?q={raw}&v={raw}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND)
    assert client.get(f"/search/?q={raw}").status_code == HTTPStatus.OK


def test_a_very_long_query_is_cut_with_a_message(client, searchable_plan):
    response = plan_search(client, searchable_plan, "mentor " + "x" * 1000)
    assert response.status_code == HTTPStatus.OK
    assert f"only its first {MAX_QUERY_LENGTH} were searched" in response.text


def test_a_search_of_common_words_says_so(client, searchable_plan):
    response = plan_search(client, searchable_plan, "the of")
    assert "only very common words" in response.text
    assert hits(response) == []


def test_a_search_that_only_leaves_words_out_says_what_to_add(client, searchable_plan):
    response = plan_search(client, searchable_plan, "-mentor")
    assert "not which to look for" in response.text


def test_no_hits_gives_a_helpful_page(client, searchable_plan):
    response = plan_search(client, searchable_plan, "xylophone")
    text = response.text
    assert response.status_code == HTTPStatus.OK
    assert "No section of the latest version, version 1.1, matches “xylophone”" in text
    assert "Check the spelling" in text
    assert f'<a href="/plans/{searchable_plan.slug}/">the contents of the plan</a>' in text
    assert "Older versions may have it" in text
    assert 'value="xylophone"' in text  # the box keeps what was searched


def test_an_empty_search_explains_how_to_search(client, searchable_plan):
    response = plan_search(client, searchable_plan, "")
    assert response.status_code == HTTPStatus.OK
    assert "How to search" in response.text
    assert "match" not in re.sub(r"<[^>]+>", "", response.text).split("How to search")[0].lower()


# Cost: one indexed query per search, whatever the plan's size


@pytest.mark.parametrize("extra_sections", [0, 80])
def test_a_plan_search_costs_the_same_queries_whatever_the_plan_size(
    client, searchable_plan, django_assert_num_queries, extra_sections
):
    for number in range(extra_sections):
        add_node(searchable_plan, f"Extra {number}", body="Mentors everywhere.")
    if extra_sections:
        plan_publish(plan=searchable_plan, notes="More sections.")
    # the plan, its versions, the plan's published title, the search itself
    with django_assert_num_queries(4):
        response = plan_search(client, searchable_plan, "mentor")
    assert len(hits(response)) == min(50, 3 + extra_sections)


@pytest.mark.parametrize("plans", [1, 4])
def test_searching_every_plan_is_one_query(client, make_plan, django_assert_num_queries, plans):
    for number in range(plans):
        plan = make_plan(f"plan-{number}", title=f"Plan {number}")
        plan_publish(plan=plan, notes="First.")
    with django_assert_num_queries(1):
        response = client.get("/search/", {"q": "mentoring"})
    assert len(hits(response)) == plans


def test_a_search_that_cannot_match_makes_no_search_query(client, searchable_plan, django_assert_num_queries):
    with django_assert_num_queries(3):  # the plan, its versions, its published title
        plan_search(client, searchable_plan, "the")


def test_search_pages_are_not_kept_by_shared_caches(client, searchable_plan):
    response = plan_search(client, searchable_plan, "mentor")
    assert "private" in response["Cache-Control"]
    assert 'name="robots" content="noindex"' in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/plans/{slug}/",
        "/plans/{slug}/v/1.1/",
        "/plans/{slug}/versions/",
        "/plans/{slug}/compare/1.0/1.1/",
        "/plans/{slug}/compare/?from=9.9&to=1.0",
        "/plans/{slug}/actions/",
        "/plans/{slug}/indicators/",
        "/plans/{slug}/reports/",
        "/plans/{slug}/search/?q=mentor",
    ],
)
def test_every_plan_page_has_a_labelled_search_box(client, searchable_plan, url):
    response = client.get(url.format(slug=searchable_plan.slug))
    assert response.status_code == (HTTPStatus.NOT_FOUND if "9.9" in url else HTTPStatus.OK)
    text = response.text
    form = re.search(r'<form class="plan-search-box" role="search" method="get" action="([^"]+)"', text)
    assert form[1] == f"/plans/{searchable_plan.slug}/search/"
    assert '<label class="visually-hidden" for="plan-search-box-q">Search this plan</label>' in text
    assert 'id="plan-search-box-q" name="q"' in text
