"""Shared by the insights tests: browser-like clients and reading a chart from a page."""

from __future__ import annotations

import html
import json
import re

from django.test import Client

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CURL = "curl/8.5.0"


def browser_client(user=None, user_agent: str = FIREFOX) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    if user is not None:
        client.force_login(user)
    return client


def _number(text: str):
    text = text.strip()
    if text == "–":
        return None
    return float(text.replace(",", ".")) if ("," in text or "." in text) else int(text)


def chart_from_page(page: str, chart_id: str) -> tuple[dict, list[list]]:
    """The chart's JSON data and its table's rows ([label, number, ...]) from a page.

    Read with regular expressions over our own markup (no HTML library is a dependency).
    """
    script = re.search(
        rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', page, re.S
    )
    data = json.loads(script.group(1))
    table = re.search(rf'<table [^>]*id="{chart_id}-table">(.*?)</table>', page, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        label = re.search(r'<th scope="row">(.*?)</th>', row, re.S).group(1)
        cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
        rows.append([html.unescape(label.strip()), *(_number(html.unescape(c)) for c in cells)])
    return data, rows


def rows_from_data(data: dict) -> list[list]:
    """The table the chart's data describes, row by row."""
    return [
        [label, *(series["values"][i] for series in data["series"])]
        for i, label in enumerate(data["labels"])
    ]
