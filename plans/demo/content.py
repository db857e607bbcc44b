"""The demo plan's content, written in our own words: sections, references, notes.

Plain data and the small builders that shape it; `plans.demo.demo_plan_load` writes it to the
database. The demo accounts belong to the accounts app (accounts/demo.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..models import ActionStatus, Direction, NodeKind, Visibility

DEMO_SLUG = "demo-plan"

DEMO_PLAN = {
    "slug": DEMO_SLUG,
    "title": "Example Collaboration DEI Plan",
    "description": (
        "The diversity, equity and inclusion plan of the Example Collaboration, a fictional "
        "neutrino experiment: goals, actions and indicators in four areas. Demo content."
    ),
    "visibility": Visibility.PUBLIC,
}

DEMO_REFERENCES = (
    (
        "1",
        "Example Collaboration Code of Conduct, version 3, approved by the Collaboration Board, 2024.",
        "https://example.org/collaboration/code-of-conduct",
    ),
    (
        "2",
        "Example Collaboration Climate Survey 2025: summary of results. DEI Committee report, 2025.",
        "https://example.org/collaboration/climate-survey-2025",
    ),
    (
        "3",
        "Example Collaboration Constitution and Bylaws, part 4: membership and authorship, 2023.",
        "https://example.org/collaboration/bylaws",
    ),
    (
        "4",
        "W3C. Web Content Accessibility Guidelines (WCAG) 2.2. W3C Recommendation, 2023.",
        "https://www.w3.org/TR/WCAG22/",
    ),
)


def _section(kind: str, title: str, body: str, *children: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "title": title, "body": body.strip(), "fields": fields, "children": list(children)}


def narrative(title: str, body: str, *children: dict[str, Any]) -> dict[str, Any]:
    return _section(NodeKind.NARRATIVE, title, body, *children)


def definition(term: str, body: str) -> dict[str, Any]:
    return _section(NodeKind.DEFINITION, term, body)


def area(title: str, body: str, *children: dict[str, Any]) -> dict[str, Any]:
    return _section(NodeKind.AREA, title, body, *children)


def goal(statement: str, rationale: str, *children: dict[str, Any]) -> dict[str, Any]:
    return _section(NodeKind.GOAL, statement, rationale, *children)


def action(
    title: str, body: str, *, status: str, owner: str, leads: str = "", start: str = "", target: str = ""
) -> dict[str, Any]:
    return _section(
        NodeKind.ACTION,
        title,
        body,
        status=status,
        owner=owner,
        leads=leads,
        start_date=date.fromisoformat(start) if start else None,
        target_date=date.fromisoformat(target) if target else None,
    )


def indicator(
    title: str,
    body: str,
    *,
    unit: str,
    direction: str,
    data_source: str,
    baseline: tuple[str, str],
    target: tuple[str, str],
) -> dict[str, Any]:
    return _section(
        NodeKind.INDICATOR,
        title,
        body,
        unit=unit,
        direction=direction,
        data_source=data_source,
        baseline_value=Decimal(baseline[0]),
        baseline_date=date.fromisoformat(baseline[1]),
        target_value=Decimal(target[0]),
        target_date=date.fromisoformat(target[1]),
    )


DEMO_SECTIONS = (
    narrative(
        "Introduction",
        """
The Example Collaboration brings together about 1,400 physicists, engineers, technicians and
students from 95 institutes in 30 countries to build and run a large underground neutrino
detector. Our science depends on people who approach problems differently and who feel free
to speak up when something looks wrong.

This plan sets out what the collaboration will do over the next three years so that everyone
who joins us can do their best work and build a career, whatever their background. It builds
on our Code of Conduct [1] and on what members told us in the 2025 climate survey [2].

The plan is organised around four areas that we evaluate every year: how members engage with
the collaboration and with the public, how they advance in their careers, whether they stay,
and who takes part in leadership and decisions. For each area we name goals, the actions that
serve them and the indicators that tell us whether things are getting better.
""",
        narrative(
            "Scope",
            """
The plan covers every member of the collaboration as defined in our bylaws [3]. That means
students, postdoctoral researchers, staff scientists, engineers and technicians, and visitors
who take shifts or attend meetings. It applies to collaboration meetings, working groups, shifts at the
detector site, online channels and social events held in the collaboration's name.

