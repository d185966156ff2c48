"""Who may open or post what, for each visibility: role × action × expected status.

From the outsider's side: anonymous writers are sent to sign in, outsiders of a
members-only or confidential community get 404 (for them its content does not
exist), outsiders of a public one and read-only roles get 403 on writes, and members
and facilitators get what their role allows.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from communities import services
from communities.models import JoinRequest, MemberRole
from communities.tests.factories import add_member, make_community

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "observer", "member", "facilitator")
VISIBILITIES = ("public", "members", "confidential")


class Setup:
    """A community of ``visibility`` with one person per role and a pending join request."""

    def __init__(self, visibility: str):
        self.people = {
            "facilitator": UserFactory(),
            "member": UserFactory(),
            "observer": UserFactory(),
            "outsider": UserFactory(),
        }
        # Created members-only so the applicant may ask; then set to what the test needs.
        self.community = make_community(
            facilitator=self.people["facilitator"], visibility="members"
        )
        add_member(self.community, self.people["member"], MemberRole.MEMBER)
        add_member(self.community, self.people["observer"], MemberRole.OBSERVER)
        self.applicant = UserFactory()
        self.join_request = services.join_request_create(
            user=self.applicant, community=self.community
        )
        if visibility != "members":
            services.community_update(
                user=self.people["facilitator"], community=self.community, visibility=visibility
            )

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.people[role])
        return client

    def url(self, action: str) -> str:
        slug = self.community.slug
        return {
            "detail": f"/communities/{slug}/",
            "edit": f"/communities/{slug}/bewerken/",
            "partners": f"/communities/{slug}/partners/",
            "members": f"/communities/{slug}/leden/",
            "invite": f"/communities/{slug}/uitnodigen/",
            "decide": f"/communities/{slug}/verzoeken/{self.join_request.pk}/",
            "leave": f"/communities/{slug}/verlaten/",
            "join": f"/communities/{slug}/aanmelden/",
        }[action]


# Expected status per visibility, for the roles in ROLES' order.
VIEW = {
    "detail": {
        "public": (200, 200, 200, 200, 200),
        "members": (200, 200, 200, 200, 200),
        "confidential": (404, 404, 200, 200, 200),
    },
    "members": {
        "public": (200, 200, 200, 200, 200),
        "members": (404, 404, 200, 200, 200),
        "confidential": (404, 404, 200, 200, 200),
    },
    "edit": {
        "public": (302, 403, 403, 403, 200),
        "members": (302, 404, 403, 403, 200),
        "confidential": (302, 404, 403, 403, 200),
    },
    "partners": {
        "public": (302, 403, 403, 403, 200),
        "members": (302, 404, 403, 403, 200),
        "confidential": (302, 404, 403, 403, 200),
    },
    "invite": {
        "public": (302, 403, 403, 403, 200),
        "members": (302, 404, 403, 403, 200),
        "confidential": (302, 404, 403, 403, 200),
    },
    # A member asking to join again is sent back to the community.
    "join": {
        "public": (302, 200, 302, 302, 302),
        "members": (302, 200, 302, 302, 302),
        "confidential": (302, 404, 302, 302, 302),
    },
}

POST = {
    # Success redirects to the members page.
    "invite": {
        "public": (302, 403, 403, 403, 302),
        "members": (302, 404, 403, 403, 302),
        "confidential": (302, 404, 403, 403, 302),
    },
    "decide": {
        "public": (302, 403, 403, 403, 302),
        "members": (302, 404, 403, 403, 302),
        "confidential": (302, 404, 403, 403, 302),
    },
    # The (only) facilitator is refused with a message and a redirect: see the last
    # facilitator tests for what stays unchanged.
    "leave": {
        "public": (302, 403, 302, 302, 302),
        "members": (302, 404, 302, 302, 302),
        "confidential": (302, 404, 302, 302, 302),
    },
}

POST_DATA = {
    "invite": {"email": "nieuw@example.org", "role": "member"},
    "decide": {"decision": "accept"},
    "leave": {},
}


def _cases(table):
    return [
        pytest.param(action, visibility, role, statuses[i], id=f"{action}-{visibility}-{role}")
        for action, per_visibility in table.items()
        for visibility, statuses in per_visibility.items()
        for i, role in enumerate(ROLES)
    ]


@pytest.mark.parametrize(("action", "visibility", "role", "status"), _cases(VIEW))
def test_opening_a_page(action, visibility, role, status):
    setup = Setup(visibility)

    response = setup.client(role).get(setup.url(action))

    assert response.status_code == status
    if role == "anonymous" and status == 302:
        assert response["Location"].startswith("/account/login/?next=")


@pytest.mark.parametrize(("action", "visibility", "role", "status"), _cases(POST))
def test_posting_an_action(action, visibility, role, status):
    setup = Setup(visibility)

    response = setup.client(role).post(setup.url(action), POST_DATA[action])

    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith("/account/login/?next=")
    setup.join_request.refresh_from_db()
    decided = setup.join_request.status != JoinRequest.Status.PENDING
    assert decided == (action == "decide" and role == "facilitator")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_role_changes_and_removals_are_for_facilitators_only(visibility):
    setup = Setup(visibility)
    observer = setup.community.memberships.get(user=setup.people["observer"])
    slug = setup.community.slug
    expected = {
        "anonymous": 302,
        "outsider": 403 if visibility == "public" else 404,
        "observer": 403,
        "member": 403,
    }

    for role, status in expected.items():
        client = setup.client(role)
        role_response = client.post(
            f"/communities/{slug}/leden/{observer.pk}/rol/", {"role": "facilitator"}
        )
        remove_response = client.post(f"/communities/{slug}/leden/{observer.pk}/verwijderen/")
        assert (role_response.status_code, remove_response.status_code) == (status, status), role

    observer.refresh_from_db()
    assert observer.role == MemberRole.OBSERVER


@pytest.mark.parametrize(
    "path",
    [
        "leden/1/rol/",
        "leden/1/verwijderen/",
        "verzoeken/1/",
        "partners/1/verwijderen/",
    ],
)
def test_actions_refuse_get(path):
    setup = Setup("public")

    response = setup.client("facilitator").get(f"/communities/{setup.community.slug}/{path}")

    assert response.status_code == 405


def test_a_member_of_one_community_is_an_outsider_of_another():
    first, second = Setup("confidential"), Setup("members")
    client = first.client("facilitator")

    assert client.get(second.url("members")).status_code == 404
    assert client.get(second.url("edit")).status_code == 404
