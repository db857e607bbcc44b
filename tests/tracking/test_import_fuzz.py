"""Fuzzing the measurement CSV import: any file gives a preview (rows and plain messages), never
an exception, and an import either records every row or none."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracking.models import Measurement
from tracking.services import (
    CSV_COLUMNS,
    MeasurementImportError,
    measurements_csv_parse,
    measurements_import_csv,
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    # The plan fixture is shared by the examples on purpose: each checks what it changed.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CELLS = [
    "",
    "2025-06-30",
    "2099-01-01",
    "31/12/2025",
    "12.5",
    "-3",
    "1e400",
    "NaN",
    "²",
    "20",
    "4",
    "0",
    "career stage=postdoc; Gender = Women",
    "gender=men;gender=women",
    "a=b;c=d;e=f;g=h;i=j",
    "=HYPERLINK(1)",
    '"quoted, with comma"',
    "Share of women among postdocs",
    "Postdocs mentored",
    "\u0000",
    "\ud800",
    "x" * 400,
]


@st.composite
def csv_files(draw, plan_ids):
    header = draw(
        st.one_of(
            st.just(list(CSV_COLUMNS)),
            st.lists(st.sampled_from([*CSV_COLUMNS, "extra", "Value", " date "]), max_size=12),
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    cell = st.one_of(st.sampled_from(CELLS + [str(i) for i in plan_ids]), st.text(max_size=12))
    # Rows that are mostly right (a real indicator, date and value) reach the database more often.
    likely = {
        "indicator_id": st.sampled_from([str(i) for i in plan_ids]),
        "date": st.sampled_from(["2024-12-31", "2025-06-30", "2025-06-30"]),
        "value": st.sampled_from(["12", "3", "40.5"]),
    }
    blank_or_cell = st.one_of(st.just(""), st.just(""), cell)
    row = st.one_of(
        st.lists(cell, max_size=len(header) + 2),
        st.tuples(*[likely.get(name, blank_or_cell) for name in header]).map(list),
    )
    rows = draw(st.lists(row, max_size=8))
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    return draw(st.sampled_from(["", "\ufeff"])) + text + draw(st.sampled_from(["", "\n", '"']))


def test_any_csv_file_gives_a_preview_and_imports_all_or_nothing(tracked_plan, editor):
    ids = list(tracked_plan.nodes.filter(kind="indicator").values_list("pk", flat=True))

    @FUZZ
    @given(csv_files(ids))
    def check(text):
        preview = measurements_csv_parse(plan=tracked_plan, text=text)
        for message in preview.errors + [error for row in preview.bad_rows for error in row.errors]:
            assert message
            assert "Traceback" not in message
        before = Measurement.objects.count()
        try:
            created, refused = measurements_import_csv(plan=tracked_plan, user=editor, text=text), None
        except MeasurementImportError as error:
            created, refused = [], error
        if refused is not None:
            assert not refused.preview.ok
            assert Measurement.objects.count() == before
        else:
            assert preview.ok
            assert Measurement.objects.count() == before + len(created) == before + len(preview.rows)

    check()


def test_text_no_file_could_hold_is_refused_before_anything_is_saved(tracked_plan, editor):
    indicator = tracked_plan.nodes.filter(kind="indicator").first()
    for note in ("\ud800", "\x00"):
        text = f"indicator_id,date,value,note\n{indicator.pk},2024-01-01,12,{note}\n"
        with pytest.raises(MeasurementImportError) as refused:
            measurements_import_csv(plan=tracked_plan, user=editor, text=text)
        assert "binary data" in refused.value.preview.errors[0]
    assert not Measurement.objects.exists()
