"""CSV import of measurements: a preview with per-row errors; all rows saved, or none."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracking.models import Measurement
from tracking.services import MeasurementImportError, measurements_csv_parse, measurements_import_csv

from .conftest import node


def good_csv(plan) -> str:
    share = node(plan, "Share of women among postdocs").pk
    return (
        "indicator_id,indicator,date,period_start,value,numerator,denominator,group_size,breakdown,source,note\n"
        f"{share},,2024-12-31,2024-01-01,22.5,45,200,,,HR,\n"
        f"{share},,2025-12-31,2025-01-01,24,48,200,,career stage=postdoc,HR,\n"
        ",Postdocs mentored,2025-06-30,,12,,,,,Mentoring office,first year\n"
    )


def test_a_good_file_is_imported_whole(tracked_plan, editor):
    created = measurements_import_csv(plan=tracked_plan, user=editor, text=good_csv(tracked_plan))
    assert len(created) == 3
    assert Measurement.objects.count() == 3
    postdoc = Measurement.objects.get(breakdown={"career stage": "postdoc"})
    assert (postdoc.numerator, postdoc.denominator, postdoc.recorded_by) == (48, 200, editor)
    assert postdoc.history.count() == 1
    assert postdoc.history.first().history_user == editor
    assert Measurement.objects.get(node=node(tracked_plan, "Postdocs mentored")).note == "first year"


BAD_ROWS = [
    ("999999,,2025-12-31,,10", "no indicator 999999"),
    (",No such indicator,2025-12-31,,10", "no indicator called"),
    ("{share},,31/12/2025,,10", "not a date"),
    ("{share},,2025-12-31,,ten", "not a number"),
    ("{share},,2025-12-31,2026-01-01,10", "period must start"),
    ("{share},,2999-12-31,,10", "future"),
    ("{share},,2025-12-31,,10,5,0", "denominator"),
    ("{share},,2025-12-31,,10,,,-3", "whole number"),
    ("{share},,2025-12-31,,10,,,,postdoc", "name=value"),
    ("{share},,2024-12-31,2024-01-01,1", "already on line 2"),
    ("{share},,2025-12-31,,10,50,20", "cannot be larger"),
    ("{share},,2025-12-31,,10,,,99999999999", "too large"),
    ("{share},,2025-12-31,,10,,,²", "whole number"),  # a digit to str.isdigit(), not to int()
]


@pytest.mark.parametrize(("bad_row", "message"), BAD_ROWS)
def test_one_bad_row_and_nothing_is_saved(tracked_plan, editor, bad_row, message):
    share = node(tracked_plan, "Share of women among postdocs").pk
    header = "indicator_id,indicator,date,period_start,value,numerator,denominator,group_size,breakdown\n"
    text = header + f"{share},,2024-12-31,2024-01-01,22.5\n" + bad_row.format(share=share) + "\n"
    with pytest.raises(MeasurementImportError) as error:
        measurements_import_csv(plan=tracked_plan, user=editor, text=text)
    preview = error.value.preview
    assert preview.rows[0].ok
    bad = preview.rows[1]
    assert bad.line == 3
    assert any(message in e for e in bad.errors), bad.errors
    assert not Measurement.objects.exists()


def test_a_file_repeating_a_saved_measurement_is_refused(tracked_plan, editor):
    measurements_import_csv(plan=tracked_plan, user=editor, text=good_csv(tracked_plan))
    with pytest.raises(MeasurementImportError) as error:
        measurements_import_csv(plan=tracked_plan, user=editor, text=good_csv(tracked_plan))
    assert all("already has a measurement" in row.errors[0] for row in error.value.preview.rows)
    assert Measurement.objects.count() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("indicator_id,date,value\n", "no data"),
        ("indicator_id,date\n1,2025-01-01\n", "needs a value column"),
        ("indicator_id,date,value,colour\n1,2025-01-01,3,red\n", "Unknown columns: colour"),
        ("indicator_id,date,value,value\n1,2025-01-01,3,4\n", "more than once: value"),
        ("indicator_id,date,value\n1,2025-01-01,3\x00\n", "binary data"),
        ("date,value\n2025-01-01,3\n", "needs an indicator_id or an indicator column"),
    ],
)
def test_file_level_errors(tracked_plan, text, message):
    preview = measurements_csv_parse(plan=tracked_plan, text=text)
    assert not preview.ok
    assert any(message in e for e in preview.errors), preview.errors


def test_indicators_of_another_plan_are_not_found(tracked_plan, make_tracked_plan, editor):
    other = make_tracked_plan("other")
    text = good_csv(other)
    preview = measurements_csv_parse(plan=tracked_plan, text=text)
    assert not preview.rows[0].ok
    assert "no indicator" in preview.rows[0].errors[0]


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("values.csv", text.encode("utf-8"), content_type="text/csv")


def test_preview_then_confirm_through_the_pages(client, tracked_plan, editor):
    client.force_login(editor)
    url = reverse("tracking:measurement_import", kwargs={"slug": tracked_plan.slug})
    response = client.post(url, {"file": upload(good_csv(tracked_plan))})
    assert response.status_code == HTTPStatus.OK
    assert "All 3 rows can be imported" in response.text
    assert not Measurement.objects.exists()  # a preview saves nothing
    text = response.context["confirm"].initial["csv_text"]
    response = client.post(url, {"csv_text": text, "confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert Measurement.objects.count() == 3


def test_preview_lists_each_bad_row_and_offers_no_import(client, tracked_plan, editor):
    client.force_login(editor)
    url = reverse("tracking:measurement_import", kwargs={"slug": tracked_plan.slug})
    text = good_csv(tracked_plan) + ",Postdocs mentored,not-a-date,,12\n"
    response = client.post(url, {"file": upload(text)})
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was saved" in response.text
    assert "not a date" in response.text
    assert 'name="confirm"' not in response.text
    # Even a forged confirmation of the bad file saves nothing.
    response = client.post(url, {"csv_text": text, "confirm": "1"})
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was saved" in response.text
    assert not Measurement.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(client, tracked_plan, editor):
    client.force_login(editor)
    url = reverse("tracking:measurement_import", kwargs={"slug": tracked_plan.slug})
    bad = SimpleUploadedFile("values.csv", "indicator,date,value\nÉquité,2025-01-01,3\n".encode("latin-1"))
    response = client.post(url, {"file": bad})
    assert "not UTF-8" in response.text
    assert not Measurement.objects.exists()


def test_the_template_lists_the_indicators(client, tracked_plan, editor):
    client.force_login(editor)
    response = client.get(reverse("tracking:measurement_template", kwargs={"slug": tracked_plan.slug}))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert body.startswith("indicator_id,indicator,date")
    assert f"{node(tracked_plan, 'Postdocs mentored').pk},Postdocs mentored" in body


def test_a_source_longer_than_its_column_is_a_row_error(tracked_plan, editor):
    share = node(tracked_plan, "Share of women among postdocs").pk
    text = f"indicator_id,date,value,source\n{share},2025-01-31,24.5,{'x' * 301}\n"
    with pytest.raises(MeasurementImportError) as error:
        measurements_import_csv(plan=tracked_plan, user=editor, text=text)
    assert "source: write it in at most 300 characters." in error.value.preview.rows[0].errors
    assert not Measurement.objects.exists()


def test_a_semicolon_separated_file_is_read(tracked_plan, editor):
    """Spreadsheets set to many European languages save "CSV" with semicolons."""
    share = node(tracked_plan, "Share of women among postdocs").pk
    created = measurements_import_csv(
        plan=tracked_plan, user=editor, text=f"indicator_id;date;value\n{share};2025-01-31;24.5\n"
    )
    assert [m.value for m in created] == [24.5]


@pytest.mark.parametrize(
    "text",
    [
        "indicator_id,date,value\n999999,2025-01-01,3\n",  # no column "indicator" to fall back on
        "indicator_id,date,value\n{other},2025-01-01,3\n",  # an indicator of another plan
        'indicator_id,date,value\n"1,2025-01-01,3\n',  # a quote never closed
        "indicator_id,date,value\n1,2025-01-01,3,4,5\n",  # more cells than the header
        "indicator,date,value\n,2025-01-01,3\n",  # no indicator at all
    ],
)
def test_the_preview_of_a_hostile_file_is_a_page_not_a_server_error(
    client, tracked_plan, make_tracked_plan, editor, text
):
    other = node(make_tracked_plan("other"), "Postdocs mentored").pk
    client.force_login(editor)
    url = reverse("tracking:measurement_import", kwargs={"slug": tracked_plan.slug})
    response = client.post(url, {"file": upload(text.format(other=other))})
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was saved" in response.text
    assert not Measurement.objects.exists()


def test_a_file_of_10000_rows_is_refused_whole(tracked_plan, editor):
    share = node(tracked_plan, "Share of women among postdocs").pk
    rows = "".join(f"{share},{2000 + i // 365:04d}-01-01,{i}\n" for i in range(10_000))
    with pytest.raises(MeasurementImportError) as error:
        measurements_import_csv(plan=tracked_plan, user=editor, text="indicator_id,date,value\n" + rows)
    assert any("more than 5000 rows" in e for e in error.value.preview.errors)
    assert not Measurement.objects.exists()


def test_the_template_cannot_run_a_title_as_a_formula(client, tracked_plan, editor):
    share = node(tracked_plan, "Share of women among postdocs")
    share.title = '=HYPERLINK("http://evil.example","click")'
    share.data_source = "@SUM(1+1)"
    share.save()
    client.force_login(editor)
    body = client.get(reverse("tracking:measurement_template", kwargs={"slug": tracked_plan.slug})).text
    line = next(line for line in body.splitlines() if line.startswith(f"{share.pk},"))
    assert "'=HYPERLINK" in line
    assert "'@SUM" in line
