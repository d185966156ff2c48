"""A printable poster of a round's results for the meeting: an A4 PDF drawn with reportlab.

It shows only what the results page shows: aggregates per statement (distribution, mean,
spread, change since the previous round), the discussion points, and the open answers as
an anonymous list in the alphabetical order ``selectors.round_results`` gives them.

Text is set in Helvetica, one of the fonts every PDF reader has, so nothing is embedded
or downloaded. Helvetica covers Windows-1252 (Dutch accents, curly quotes, dashes); other
characters are replaced by a look-alike (arrows, maths signs) or left out (emoji), so that
nothing prints as a black box.
"""

from __future__ import annotations

import io
import unicodedata
from functools import partial
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from scans.formatting import number_text, signed_text
from scans.models import AGREEMENT_LABELS, ItemScale

# The site's palette (static/css): primary, text, muted, border, and the warning tones
# for discussion points.
PRIMARY = colors.HexColor("#0b5d55")
PRIMARY_DARK = colors.HexColor("#07433d")
PRIMARY_SOFT = colors.HexColor("#e2f0ed")
TEXT = colors.HexColor("#1b2127")
MUTED = colors.HexColor("#4d5963")
BORDER = colors.HexColor("#d3dbd9")
POINT = colors.HexColor("#b45309")
POINT_SOFT = colors.HexColor("#fdf1e0")

FONT = "Helvetica"
BOLD = "Helvetica-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
CHART_WIDTH = 190
TEXT_WIDTH = FRAME_WIDTH - CHART_WIDTH


def _style(name: str, size: float, leading: float, *, font=FONT, color=TEXT, **extra):
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading, textColor=color, **extra
    )


STYLES = {
    "title": _style("title", 22, 26, font=BOLD, color=PRIMARY_DARK, spaceAfter=4),
    "subtitle": _style("subtitle", 12.5, 16, spaceAfter=2),
    "meta": _style("meta", 9.5, 13, color=MUTED),
    "heading": _style(
        "heading",
        14,
        18,
        font=BOLD,
        color=PRIMARY_DARK,
        spaceBefore=14,
        spaceAfter=4,
        keepWithNext=1,
    ),
    "box_heading": _style("box_heading", 13, 16, font=BOLD, color=POINT),
    "box_note": _style("box_note", 9, 12, color=MUTED),
    "point": _style("point", 10.5, 13.5, leftIndent=16, bulletIndent=0),
    "tag": _style("tag", 8.5, 11, font=BOLD, color=POINT, spaceAfter=1),
    "statement": _style("statement", 10.5, 13.5, font=BOLD, spaceAfter=3),
    "stats": _style("stats", 9, 12, color=MUTED),
    "question": _style(
        "question", 10.5, 13.5, font=BOLD, spaceBefore=8, spaceAfter=3, keepWithNext=1
    ),
    "answer": _style("answer", 9.5, 12.5, leftIndent=14, bulletIndent=3, spaceAfter=3),
    "empty": _style("empty", 9.5, 12.5, font="Helvetica-Oblique", color=MUTED),
}

# --- text -------------------------------------------------------------------------------

