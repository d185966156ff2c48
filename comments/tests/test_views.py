"""Comment threads on pages, and posting with htmx (the thread re-renders) and without
JavaScript (POST, then back to the target's page at the comment)."""

from __future__ import annotations

import pytest

from accounts.tests.factories import signed_in_client
from comments.models import Comment
from comments.selectors import comment_thread
from comments.tests.factories import make_comment
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _url(instrument) -> str:
    return f"/reacties/instrument/{instrument.pk}/"


def _template_names(response) -> list[str]:
    return [t.name for t in response.templates]


class TestPosting:
    def test_with_htmx_the_answer_is_the_thread_with_a_status(self, instrument, outsider):
        response = signed_in_client(outsider).post(
            _url(instrument), {"body": "Nieuw"}, headers=HTMX
        )

        assert response.status_code == 200
        assert _template_names(response)[0] == "comments/_thread_update.html"
        thread = response.context["thread"]
        assert [c.body for c in thread.comments] == ["Nieuw"]
        assert thread.status
        assert f'id="{thread.dom_id}-status" hx-swap-oob="innerHTML"' in response.text
        assert "<html" not in response.text

    def test_without_js_it_redirects_to_the_comment(self, instrument, outsider):
        response = signed_in_client(outsider).post(_url(instrument), {"body": "Nieuw"})

        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{instrument.get_absolute_url()}#comment-{comment.pk}"

    def test_an_empty_comment_with_htmx_shows_the_error_in_the_thread(self, instrument, outsider):
        response = signed_in_client(outsider).post(_url(instrument), {"body": ""}, headers=HTMX)

        assert response.status_code == 200  # htmx swaps only 2xx answers
        assert "body" in response.context["thread"].form.errors
        assert 'role="alert"' in response.text
        assert not Comment.objects.exists()

    def test_an_empty_comment_without_js_gets_a_form_page(self, instrument, outsider):
        response = signed_in_client(outsider).post(_url(instrument), {"body": ""})

        assert response.status_code == 400
        assert "body" in response.context["form"].errors
        assert response.context["target"] == instrument

    def test_a_reply_with_htmx_lands_under_its_parent(self, instrument, outsider, member):
        top = make_comment(target=instrument, author=member)

        response = signed_in_client(outsider).post(
            _url(instrument), {"body": "Antwoord", "parent": top.pk}, headers=HTMX
        )

        thread = response.context["thread"]
        assert [c.pk for c in thread.comments] == [top.pk]
        assert [r.body for r in thread.comments[0].replies.all()] == ["Antwoord"]

    def test_an_empty_reply_with_htmx_keeps_the_reply_form_open(self, instrument, outsider):
        top = make_comment(target=instrument, author=outsider)

        response = signed_in_client(outsider).post(
            _url(instrument), {"body": "", "parent": top.pk}, headers=HTMX
        )

        thread = response.context["thread"]
        assert thread.reply_to == top.pk
        assert "body" in thread.reply_form.errors
        assert 'class="comment-reply" open' in response.text

    def test_a_reply_to_a_reply_attaches_to_the_parent(self, instrument, outsider, member):
        top = make_comment(target=instrument, author=member)
        reply = make_comment(target=instrument, author=outsider, parent=top)

        signed_in_client(member).post(_url(instrument), {"body": "Nog een", "parent": reply.pk})

        assert Comment.objects.get(body="Nog een").parent == top

    def test_a_reply_to_a_comment_on_another_target_is_404(self, instrument, outsider):
        elsewhere = make_comment(target=InstrumentFactory(), author=outsider)

        response = signed_in_client(outsider).post(
            _url(instrument), {"body": "x", "parent": elsewhere.pk}
        )

        assert response.status_code == 404
        assert Comment.objects.count() == 1


