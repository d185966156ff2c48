"""Questions and answers made through the services the site uses (so follows and
notifications happen as they do for real).

- ``make_question(*, author, title=..., phase="", sector=None, body="")`` -> Question
  (the author follows it, as on the site).
- ``make_answer(*, question, author, body=..., instruments=())`` -> Answer (notifies).
"""

from __future__ import annotations

import itertools

from questions.models import Answer, Question
from questions.services import answer_create, question_create

_numbers = itertools.count(1)


def make_question(
    *, author, title: str = "", phase: str = "", sector=None, body: str = ""
) -> Question:
    n = next(_numbers)
    return question_create(
        user=author,
        title=title or f"Wie heeft een instrument voor vraag {n}?",
        body=body,
        phase=phase,
        sector=sector,
    )


def make_answer(*, question: Question, author, body: str = "", instruments=()) -> Answer:
    n = next(_numbers)
    return answer_create(
        user=author,
        question=question,
        body=body or f"Probeer dit eens, antwoord {n}.",
        instruments=instruments,
    )