It does not replace the policies of member institutes or of the host laboratory. Where their
rules are stricter, those rules apply; where an institute has none on a topic, this plan sets
the expectation for collaboration activities.
""",
        ),
        narrative(
            "How this plan was written",
            """
A working group of twelve members, appointed by the Collaboration Board in early 2025, wrote
the first draft. It held open sessions at two collaboration meetings, read more than 600
free-text survey answers and invited every institute to comment.

The DEI Committee now keeps the plan up to date in this portal. Each published version says
what changed and why, and older versions stay available.
""",
        ),
    ),
    narrative(
        "Definitions",
        """
The terms below carry these meanings throughout the plan. They are working definitions agreed
for our collaboration, not legal ones.
""",
        definition(
            "Diversity",
            """
The range of people in the collaboration and the ways in which they differ. Some differences
are often visible to others, such as gender, age, ethnicity or some disabilities. Many are not:
nationality, first language, caring duties, religion, sexual orientation, career path, or the
size and funding of a member's home institute.
""",
        ),
        definition(
            "Equity",
            """
Fairness in outcomes, not only in rules. Members start from different places: some institutes
pay for travel generously and some cannot, some members work in their second or third
language, some look after children or relatives. Equity means adjusting support so that these
differences do not decide who gets to contribute, to be noticed and to be promoted.
""",
        ),
        definition(
            "Inclusion",
            """
The everyday experience of belonging to the collaboration: being heard in meetings, getting
credit for one's work, having access to information and to informal networks, and being
treated with respect. A varied collaboration that is not inclusive loses people; inclusion is
what keeps them.
""",
        ),
        definition(
            "Accessibility",
            """
Planning meetings, documents, software and sites so that people with disabilities, slow
connections or distant time zones can take full part without having to ask for special
arrangements. Our web pages and shared documents aim to meet WCAG 2.2 level AA [4].
""",
        ),
        definition(
            "Underrepresented group",
            """
A group whose share of the collaboration, or of one career stage in it, is clearly smaller
than its share of the pool we recruit from. Which groups these are can differ by country and
by career stage, so the committee reviews the list every year against the indicator data.
""",
        ),
    ),
    area(
        "Community engagement",
        """
How members learn about, take part in and shape the life of the collaboration, and how we
reach people outside it who might one day join us.
""",
        goal(
            "Every new member is welcomed and knows where to find help",
            """
Survey answers show that the first six months decide whether newcomers feel part of the
collaboration. Members who joined in 2024 or later were twice as likely as others to say they
did not know whom to ask for help [2].
""",
            action(
                "Write a guide for new members",
                """
A short guide that explains how the collaboration is organised, who decides what, how to join
a working group and how to raise a concern in confidence. Published on the collaboration wiki
and sent to every new member with their account details.
""",
                status=ActionStatus.DONE,
                owner="Communications team",
                leads="R. Okafor",
                start="2025-03-01",
                target="2025-10-31",
            ),
            action(
                "Pair every new member with an onboarding buddy",
                """
Every new member is offered a buddy from another institute for their first six months.
Buddies receive a one-page briefing and meet the onboarding subcommittee twice a year to
share what they have learned.
""",
                status=ActionStatus.IN_PROGRESS,
                owner="Onboarding subcommittee",
                leads="A. Moreau, K. Tanaka",
                start="2025-09-01",
                target="2026-12-31",
            ),
            indicator(
                "Newcomers who know whom to ask for help",
                """
The share of members who joined in the last two years and who agree or strongly agree with
the survey statement "I know whom to ask when I need help".
""",
                unit="%",
                direction=Direction.INCREASE,
                data_source="Annual climate survey, newcomer questions",
                baseline=("48", "2025-06-30"),
                target=("80", "2027-06-30"),
            ),
        ),
        goal(
            "Meetings in which everyone can take part",
            """
Plenary and working-group meetings are where work becomes visible. Their timing, language and
format decide who is able to speak in them.
""",
            action(
                "Rotate the time of the weekly general meeting",
                """
Move the start time of the weekly general meeting through three slots, so that no region
always has to join late at night.
""",
                status=ActionStatus.PLANNED,
                owner="Meetings coordinator",
                leads="L. Fernández",
                start="2027-01-15",
                target="2027-06-30",
            ),
            action(
                "Live captions in all plenary sessions",
                """
