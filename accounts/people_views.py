"""The person page: who someone is and what they contributed, as the viewer may see it."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.people_selectors import get_person_for_user, person_contributions


@require_GET
def person(request, user_id: int):
    person = get_person_for_user(user=request.user, person_id=user_id)
    context = {
        "person": person,
        "contributions": person_contributions(user=request.user, person=person),
    }
    return render(request, "accounts/person.html", context)
