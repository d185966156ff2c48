"""Comments made through the same service the site uses.

- ``make_comment(*, target, author, body=..., parent=None)`` -> Comment on ``target``
  (an instrument, experience, journal entry or question), or a reply to ``parent``.
"""

from __future__ import annotations

import itertools

from comments.models import Comment
from comments.services import comment_create

_numbers = itertools.count(1)


def make_comment(*, target, author, body: str = "", parent: Comment | None = None) -> Comment:
    body = body or f"Comment number {next(_numbers)}."
    return comment_create(author=author, target=target, body=body, parent=parent)