Deferred until the video-conferencing contract is renewed: a trial of the current platform's
automatic captions was too inaccurate for technical talks.
""",
                status=ActionStatus.DEFERRED,
                owner="Computing coordination",
                leads="J. Novak",
                start="2026-02-01",
                target="2026-09-30",
            ),
        ),
        indicator(
            "Speakers at collaboration meetings who are women or gender minorities",
            """
The share of plenary talks at the three yearly collaboration meetings given by speakers who
describe themselves as women or as a gender minority when they register (answering is
optional).
""",
            unit="%",
            direction=Direction.INCREASE,
            data_source="Collaboration meeting registration and agendas",
            baseline=("22", "2025-12-31"),
            target=("30", "2028-12-31"),
        ),
    ),
    area(
        "Career advancement",
        """
Whether members can gain the skills, visibility and recognition that lead to their next
position, and whether talks, awards and analysis roles are shared out fairly.
""",
        goal(
            "Conference talks are allocated fairly and in the open",
            """
Talks at major conferences are the main way early-career members become known outside the
collaboration. Until 2025 most talks went to people already known to the speakers' committee.
""",
            action(
                "Publish the talk selection criteria and open a call for every talk",
                """
Every talk slot is announced to the whole collaboration together with its selection criteria
and deadline. Anyone may nominate themselves or a colleague.
""",
                status=ActionStatus.DONE,
                owner="Speakers' committee",
                leads="M. Haddad, S. Lindqvist",
                start="2025-01-15",
                target="2025-06-30",
            ),
            action(
                "Yearly report on who gives the collaboration's talks",
                """
A short yearly report to the Collaboration Board on talk allocation by career stage, region
and gender, with groups smaller than five people merged so that no one can be identified.
""",
                status=ActionStatus.IN_PROGRESS,
                owner="Speakers' committee with the DEI Committee",
                leads="M. Haddad",
                start="2026-01-01",
                target="2026-12-15",
            ),
            indicator(
                "Conference talks given by early-career members",
                """
The share of talks at external conferences given by students and postdoctoral researchers.
""",
                unit="%",
                direction=Direction.INCREASE,
                data_source="Speakers' committee records",
                baseline=("41", "2024-12-31"),
                target=("55", "2027-12-31"),
            ),
        ),
        goal(
            "Members get support in moving to their next position",
            """
Students and postdoctoral researchers told us that the career advice they get depends almost
entirely on their own supervisor [2].
""",
            action(
                "Career mentoring across institutes",
                """
Match early-career members with a mentor at another institute for one year, with two
optional workshops on applying for fellowships and for jobs outside academia.
""",
                status=ActionStatus.PLANNED,
                owner="Early-career forum",
                leads="P. Oyelaran, T. Becker",
                start="2027-02-01",
                target="2027-12-31",
            ),
            action(
                "Travel fund for members whose institutes cannot pay",
                """
A small fund, paid for by voluntary contributions from larger institutes, to cover travel to
one school or conference a year for members whose institutes have no money for it. Awaits a
decision of the Collaboration Board.
""",
                status=ActionStatus.PROPOSED,
                owner="Collaboration Board",
            ),
        ),
    ),
    area(
        "Personnel retention",
        """
Whether people who join the collaboration stay in it, and why they leave when they do. Leaving
is not always a problem; leaving because of how one was treated is.
""",
        goal(
            "Know why members leave",
            """
Today we cannot tell a member who left after finishing a thesis from one who left after a bad
experience, so we cannot act on the second.
""",
            action(
                "Short exit survey for departing members",
                """
Members leaving the collaboration are invited to answer five anonymous questions. The
committee summarises the answers once a year; groups smaller than five people are never
reported.
""",
                status=ActionStatus.IN_PROGRESS,
                owner="DEI Committee",
                leads="E. Kowalski",
                start="2026-03-01",
                target="2027-03-01",
            ),
            action(
                "Exit interviews by an outside firm",
                """
Dropped in March 2026: the cost was out of proportion to the number of departures, and
members said in the survey that they would rather answer anonymously.
""",
                status=ActionStatus.DROPPED,
                owner="DEI Committee",
                start="2025-10-01",
                target="2026-06-30",
            ),
            indicator(
                "Early departures",
                """