# Characters outside Windows-1252 that have a readable stand-in.
REPLACEMENTS = {
    "↔": "<->",
    "⇔": "<=>",
    "→": "->",
    "⇒": "=>",
    "←": "<-",
    "⇐": "<=",
    "↑": "^",
    "↓": "v",
    "−": "-",
    "‐": "-",
    "‑": "-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "✓": "v",
    "✔": "v",
    "✗": "x",
    "✘": "x",
    "★": "*",
    "☆": "*",
    "\u2028": "\n",
    "\u2029": "\n",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def clean(text) -> str:
    """``text`` with only characters Helvetica can print: Windows-1252, no control codes."""
    out = []
    for char in unicodedata.normalize("NFC", str(text or "")):
        if char == "\n" or char == "\t":
            out.append(" " if char == "\t" else char)
        elif char in REPLACEMENTS:
            out.append(REPLACEMENTS[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue  # control, format (zero-width joiners, variation selectors), unassigned
        elif _encodable(char):
            out.append(char)
        else:
            # "ő" -> "o", "ﬁ" -> "fi"; emoji and other symbols have no such form: left out.
            decomposed = unicodedata.normalize("NFKD", char)
            out.extend(c for c in decomposed if not unicodedata.combining(c) and _encodable(c))
    return "".join(out)


def _markup(text) -> str:
    """Paragraph markup for plain ``text``: escaped, line breaks kept."""
    lines = clean(text).strip().splitlines()
    return "<br/>".join(escape(line) for line in lines)


def _fit(text: str, size: float, width: float, font: str = FONT) -> str:
    """``text`` cut short with "…" where it would be wider than ``width``."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


# --- the distribution chart -------------------------------------------------------------


class DistributionChart(Flowable):
    """One column per scale value, left to right, with its count above and its value (or
    Nee/Ja) below; the ends of agreement and bipolar scales are named under the axis."""

    BAR_AREA = 30
    ROW = 9
    SIZE = 7
    POLE_LINES = 3

    def __init__(self, result, width: float = CHART_WIDTH):
        super().__init__()
        self.result = result
        self.width = width
        item = result.item
        self.values = tuple(item.values)
        distribution = result.statistics.distribution if result.statistics else ()
        counts = {entry.value: entry.count for entry in distribution}
        self.counts = [counts.get(value, 0) for value in self.values]
        if item.scale == ItemScale.YES_NO:
            self.labels = [_("No"), _("Yes")]
            poles = ("", "")
        else:
            self.labels = [str(value) for value in self.values]
            if item.scale == ItemScale.AGREEMENT:
                poles = (str(AGREEMENT_LABELS[0]), str(AGREEMENT_LABELS[-1]))
            else:
                poles = (item.left_pole, item.right_pole)
        half = self.width * 0.48
        self.poles = [self._lines(clean(pole), half) for pole in poles]
        pole_rows = max((len(lines) for lines in self.poles), default=0)
        self.height = self.ROW + self.BAR_AREA + self.ROW + pole_rows * (self.SIZE + 1.5) + 2

    def _lines(self, text: str, width: float) -> list[str]:
        if not text.strip():
            return []
        lines = simpleSplit(text, FONT, self.SIZE, width)
        if len(lines) > self.POLE_LINES:
            lines = lines[: self.POLE_LINES]
            lines[-1] += " …"
        return [_fit(line, self.SIZE, width) for line in lines]  # also one very long word

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        c = self.canv
        n = len(self.values) or 1
        slot = self.width / n
        bar_width = min(slot * 0.62, 30)
        highest = max(self.counts, default=0) or 1
        pole_top = self.height - self.ROW - self.BAR_AREA - self.ROW
        axis = pole_top + self.ROW
        for index, (count, label) in enumerate(zip(self.counts, self.labels, strict=True)):
            centre = slot * (index + 0.5)
            height = self.BAR_AREA * count / highest
            if count:
                c.setFillColor(PRIMARY)
                c.rect(centre - bar_width / 2, axis, bar_width, max(height, 1), stroke=0, fill=1)
            c.setFillColor(TEXT if count else MUTED)
            c.setFont(BOLD if count else FONT, self.SIZE + 1)
            c.drawCentredString(centre, axis + height + 2.5, str(count))
            c.setFillColor(MUTED)
            c.setFont(FONT, self.SIZE)
            c.drawCentredString(centre, axis - self.ROW + 2, clean(label))
        c.setStrokeColor(BORDER)
        c.setLineWidth(0.75)
        c.line(0, axis, self.width, axis)
        c.setFillColor(MUTED)
        c.setFont(FONT, self.SIZE)
        left, right = self.poles
        for row, line in enumerate(left):
            c.drawString(0, pole_top - (row + 1) * (self.SIZE + 1.5), line)
        for row, line in enumerate(right):
            c.drawRightString(self.width, pole_top - (row + 1) * (self.SIZE + 1.5), line)


# --- the story --------------------------------------------------------------------------


def _is_yes_no(result) -> bool:
    return result.item.scale == ItemScale.YES_NO


def _summary(result) -> str:
    """ "mean 3.4 · spread 1.2 · 12 answers" (decimal comma in Dutch); for a yes/no
    question the share of yes, as its mean of 0s and 1s would say little on a wall."""
    statistics = result.statistics
    if statistics is None or not statistics.count:
        return _("No answers to this statement.")
    parts = []
    if _is_yes_no(result):
        parts.append(_("%(percent)s%% yes") % {"percent": number_text(100 * statistics.mean, 0)})
    elif statistics.mean is not None:
        parts.append(
            _("mean %(mean)s · spread %(spread)s")
            % {
                "mean": number_text(statistics.mean),
                "spread": number_text(statistics.spread or 0.0),
            }
        )
    parts.append(
        ngettext("%(count)s answer", "%(count)s answers", statistics.count)
        % {"count": statistics.count}
    )
    return " · ".join(parts)


def _item_row(result, number: int) -> Table:
    cell = []
    if result.is_discussion_point:
        cell.append(Paragraph(escape(_("Discussion point")), STYLES["tag"]))
    cell.append(Paragraph(f"{number}. {_markup(result.item.text)}", STYLES["statement"]))
    cell.append(Paragraph(escape(clean(_summary(result))), STYLES["stats"]))
    if result.change is not None and _is_yes_no(result):
        change = _("%(change)s percentage points since the previous round") % {
            "change": signed_text(100 * result.change, 0)
        }
        cell.append(Paragraph(escape(clean(change)), STYLES["stats"]))
    elif result.change is not None:
        change = _("%(change)s since the previous round") % {"change": signed_text(result.change)}
        cell.append(Paragraph(escape(clean(change)), STYLES["stats"]))
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, -1), 9),
        ("RIGHTPADDING", (0, 0), (0, -1), 12),
        ("LEFTPADDING", (1, 0), (1, -1), 0),
        ("RIGHTPADDING", (1, 0), (1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, BORDER),
    ]
    if result.is_discussion_point:
        style += [
            ("BACKGROUND", (0, 0), (-1, -1), POINT_SOFT),
            ("LINEBEFORE", (0, 0), (0, -1), 4, POINT),
        ]
    table = Table(
        [[cell, DistributionChart(result, CHART_WIDTH - 6)]],
        colWidths=[TEXT_WIDTH, CHART_WIDTH],
        style=TableStyle(style),
    )
    return table


def _points_box(results, numbers: dict[int, int]) -> Table:
    rows = [
        [Paragraph(escape(_("Discussion points")), STYLES["box_heading"])],
    ]
    points = results.discussion_points
    if points:
        note = _("Where the answers differed most: a good place to start the conversation.")
        rows.append([Paragraph(escape(clean(note)), STYLES["box_note"])])
        for result in points:
            summary = escape(clean(_summary(result)))
            text = f"{_markup(result.item.text)} <font color='#4d5963' size='9'>({summary})</font>"
            rows.append(
                [
                    Paragraph(
                        text,
                        STYLES["point"],
                        bulletText=f"{numbers[id(result)]}.",
                    )
                ]
            )
    else:
        close = _("The answers were close together on every statement.")
        rows.append([Paragraph(escape(clean(close)), STYLES["box_note"])])
    return Table(
        rows,
        colWidths=[FRAME_WIDTH],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), POINT_SOFT),
                ("BOX", (0, 0), (-1, -1), 1, POINT),
                ("LINEBEFORE", (0, 0), (0, -1), 5, POINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("RIGHTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, 0), 9),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
            ]
        ),
    )


def _story(results) -> list:
    round_ = results.round
    story = [
        Paragraph(_markup(round_.title), STYLES["title"]),
        Paragraph(
            f"{_markup(round_.community.name)} · {_markup(round_.version.title)}",
            STYLES["subtitle"],
        ),
    ]
    meta = [
        _("Closed on %(date)s") % {"date": _date(round_.ended_at)},
        ngettext("%(count)s answer", "%(count)s answers", results.response_count)
        % {"count": results.response_count},
    ]
    story += [
        Paragraph(escape(clean(" · ".join(meta))), STYLES["meta"]),
        Paragraph(
            escape(clean(_("Anonymous results: only totals are shown, never who answered what."))),
            STYLES["meta"],
        ),
        Spacer(0, 6),
        HRFlowable(width="100%", thickness=2, color=PRIMARY, spaceBefore=2, spaceAfter=10),
    ]
    scored = results.scored
    numbers = {id(result): index for index, result in enumerate(scored, start=1)}
    story.append(_points_box(results, numbers))
    if scored:
        story.append(Paragraph(escape(_("Statements")), STYLES["heading"]))
        story += [_item_row(result, numbers[id(result)]) for result in scored]
    if results.open:
        story.append(Paragraph(escape(_("Open answers")), STYLES["heading"]))
        note = _("Without names, in alphabetical order.")
        story.append(Paragraph(escape(clean(note)), STYLES["meta"]))
        for result in results.open:
            story.append(Paragraph(_markup(result.item.text), STYLES["question"]))
            answers = [answer for answer in result.open_answers if clean(answer).strip()]
            if not answers:
                story.append(Paragraph(escape(_("No answers.")), STYLES["empty"]))
            for answer in answers:
                story.append(Paragraph(_markup(answer), STYLES["answer"], bulletText="•"))
    return story


# --- the document -----------------------------------------------------------------------


class _NumberedCanvas(canvas.Canvas):
    """Draws the footer ("Page 2 of 5") once the number of pages is known."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._page_states: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._page_states)
        for state in self._page_states:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        page = _("Page %(number)s of %(total)s") % {"number": self._pageNumber, "total": total}
        y = MARGIN / 2
        self.saveState()
        self.setStrokeColor(BORDER)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 10, PAGE_WIDTH - MARGIN, y + 10)
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        self.drawRightString(PAGE_WIDTH - MARGIN, y, clean(page))
        room = FRAME_WIDTH - stringWidth(page, FONT, 8) - 20
        self.drawString(MARGIN, y, _fit(self._footer, 8, room))
        self.restoreState()


def round_poster_pdf(results, *, compress: bool = True) -> bytes:
    """The poster of ``results`` (a ``selectors.RoundResults``) as A4 PDF bytes.

    Translated into the active language; ``compress=False`` leaves the page contents
    readable (for tests that look for text in the bytes)."""
    round_ = results.round
    buffer = io.BytesIO()
    footer = clean(f"Samenspel · {round_.title} · {round_.community.name}")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 8,
        title=str(round_.title),
        author=str(round_.community.name),
        subject=_("Results of %(scan)s") % {"scan": round_.version.title},
        creator="Samenspel",
        lang=translation.get_language() or "nl",
        displayDocTitle=True,
        pageCompression=1 if compress else 0,
    )
    document.build(_story(results), canvasmaker=partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()