class TestEditingAndDeleting:
    def test_editing_with_htmx_shows_the_form_in_the_thread(self, instrument, outsider):
        comment = make_comment(target=instrument, author=outsider, body="Eerst")

        response = signed_in_client(outsider).get(f"/reacties/{comment.pk}/bewerken/", headers=HTMX)

        thread = response.context["thread"]
        assert thread.editing == comment.pk
        assert thread.edit_form.initial["body"] == "Eerst"
        assert f'action="/reacties/{comment.pk}/bewerken/"' in response.text

    def test_saving_an_edit_with_htmx_answers_with_the_thread(self, instrument, outsider):
        comment = make_comment(target=instrument, author=outsider, body="Eerst")

        response = signed_in_client(outsider).post(
            f"/reacties/{comment.pk}/bewerken/", {"body": "Daarna"}, headers=HTMX
        )

        assert response.status_code == 200
        assert [c.body for c in response.context["thread"].comments] == ["Daarna"]
        assert response.context["thread"].editing is None

    def test_an_empty_edit_with_htmx_keeps_the_form_with_its_error(self, instrument, outsider):
        comment = make_comment(target=instrument, author=outsider, body="Eerst")

        response = signed_in_client(outsider).post(
            f"/reacties/{comment.pk}/bewerken/", {"body": ""}, headers=HTMX
        )

        assert response.status_code == 200
        assert "body" in response.context["thread"].edit_form.errors
        comment.refresh_from_db()
        assert comment.body == "Eerst"

    def test_saving_an_edit_without_js_returns_to_the_comment(self, instrument, outsider):
        comment = make_comment(target=instrument, author=outsider)

        response = signed_in_client(outsider).post(
            f"/reacties/{comment.pk}/bewerken/", {"body": "Ok"}
        )

        assert response["Location"] == f"{instrument.get_absolute_url()}#comment-{comment.pk}"

    def test_an_empty_edit_without_js_shows_the_edit_page(self, instrument, outsider):
        comment = make_comment(target=instrument, author=outsider)

        response = signed_in_client(outsider).post(
            f"/reacties/{comment.pk}/bewerken/", {"body": ""}
        )

        assert response.status_code == 400
        assert "body" in response.context["form"].errors

    def test_the_delete_page_warns_about_replies(self, instrument, outsider, member):
        comment = make_comment(target=instrument, author=outsider)
        make_comment(target=instrument, author=member, parent=comment)

        response = signed_in_client(outsider).get(f"/reacties/{comment.pk}/verwijderen/")

        assert response.context["reply_count"] == 1

    def test_deleting_returns_to_the_thread(self, instrument, outsider):
        comment = make_comment(target=instrument, author=outsider)

        response = signed_in_client(outsider).post(f"/reacties/{comment.pk}/verwijderen/")

        assert response["Location"] == (
            f"{instrument.get_absolute_url()}#comments-instrument-{instrument.pk}"
        )

    def test_deleting_with_htmx_answers_with_the_thread(self, instrument, outsider):
        comment = make_comment(target=instrument, author=outsider)

        response = signed_in_client(outsider).post(
            f"/reacties/{comment.pk}/verwijderen/", headers=HTMX
        )

        assert response.status_code == 200
        assert response.context["thread"].comments == []


class TestThread:
    def test_getting_the_thread_with_htmx_renders_it(self, client, instrument, outsider):
        make_comment(target=instrument, author=outsider)

        response = client.get(_url(instrument), headers=HTMX)

        assert response.status_code == 200
        assert len(response.context["thread"].comments) == 1
        assert response["Vary"].count("HX-Request") == 1

    def test_getting_the_thread_without_js_redirects_to_the_target(self, client, instrument):
        response = client.get(_url(instrument))

        assert response["Location"] == (
            f"{instrument.get_absolute_url()}#comments-instrument-{instrument.pk}"
        )

    def test_markdown_is_rendered_and_sanitised(self, client, instrument, outsider):
        make_comment(
            target=instrument,
            author=outsider,
            body="**vet** <script>alert(1)</script> [x](javascript:alert(2))",
        )

        html = client.get(instrument.get_absolute_url()).text

        assert "<strong>vet</strong>" in html
        assert "<script>alert(1)" not in html
        assert 'href="javascript' not in html

    def test_only_the_author_sees_edit_and_delete_links(self, instrument, outsider, member):
        comment = make_comment(target=instrument, author=outsider)
        edit = f"/reacties/{comment.pk}/bewerken/"

        assert edit in signed_in_client(outsider).get(instrument.get_absolute_url()).text
        assert edit not in signed_in_client(member).get(instrument.get_absolute_url()).text

    def test_anonymous_visitors_get_a_sign_in_link_instead_of_a_form(self, client, instrument):
        thread = client.get(instrument.get_absolute_url()).context["comment_thread"]

        assert thread.can_post is False
        assert thread.signed_in is False

    def test_observers_see_the_thread_without_a_form(
        self, instrument, communities, member, observer
    ):
        experience = make_experience(
            instrument=instrument, author=member, community=communities["members"]
        )
        make_comment(target=experience, author=member)

        response = signed_in_client(observer).get(experience.get_absolute_url())

        thread = response.context["comment_thread"]
        assert len(thread.comments) == 1
        assert thread.can_post is False
        assert 'data-testid="comment-submit"' not in response.text

    def test_a_thread_runs_two_queries_however_long(
        self, instrument, outsider, member, django_assert_num_queries
    ):
        for _ in range(5):
            top = make_comment(target=instrument, author=outsider)
            make_comment(target=instrument, author=member, parent=top)

        # 1 top-level comments with authors, 1 replies with authors.
        with django_assert_num_queries(2):
            thread = comment_thread(user=outsider, target=instrument)
            [(c.author.name, [r.author.name for r in c.replies.all()]) for c in thread.comments]
        assert thread.count == 10

    def test_a_thread_in_a_community_adds_the_viewers_role(
        self, instrument, communities, member, django_assert_num_queries
    ):
        experience = make_experience(
            instrument=instrument, author=member, community=communities["public"]
        )
        make_comment(target=experience, author=member)

        # 1 top-level comments, 1 replies, 1 the viewer's role (observers do not post).
        with django_assert_num_queries(3):
            comment_thread(user=member, target=experience)