The share of members who leave within two years of joining for a reason other than finishing
a degree or the end of a fixed-term contract.
""",
                unit="%",
                direction=Direction.DECREASE,
                data_source="Membership database and exit survey",
                baseline=("14", "2025-12-31"),
                target=("9", "2028-12-31"),
            ),
        ),
        goal(
            "Collaboration work can be combined with caring for others",
            """
Parents and carers find it hard to attend week-long meetings in person and worry that time on
leave counts against them.
""",
            action(
                "Childcare at in-person collaboration meetings",
                """
Each in-person collaboration meeting offers free childcare during sessions, booked when
registering. Offered at every meeting since autumn 2025.
""",
                status=ActionStatus.DONE,
                owner="Meeting organisers",
                leads="C. Dubois",
                start="2025-05-01",
                target="2025-11-30",
            ),
            action(
                "Leave counts as active time for authorship",
                """
Count parental, medical and caring leave as active time when deciding whether a member keeps
their place on the author list, so that taking leave never costs anyone their authorship [3].
""",
                status=ActionStatus.PROPOSED,
                owner="Authorship committee",
                leads="N. Ivanova",
            ),
        ),
    ),
    area(
        "Leadership and decision-making",
        """
Who holds convener, coordinator and board roles, how they are chosen, and whether decisions
are taken in the open.
""",
        narrative(
            "Where we stand",
            """
Of the 64 convener and coordinator posts filled in 2025, 13 were filled through an open call;
the others were filled by direct appointment. Members from institutes outside Europe and North
America held 6 of them.
""",
        ),
        goal(
            "Leadership roles are filled through open calls",
            """
Open calls widen the pool of candidates and let members see how choices are made.
""",
            action(
                "Open call for every convener and coordinator role",
                """
The Collaboration Board announces every vacant role with a description of the work, the time
it takes and the selection process, and publishes who was chosen.
""",
                status=ActionStatus.PLANNED,
                owner="Collaboration Board secretariat",
                leads="H. Sato",
                start="2027-01-01",
                target="2027-06-30",
            ),
            action(
                "Training for new conveners on chairing inclusive meetings",
                """
A two-hour session for new conveners on running meetings in which quieter members and
remote participants are heard, with a checklist to keep.
""",
                status=ActionStatus.PROPOSED,
                owner="DEI Committee",
            ),
            indicator(
                "Leadership roles filled through an open call",
                """
The share of convener and coordinator roles filled during the year after an open call.
""",
                unit="%",
                direction=Direction.INCREASE,
                data_source="Collaboration Board minutes",
                baseline=("20", "2025-12-31"),
                target=("100", "2027-12-31"),
            ),
        ),
        indicator(
            "Women and gender minorities among conveners and coordinators",
            """
The share of convener and coordinator posts held by people who describe themselves as women
or as a gender minority in the leadership register (answering is optional).
""",
            unit="%",
            direction=Direction.INCREASE,
            data_source="Leadership register",
            baseline=("18", "2025-12-31"),
            target=("25", "2028-12-31"),
        ),
    ),
    narrative(
        "Governance and review",
        """
The DEI Committee owns this plan. Its seven members are elected by the Collaboration Board for
two-year terms; at least one is a student and one a postdoctoral researcher. The committee
reports to the Board at every collaboration meeting.
""",
        narrative(
            "Who does what",
            """
- **Committee chair:** publishes each new version of the plan once the committee agrees it.
- **Committee members:** keep the draft up to date and record progress on actions.
- **Action owners:** report progress to the committee at least twice a year.
- **Spokesperson's office:** makes sure the actions have the people and money they need.
""",
        ),
        narrative(
            "Yearly review",
            """
Every year, once the climate survey results are in, the committee reviews the whole plan and
publishes a new version with release notes. Indicator results are published only in
aggregate: a figure about a group of fewer than five people is never shown, so that no one can
be identified.
""",
        ),
        narrative(
            "Raising a concern",
            """
Anyone who experiences or witnesses behaviour that breaks the Code of Conduct [1] can contact
the collaboration's ombudspersons in confidence. This plan leaves that process as it is; it
adds yearly anonymous counts of the kinds of concern raised to the committee's report.
""",
        ),
    ),
)

FIRST_VERSION_NOTES = (
    "First published version, agreed by the DEI Committee and endorsed by the Collaboration Board "
    "at its autumn 2026 meeting."
)
