"""Reads for the dashboards and reports.

The actions and indicators shown publicly are those of a published version (its
snapshot sections carry each node's id); progress updates and measurements are live
rows joined to them by node id, cut off at an "as of" date. Each function here costs a
fixed number of queries, whatever the size of the plan.
"""

from plans.selectors import latest_version

from ..services.common import today
from .actions import (
    STATE_ORDER,
    STATES,
    ActionFilters,
    ActionRow,
    AreaCounts,
    State,
    action_rows,
    action_state,
    area_choices,
    filter_actions,
    latest_updates,
    owner_choices,
    state_counts,
    status_then,
)
from .indicators import IndicatorRow, Trend, indicator_rows
from .reports import AnnualReport, annual_report, report_years, versions_published_in, year_bounds
from .sections import SectionRef, VersionAsOf, version_as_of

__all__ = [
    "STATES",
    "STATE_ORDER",
    "ActionFilters",
    "ActionRow",
    "AnnualReport",
    "AreaCounts",
    "IndicatorRow",
    "SectionRef",
    "State",
    "Trend",
    "VersionAsOf",
    "action_rows",
    "action_state",
    "annual_report",
    "area_choices",
    "filter_actions",
    "indicator_rows",
    "latest_updates",
    "latest_version",
    "owner_choices",
    "report_years",
    "state_counts",
    "status_then",
    "today",
    "version_as_of",
    "versions_published_in",
    "year_bounds",
]
