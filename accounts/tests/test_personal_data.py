"""Your data: the download (everything of yours, nothing of others, no secrets) and deleting
the account with either choice for the contributions."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.personal_data import FILE_DESCRIPTIONS, personal_data_export
from accounts.tests.factories import UserFactory
from api.services import api_token_create
from audit.models import AuditEvent
from backups.models import PersonalDataExport
from comments.models import Comment
from comments.tests.factories import make_comment
from communities.models import MemberRole, Visibility
from communities.tests.factories import add_member, make_community
from experiences.models import Experience
from experiences.tests.factories import make_experience
from feeds.services import feed_token_rotate
from instruments.models import Instrument, InstrumentRevision
from instruments.tests.factories import InstrumentFactory
from journal.models import JournalAttachment
from journal.services import journal_attachment_add
from journal.tests.factories import make_entry
from moderation.constants import CaseStatus, ModerationState
from moderation.models import Case
from moderation.services import report_create, set_state
from questions.models import Answer
from questions.tests.factories import make_answer, make_question
from scans.definitions import ItemSpec
from scans.services import response_save, round_start, scan_create

PASSWORD = "correct horse battery"  # noqa: S105 - the factories' test password
TOTP_SECRET = "JBSWY3DPEHPK3PXPSECRETSECRET"  # noqa: S105 - a fixture value to look for
OVERVIEW = reverse("personal_data:overview")
EXPORT = reverse("personal_data:export_request")
DELETE = reverse("personal_data:delete")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PERSONAL_DATA_EXPORT_DIR = tmp_path / "exports"
    return settings.MEDIA_ROOT


def _download(client):
    """Ask for the export (built at once: tests run tasks inline) and download it."""
    client.post(EXPORT)
    export = PersonalDataExport.objects.get()
    return client.get(reverse("personal_data:export_download", args=[export.token]))


@pytest.fixture
def person(db):
    return UserFactory(name="Mira Mensink", email="mira@example.org", is_provider=True)


@pytest.fixture
def person_client(client, person):
    client.force_login(person)
    return client


@pytest.fixture
def world(person, other_provider):
    """Mira's contributions in every moderation state, and Anna's, which point at them."""
    community = make_community(
        facilitator=other_provider, visibility=Visibility.MEMBERS, name="Besloten kring"
    )
    add_member(community, person, MemberRole.MEMBER)
    published = InstrumentFactory(owner=person, title="Miras openbare werkvorm")
    draft = InstrumentFactory(owner=person, title="Miras concept", status="draft")
    others_instrument = InstrumentFactory(owner=other_provider, title="Annas werkvorm")
    experience = make_experience(
        instrument=others_instrument, author=person, what_was_done="Mira deed de kringloop."
    )
    hidden = make_experience(
        instrument=published, author=person, what_was_done="Mira's verborgen ervaring."
    )
    set_state(hidden, ModerationState.HIDDEN)
    report_create(reporter=other_provider, obj=hidden, reason="spam")
    question = make_question(author=person, title="Mira vraagt om een werkvorm?")
    others_answer = make_answer(question=question, author=other_provider, body="Annas antwoord.")
    others_question = make_question(author=other_provider, title="Anna vraagt iets?")
    answer = make_answer(question=others_question, author=person, body="Miras antwoord.")
    comment = make_comment(target=others_instrument, author=person, body="Miras reactie.")
    others_comment = make_comment(target=experience, author=other_provider, body="Anna reageert.")
    entry = make_entry(
        community=community,
        author=person,
        title="Miras besloten stap",
        text="Alleen voor leden.",
        value_stories=[{"cycle": "immediate", "capital": "", "text": "Miras waardeverhaal."}],
    )
    attachment = journal_attachment_add(
        user=person,
        entry=entry,
        title="Verslag",
        uploaded_file=SimpleUploadedFile("verslag.pdf", PDF, content_type="application/pdf"),
        content_type="application/pdf",
    )
    others_experience = make_experience(
        instrument=others_instrument,
        author=other_provider,
        what_was_done="Annas eigen ervaring, niet van Mira.",
    )
    return {
        "community": community,
        "published": published,
        "draft": draft,
        "experience": experience,
        "hidden": hidden,
        "question": question,
        "others_answer": others_answer,
        "answer": answer,
        "comment": comment,
        "others_comment": others_comment,
        "entry": entry,
        "attachment": attachment,
        "others_experience": others_experience,
    }


def _archive(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


# --- the download ----------------------------------------------------------------------


def test_overview_explains_every_file_of_the_download(person_client):
    response = person_client.get(OVERVIEW)

    assert response.status_code == 200
    page = response.content.decode()
    for name in FILE_DESCRIPTIONS:
        assert name in page


def test_the_zip_holds_a_readme_and_one_json_file_per_kind(person_client, world):
    response = _download(person_client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="samenspel-gegevens-')
    files = _archive(b"".join(response.streaming_content))
    assert set(files) == {"LEESMIJ.txt", *FILE_DESCRIPTIONS}
    for name in FILE_DESCRIPTIONS:
        json.loads(files[name])
    assert "experiences.json" in files["LEESMIJ.txt"]


def test_the_zip_holds_the_persons_own_data_including_held_and_members_only(person, world):
    files = _archive(personal_data_export(person))

    profile = json.loads(files["profile.json"])
    assert profile["email"] == "mira@example.org"
    assert profile["email_addresses"] == [
        {"email": "mira@example.org", "verified": True, "primary": True}
    ]
    experiences = {e["what_was_done"]: e for e in json.loads(files["experiences.json"])}
    assert experiences["Mira's verborgen ervaring."]["moderation"] == ModerationState.HIDDEN
    assert "Mira deed de kringloop." in experiences
    [entry] = json.loads(files["journal_entries.json"])
    assert entry["title"] == "Miras besloten stap"
    assert entry["community"] == "Besloten kring"
    assert entry["value_stories"][0]["text"] == "Miras waardeverhaal."
    assert entry["attachments_you_added"][0]["title"] == "Verslag"
    assert [q["title"] for q in json.loads(files["questions.json"])] == [
        "Mira vraagt om een werkvorm?"
    ]
    assert [a["body"] for a in json.loads(files["answers.json"])] == ["Miras antwoord."]
    assert [c["body"] for c in json.loads(files["comments.json"])] == ["Miras reactie."]
    titles = {i["record"]["title"]: i["status"] for i in json.loads(files["instruments.json"])}
    assert titles == {"Miras openbare werkvorm": "published", "Miras concept": "draft"}
    assert json.loads(files["memberships.json"])[0]["role"] == MemberRole.MEMBER


def test_the_zip_holds_nothing_of_other_people(person, other_provider, world):
    everything = "\n".join(_archive(personal_data_export(person)).values())

    assert other_provider.email not in everything
    assert other_provider.name not in everything
    assert "Annas eigen ervaring" not in everything
    assert "Annas antwoord." not in everything
    assert "Anna reageert." not in everything


def test_the_zip_holds_no_secrets(person, world):
    token, plain_token = api_token_create(user=person, name="Mijn script")
    feed_token, plain_feed_token = feed_token_rotate(user=person)
    Authenticator.objects.create(user=person, type="totp", data={"secret": TOTP_SECRET})

    files = _archive(personal_data_export(person))
    everything = "\n".join(files.values())

    assert json.loads(files["tokens.json"])["api_tokens"][0]["name"] == "Mijn script"
    assert json.loads(files["two_factor.json"])[0]["type"] == "totp"
    for secret in (
        token.token_hash,
        plain_token,
        feed_token.token_hash,
        plain_feed_token,
        TOTP_SECRET,
        person.password,
    ):
        assert secret not in everything


def test_the_download_is_recorded_in_the_audit_log(person_client, person):
    person_client.post(EXPORT)

    event = AuditEvent.objects.get(action="account.data_exported")
    assert event.actor_id == person.pk
    assert event.target_id == str(person.pk)


@pytest.mark.parametrize("url", [OVERVIEW, EXPORT, DELETE])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.post(url) if url == EXPORT else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_asking_for_the_download_is_post_only(person_client):
    assert person_client.get(EXPORT).status_code == 405
    assert not AuditEvent.objects.filter(action="account.data_exported").exists()


# --- deleting the account ----------------------------------------------------------------


def _delete(client, contributions: str, password: str = PASSWORD):
    return client.post(DELETE, {"contributions": contributions, "password": password})


def test_the_delete_page_explains_both_choices(person_client):
    response = person_client.get("/en" + DELETE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Keep them without my name (anonymised)" in page
    assert "cannot be undone" in page
    assert "journal" in page
    assert 'type="password"' in page


OWN = ("experience", "hidden", "question", "answer", "comment", "entry")


def test_delete_removes_the_contributions_and_what_hangs_on_them(person_client, person, world):
    response = _delete(person_client, "delete")

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    for key in OWN:
        assert not type(world[key]).all_objects.filter(pk=world[key].pk).exists()
    # Others' replies to deleted contributions go with them, as the page says.
    assert not Answer.all_objects.filter(pk=world["others_answer"].pk).exists()
    assert not Comment.all_objects.filter(pk=world["others_comment"].pk).exists()
    assert not JournalAttachment.objects.filter(pk=world["attachment"].pk).exists()
    # Others' own contributions stay.
    assert Experience.objects.filter(pk=world["others_experience"].pk).exists()
    # Published instruments stay without a provider; drafts go.
    assert Instrument.objects.get(pk=world["published"].pk).owner is None
    assert not Instrument.all_objects.filter(pk=world["draft"].pk).exists()
    # The report on the deleted hidden experience has nothing left to decide.
    assert not Case.objects.filter(object_id=world["hidden"].pk, status=CaseStatus.OPEN).exists()


def test_delete_removes_attachment_files_once_committed(
    person_client, world, media_root, django_capture_on_commit_callbacks
):
    file_path = media_root / world["attachment"].file.name
    assert file_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        _delete(person_client, "delete")

    assert not file_path.exists()


def test_anonymise_keeps_the_contributions_without_an_author(
    person_client, person, other_provider, world
):
    _delete(person_client, "anonymise")

    assert not User.objects.filter(pk=person.pk).exists()
    for key in OWN:
        obj = type(world[key]).all_objects.get(pk=world[key].pk)
        assert obj.author_id is None
    assert JournalAttachment.objects.get(pk=world["attachment"].pk).uploaded_by is None
    assert Answer.objects.filter(pk=world["others_answer"].pk).exists()
    assert Comment.objects.filter(pk=world["others_comment"].pk).exists()
    assert (
        not InstrumentRevision.objects.filter(instrument=world["published"])
        .exclude(author=None)
        .exists()
    )
    assert Instrument.objects.get(pk=world["published"].pk).owner is None
    assert not Instrument.all_objects.filter(pk=world["draft"].pk).exists()

    reader = UserFactory()
    reader_client = type(person_client)()
    reader_client.force_login(reader)
    urls = [world["question"].get_absolute_url(), world["experience"].get_absolute_url()]
    question_page, experience_page = (reader_client.get("/en" + url) for url in urls)
    for response in (question_page, experience_page):
        assert response.status_code == 200
        page = response.content.decode()
        assert "a former member" in page
        assert "Mira Mensink" not in page
        assert "mira@example.org" not in page


def test_a_wrong_password_changes_nothing_and_keeps_the_choice(person_client, person, world):
    response = _delete(person_client, "delete", password="not my password")

    assert response.status_code == 200
    assert User.objects.filter(pk=person.pk).exists()
    assert Experience.objects.filter(pk=world["experience"].pk, author=person).exists()
    assert response.context["form"].errors["password"]
    assert response.context["form"]["contributions"].value() == "delete"
    assert "checked" in response.content.decode()
    assert not AuditEvent.objects.filter(action="account.deleted").exists()


def test_a_missing_choice_is_an_error(person_client, person):
    response = person_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].errors["contributions"]
    assert User.objects.filter(pk=person.pk).exists()


def test_the_only_facilitator_of_a_community_must_hand_over_first(person_client, person):
    make_community(facilitator=person, name="Miras eigen kring")

    page = person_client.get(DELETE)
    response = _delete(person_client, "anonymise")

    assert "Miras eigen kring" in page.content.decode()
    assert response.status_code == 200
    assert "Miras eigen kring" in str(response.context["form"].non_field_errors())
    assert User.objects.filter(pk=person.pk).exists()


def test_a_facilitator_with_a_co_facilitator_may_leave(person_client, person, other_provider):
    community = make_community(facilitator=person, name="Gedeelde kring")
    add_member(community, other_provider, MemberRole.FACILITATOR)

    _delete(person_client, "anonymise")

    assert not User.objects.filter(pk=person.pk).exists()


def test_the_deletion_is_recorded_by_account_id_only(person_client, person):
    person_id = person.pk

    _delete(person_client, "anonymise")

    event = AuditEvent.objects.get(action="account.deleted")
    assert event.actor_id == person_id
    assert event.target_id == str(person_id)
    recorded = json.dumps([event.target_label, event.summary, event.before, event.after])
    assert "mira" not in recorded.lower()
    assert "Mensink" not in recorded


def test_deleting_ends_the_session(person_client):
    response = _delete(person_client, "anonymise")

    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in person_client.session
    assert person_client.get(reverse("accounts:profile")).status_code == 302


def test_an_account_without_password_confirms_with_its_email_address(client, db):
    user = UserFactory(email="oidc@example.org")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client.force_login(user)

    page = client.get(DELETE)
    wrong = client.post(DELETE, {"contributions": "delete", "email": "iemand@example.org"})
    right = client.post(DELETE, {"contributions": "delete", "email": "OIDC@example.org "})

    assert 'type="email"' in page.content.decode()
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["email"]
    assert right.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def test_delete_is_get_or_post_only(person_client):
    assert person_client.put(DELETE).status_code == 405


def _contribute(person, other_provider, community, n: int) -> None:
    instrument = InstrumentFactory(owner=person)
    question = make_question(author=other_provider)
    scan = scan_create(
        user=person,
        instrument=instrument,
        title="Scan",
        instructions="",
        items=[ItemSpec(text="Eens?", scale="agreement"), ItemSpec(text="Open?", scale="open")],
    )
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    for _ in range(n):
        round_ = round_start(
            user=other_provider, community=community, scan=scan, title="R", closes_on=tomorrow
        )
        response_save(user=person, round_=round_, values={"eens": 4}, texts={"open": "Ja"})
        make_experience(instrument=instrument, author=person)
        make_comment(target=instrument, author=person)
        make_answer(question=question, author=person)
        make_question(author=person)
        make_entry(community=community, author=person)


def test_the_export_takes_the_same_number_of_queries_however_much_was_written(
    person, other_provider
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = make_community(facilitator=other_provider, visibility=Visibility.MEMBERS)
    add_member(community, person, MemberRole.MEMBER)
    counts = []
    for n in (1, 4):
        _contribute(person, other_provider, community, n)
        with CaptureQueriesContext(connection) as queries:
            personal_data_export(person)
        counts.append(len(queries))

    # One query per kind of data, one more per prefetched relation (instrument record
    # relations, answers' and entries' instruments, value stories, scan answers and their
    # items), and the audit insert: the count does not depend on how much the person wrote.
    assert counts == [38, 38]


def test_invitations_leave_out_other_addresses_and_those_to_the_person_go(
    person_client, person, other_provider
):
    from communities.models import Invitation
    from communities.services import invitation_create

    community = make_community(facilitator=other_provider, name="Kring met uitnodigingen")
    add_member(community, person, MemberRole.FACILITATOR)
    sent, _ = invitation_create(user=person, community=community, email="gast@example.org")
    elsewhere = make_community(facilitator=other_provider, name="Andere kring")
    received, _ = invitation_create(user=other_provider, community=elsewhere, email=person.email)

    invitations = json.loads(_archive(personal_data_export(person))["invitations.json"])
    _delete(person_client, "anonymise")

    assert len(invitations["sent"]) == 1
    assert "gast@example.org" not in json.dumps(invitations)
    assert invitations["received"][0]["email"] == person.email
    assert Invitation.objects.get(pk=sent.pk).invited_by is None
    assert not Invitation.objects.filter(pk=received.pk).exists()
