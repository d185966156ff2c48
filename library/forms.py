"""The upload form of the spreadsheet import.

The form reads the file (``library.spreadsheets``) because a file that cannot be read
at all is an error of this field: too large, the wrong type, damaged, or without the
required columns. A file that can be read gives rows, whose problems the preview
shows one by one.
"""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from lib.uploads import check_zip_upload
from library.imports import MAX_ROWS, MAX_UPLOAD_BYTES, describe
from library.spreadsheets import read_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "A .csv (UTF-8, comma or semicolon) or .xlsx file of at most %(size)s and "
            "%(rows)s rows, with the column names in the first row."
        )
        % {"size": filesizeformat(MAX_UPLOAD_BYTES), "rows": MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    publish = forms.BooleanField(
        label=_("Publish new instruments right away"),
        required=False,
        help_text=_(
            "Without this, new instruments are saved as drafts that only you can see. "
            "Instruments you already have keep their status unless the status column says "
            "otherwise."
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        check_zip_upload(uploaded)  # a workbook is a zip: refuse a zip bomb before opening it
        source, problems = read_upload(uploaded.read(), name=uploaded.name, max_records=MAX_ROWS)
        if source is None:
            raise forms.ValidationError([describe(problem) for problem in problems])
        if len(source.records) > MAX_ROWS:
            raise forms.ValidationError(
                _("This file has more than %(rows)s rows; split it into smaller files.")
                % {"rows": MAX_ROWS}
            )
        if not source.records:
            raise forms.ValidationError(
                _("This file has column names but no rows of instruments below them.")
            )
        self.source, self.read_problems = source, problems
        return uploaded
