"""The writes of the tracking app: post a progress update, record measurements, import them.

Views, the admin and commands go through these. Each validates in plain words (raising
ValidationError, keyed by field where it can), runs in one transaction and leaves a
history record naming the user.
"""

from .imports import (
    CSV_COLUMNS,
    MAX_IMPORT_ROWS,
    ImportPreview,
    ImportRow,
    MeasurementImportError,
    measurements_csv_parse,
    measurements_csv_template,
    measurements_import_csv,
)
from .measurements import (
    DUPLICATE_MESSAGE,
    MAX_VALUE,
    MEASUREMENT_FIELDS,
    format_breakdown,
    measurement_delete,
    measurement_record,
    parse_breakdown,
)
from .progress import progress_delete, progress_post, progress_status_sync

__all__ = [
    "CSV_COLUMNS",
    "DUPLICATE_MESSAGE",
    "MAX_IMPORT_ROWS",
    "MAX_VALUE",
    "MEASUREMENT_FIELDS",
    "ImportPreview",
    "ImportRow",
    "MeasurementImportError",
    "format_breakdown",
    "measurement_delete",
    "measurement_record",
    "measurements_csv_parse",
    "measurements_csv_template",
    "measurements_import_csv",
    "parse_breakdown",
    "progress_delete",
    "progress_post",
    "progress_status_sync",
]
