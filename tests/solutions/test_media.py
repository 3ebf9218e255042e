"""Pictures and documents of a solution: its company adds and removes them, each with a
description read by whoever cannot see the picture; a new one sends a published solution
back to screening; their files are served only to whoever may see the solution; bad input
gets a clear message; the solution page's query count does not grow with them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core.models import Attachment, Notification
from ponte.solutions import services
from ponte.solutions.models import MAX_MEDIA, Solution, SolutionMedia
from tests.challenges.drafting.test_challenge_documents import PDF, download_url, upload
from tests.conftest import give_two_factor
from tests.core.test_attachments import ELF, WINDOWS_EXE
from tests.core.test_attachments import _png as png_bytes
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.solutions.test_solutions import audit_rows, make

pytestmark = pytest.mark.django_db

PNG = png_bytes()
TYPE_REFUSED = "is not of a type Ponte accepts, or its content does not match its name"
DESCRIPTION_MISSING = "Describe the picture or document in a sentence."
TOO_MANY = f"A solution has at most {MAX_MEDIA} pictures and documents: remove one before adding another."


@pytest.fixture
def company():
    return CompanyFactory(name="Civic Data Labs")


@pytest.fixture
def staff_member(company):
    return MembershipFactory(organisation=company, role="member").user


@pytest.fixture
def manager():
    return UserFactory(is_programme_manager=True)


@pytest.fixture
def login(client):
    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if user.is_programme_manager and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


def picture(name="screenshot.png"):
    return upload(name, PNG, "image/png")


def brochure(name="Brochure.pdf"):
    return upload(name, PDF, "application/pdf")


def media_url(solution):
    return f"/solutions/{solution.pk}/media/"


def add(solution, actor, uploaded=None, description="The form finder on a phone"):
    return services.media_add(actor=actor, solution=solution, uploaded=uploaded or picture(), description=description)


def published_with_media(company, staff_member, *files):
    """A published solution whose pictures and documents were added while it was a draft."""
    solution = make(company, "draft")
    items = [add(solution, staff_member, f, f"Item {n}") for n, f in enumerate(files or [picture()])]
    Solution.objects.filter(pk=solution.pk).update(status="published", published_at=solution.created_at)
    solution.refresh_from_db()
    return solution, items


def stored_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Adding, through the page -----------------------------------------------------------------


def test_a_member_adds_a_picture_and_the_solution_page_shows_it_with_its_description(company, staff_member, login):
    solution = make(company, "draft")
    client = login(staff_member)
    page = client.get(media_url(solution))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text

    response = client.post(
        media_url(solution), {"file": picture(), "description": 'The "kiosk" <b>in Ghent</b>, at the entrance'}
    )

    assert response.status_code == 302 and response.url == media_url(solution)
    media = SolutionMedia.objects.get(solution=solution)
    assert media.is_image and media.attachment.content_type == "image/png"
    assert media.attachment.target == solution
    detail = client.get(solution.get_absolute_url()).text
    # The description is the picture's alternative text, escaped like any text a person typed.
    alt = "The &quot;kiosk&quot; &lt;b&gt;in Ghent&lt;/b&gt;, at the entrance"
    assert f'<img src="{download_url(media.attachment)}" alt="{alt}"' in detail
    assert "<b>in Ghent</b>" not in detail
    assert audit_rows(solution, "attach").count() == 1


def test_a_document_is_listed_as_a_link_not_as_a_picture(company, staff_member, login):
    solution = make(company, "draft")
    client = login(staff_member)
    response = client.post(
        media_url(solution), {"file": brochure("Brochure 2026.pdf"), "description": "Brochure for municipalities"}
    )
    assert response.status_code == 302
    media = SolutionMedia.objects.get(solution=solution)
    assert not media.is_image
    detail = client.get(solution.get_absolute_url()).text
    assert f'<a href="{download_url(media.attachment)}">Brochure for municipalities</a>' in detail
    assert "Brochure 2026.pdf" in detail
    assert "<img" not in detail


def test_a_picture_added_to_a_published_solution_hides_it_until_screened_again(company, staff_member, manager, login):
    solution = make(company, "published")
    other_manager = UserFactory(is_programme_manager=True)

    response = login(staff_member).post(
        media_url(solution), {"file": picture(), "description": "The kiosk"}, follow=True
    )

    assert response.status_code == 200
    assert "The solution is hidden until a programme manager screens it again." in response.text
    solution.refresh_from_db()
    assert solution.status == "submitted"
    assert audit_rows(solution, "revise").count() == 1
    to_screen = Notification.objects.filter(kind="solutions.to_screen")
    assert {n.recipient for n in to_screen} == {manager, other_manager}
    assert not Notification.objects.filter(recipient=staff_member).exists()
    assert login(None).get(solution.get_absolute_url()).status_code == 404


def test_the_media_page_warns_before_a_published_solution_is_hidden(company, staff_member, login):
    solution = make(company, "published")
    page = login(staff_member).get(media_url(solution)).text
    assert "the solution is hidden until a programme manager screens it again" in page


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_picture_added_before_publication_changes_no_status_and_notifies_nobody(
    company, staff_member, manager, status
):
    solution = make(company, status)
    add(solution, staff_member)
    solution.refresh_from_db()
    assert solution.status == status
    assert not Notification.objects.exists()
    assert audit_rows(solution, "revise").count() == 0


def test_pictures_and_documents_added_in_turns_make_one_gallery_and_one_list(company, staff_member, login):
    solution = make(company, "draft")
    add(solution, staff_member, picture(), "First picture")
    add(solution, staff_member, brochure(), "A brochure")
    add(solution, staff_member, picture(), "Second picture")
    detail = login(staff_member).get(solution.get_absolute_url()).text
    assert detail.count('<ul class="gallery">') == 1
    gallery = detail[detail.index('<ul class="gallery">') :]
    gallery = gallery[: gallery.index("</ul>")]
    assert 'alt="First picture"' in gallery and 'alt="Second picture"' in gallery


# Removing ---------------------------------------------------------------------------------


def test_removing_deletes_the_row_its_attachment_and_the_stored_file(
    company, staff_member, login, django_capture_on_commit_callbacks
):
    solution = make(company, "draft")
    kept = add(solution, staff_member, picture("kept.png"), "Kept")
    removed = add(solution, staff_member, brochure(), "Removed")
    assert len(stored_files()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff_member).post(media_url(solution), {"remove": str(removed.pk)}, follow=True)

    assert response.status_code == 200
    assert "“Removed” is removed." in response.text
    assert list(SolutionMedia.objects.all()) == [kept]
    assert list(Attachment.objects.all()) == [kept.attachment]
    assert [p.name for p in stored_files()] == [kept.attachment.id.hex]
    assert audit_rows(solution, "detach").count() == 1


def test_removing_from_a_published_solution_keeps_it_published(company, staff_member, manager, login):
    solution, (media,) = published_with_media(company, staff_member)
    response = login(staff_member).post(media_url(solution), {"remove": str(media.pk)})
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == "published"
    assert not SolutionMedia.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("remove", ["999999", "other", "abc", "", "1 OR 1=1"])
def test_removing_what_is_not_this_solutions_changes_nothing(company, staff_member, login, remove):
    solution = make(company, "draft")
    own = add(solution, staff_member, description="Ours")
    other_solution = make(CompanyFactory(), "draft")
    other = add(other_solution, MembershipFactory(organisation=other_solution.company).user, description="Theirs")
    if remove == "other":
        remove = str(other.pk)

    response = login(staff_member).post(media_url(solution), {"remove": remove}, follow=True)

    assert response.status_code == 200
    assert "That picture or document was already removed." in response.text
    assert set(SolutionMedia.objects.all()) == {own, other}
    assert Attachment.objects.count() == 2


# Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("description", ["", "   "])
def test_a_missing_description_is_asked_for(company, staff_member, login, description):
    solution = make(company, "draft")
    response = login(staff_member).post(media_url(solution), {"file": picture(), "description": description})
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [DESCRIPTION_MISSING]
    assert DESCRIPTION_MISSING in response.text
    assert not SolutionMedia.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("description", ["", " \n\t "])
def test_the_service_refuses_a_missing_description(company, staff_member, description):
    solution = make(company, "draft")
    with pytest.raises(ValidationError) as refused:
        add(solution, staff_member, description=description)
    assert refused.value.message_dict == {"description": [DESCRIPTION_MISSING]}
    assert not Attachment.objects.exists() and stored_files() == []


def test_a_description_too_long_is_refused_by_page_and_service(company, staff_member, login):
    solution = make(company, "draft")
    response = login(staff_member).post(media_url(solution), {"file": picture(), "description": "x" * 251})
    assert response.status_code == 200
    assert "Describe it in at most 250 characters." in response.text
    with pytest.raises(ValidationError) as refused:
        add(solution, staff_member, description="x" * 251)
    assert "description" in refused.value.message_dict
    assert not SolutionMedia.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("screenshot.png", WINDOWS_EXE, "image/png"),
        ("brochure.pdf", ELF, "application/pdf"),
        ("screenshot.png", b"Not a picture, only some text.\n", "image/png"),
        ("screenshot.png", PDF, "image/png"),
        ("installer.exe", WINDOWS_EXE, "application/octet-stream"),
    ],
    ids=["exe-as-png", "elf-as-pdf", "text-as-png", "pdf-as-png", "exe"],
)
def test_a_file_of_the_wrong_type_is_refused_and_the_description_kept(
    company, staff_member, login, name, content, content_type
):
    solution = make(company, "draft")
    response = login(staff_member).post(
        media_url(solution),
        {"file": SimpleUploadedFile(name, content, content_type), "description": "The kiosk in Ghent"},
    )
    assert response.status_code == 200
    assert TYPE_REFUSED in response.context["form"].errors["file"][0]
    assert f"The file “{name}” {TYPE_REFUSED}" in response.text
    assert 'value="The kiosk in Ghent"' in response.text
    assert not SolutionMedia.objects.exists() and not Attachment.objects.exists() and stored_files() == []


def test_the_service_refuses_a_file_of_the_wrong_type_on_the_file(company, staff_member):
    solution = make(company, "draft")
    with pytest.raises(ValidationError) as refused:
        add(solution, staff_member, upload("screenshot.png", b"plain text", "image/png"))
    assert TYPE_REFUSED in refused.value.message_dict["file"][0]
    assert not SolutionMedia.objects.exists() and not Attachment.objects.exists()


def test_an_empty_file_is_refused_and_the_description_kept(company, staff_member, login):
    solution = make(company, "draft")
    response = login(staff_member).post(
        media_url(solution), {"file": upload("empty.png", b"", "image/png"), "description": "The kiosk in Ghent"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The submitted file is empty."]
    assert 'value="The kiosk in Ghent"' in response.text
    assert not SolutionMedia.objects.exists() and stored_files() == []
    with pytest.raises(ValidationError) as refused:
        add(solution, staff_member, upload("empty.png", b"", "image/png"))
    assert refused.value.message_dict["file"] == ["The file “empty.png” is empty."]


def test_a_missing_file_is_asked_for(company, staff_member, login):
    solution = make(company, "draft")
    response = login(staff_member).post(media_url(solution), {"description": "The kiosk in Ghent"})
    assert response.status_code == 200
    assert "Choose a file to add." in response.text
    assert 'value="The kiosk in Ghent"' in response.text


def test_a_file_over_the_size_limit_is_refused(company, staff_member, login, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PNG) - 1
    solution = make(company, "draft")
    response = login(staff_member).post(media_url(solution), {"file": picture(), "description": "The kiosk"})
    assert response.status_code == 200
    assert "files may be at most" in response.text
    assert not SolutionMedia.objects.exists()


def test_the_service_refuses_more_than_the_maximum(company, staff_member):
    solution = make(company, "draft")
    for n in range(MAX_MEDIA):
        add(solution, staff_member, description=f"Picture {n}")
    with pytest.raises(ValidationError) as refused:
        add(solution, staff_member, description="One too many")
    assert refused.value.message_dict["file"] == [TOO_MANY]
    assert SolutionMedia.objects.count() == MAX_MEDIA
    assert Attachment.objects.count() == MAX_MEDIA and len(stored_files()) == MAX_MEDIA


def test_the_page_refuses_more_than_the_maximum(company, staff_member, login):
    solution = make(company, "draft")
    for n in range(MAX_MEDIA):
        add(solution, staff_member, description=f"Picture {n}")
    client = login(staff_member)
    page = client.get(media_url(solution)).text
    assert TOO_MANY in page and 'type="file"' not in page

    response = client.post(media_url(solution), {"file": picture(), "description": "One too many"})

    assert response.status_code == 200
    assert TOO_MANY in response.text
    assert SolutionMedia.objects.count() == MAX_MEDIA
    # After one is removed, the form is back.
    client.post(media_url(solution), {"remove": str(SolutionMedia.objects.first().pk)})
    assert 'type="file"' in client.get(media_url(solution)).text


# Who may add or remove --------------------------------------------------------------------


def outsiders():
    return {
        "other_company_member": MembershipFactory(organisation=CompanyFactory(), role="admin").user,
        "programme_manager": UserFactory(is_programme_manager=True),
        "citizen": UserFactory(),
        "public_servant": MembershipFactory().user,
    }


@pytest.mark.parametrize("role", ["other_company_member", "programme_manager", "citizen", "public_servant"])
def test_outsiders_may_not_add_or_remove(company, staff_member, login, role):
    solution, (media,) = published_with_media(company, staff_member)
    person = outsiders()[role]
    client = login(person)

    page = client.get(media_url(solution))
    assert page.status_code == 200 and 'type="file"' not in page.text and 'name="remove"' not in page.text
    assert client.post(media_url(solution), {"file": picture(), "description": "Taken over"}).status_code == 403
    assert client.post(media_url(solution), {"remove": str(media.pk)}).status_code == 403
    with pytest.raises(PermissionDenied):
        add(solution, person)
    with pytest.raises(PermissionDenied):
        services.media_remove(actor=person, media=media)
    assert list(SolutionMedia.objects.all()) == [media]
    solution.refresh_from_db()
    assert solution.status == "published"


def test_a_visitor_is_asked_to_sign_in_and_changes_nothing(company, staff_member, login):
    solution, (media,) = published_with_media(company, staff_member)
    client = login(None)
    for response in (
        client.get(media_url(solution)),
        client.post(media_url(solution), {"file": picture(), "description": "Taken over"}),
        client.post(media_url(solution), {"remove": str(media.pk)}),
    ):
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    with pytest.raises(PermissionDenied):
        add(solution, AnonymousUser())
    assert list(SolutionMedia.objects.all()) == [media]


def test_outsiders_do_not_even_see_the_media_page_of_a_draft(company, staff_member, login):
    solution = make(company, "draft")
    media = add(solution, staff_member)
    for person in outsiders().values():
        client = login(person)
        assert client.get(media_url(solution)).status_code == 404
        assert client.post(media_url(solution), {"remove": str(media.pk)}).status_code == 404
    assert SolutionMedia.objects.count() == 1


def test_a_solution_waiting_for_screening_gets_no_media(company, staff_member, login):
    solution, (media,) = published_with_media(company, staff_member)
    Solution.objects.filter(pk=solution.pk).update(status="submitted")
    solution.refresh_from_db()
    assert not staff_member.has_perm("solutions.change_solution", solution)

    with pytest.raises(PermissionDenied):
        add(solution, staff_member)
    with pytest.raises(PermissionDenied):
        services.media_remove(actor=staff_member, media=media)
    client = login(staff_member)
    page = client.get(media_url(solution))
    assert page.status_code == 200 and "Item 0" in page.text and 'type="file"' not in page.text
    assert client.post(media_url(solution), {"file": picture(), "description": "Late"}).status_code == 403
    assert client.post(media_url(solution), {"remove": str(media.pk)}).status_code == 403
    assert list(SolutionMedia.objects.all()) == [media]


def test_a_suspended_company_changes_no_media(company, staff_member):
    solution = make(company, "draft")
    media = add(solution, staff_member)
    company.status = "suspended"
    company.save(update_fields=["status"])
    solution = Solution.objects.get(pk=solution.pk)
    with pytest.raises(PermissionDenied):
        add(solution, staff_member)
    with pytest.raises(PermissionDenied):
        services.media_remove(actor=staff_member, media=SolutionMedia.objects.get(pk=media.pk))


# Downloads --------------------------------------------------------------------------------


def test_a_visitor_downloads_the_picture_of_a_published_solution(company, staff_member, login):
    _solution, (media,) = published_with_media(company, staff_member)
    response = login(None).get(download_url(media.attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_nobody_outside_downloads_the_picture_of_a_draft(company, staff_member, login):
    solution = make(company, "draft")
    media = add(solution, staff_member)
    response = login(None).get(download_url(media.attachment))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert (
        login(MembershipFactory(organisation=CompanyFactory()).user).get(download_url(media.attachment)).status_code
        == 404
    )
    assert login(staff_member).get(download_url(media.attachment)).status_code == 200


def test_pictures_of_a_solution_back_in_screening_are_no_longer_public(company, staff_member, manager, login):
    solution, (old,) = published_with_media(company, staff_member)
    new = add(solution, staff_member, description="New picture")  # sends it back to screening
    for media in (old, new):
        response = login(None).get(download_url(media.attachment))
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    # The programme manager who screens it sees them.
    assert login(manager).get(download_url(new.attachment)).status_code == 200


# Query count ------------------------------------------------------------------------------


def queries_of(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_solution_page_makes_as_many_queries_with_8_media_as_with_1(company, staff_member, login, who):
    solution = make(company, "draft")
    add(solution, staff_member, picture(), "Picture 0")
    Solution.objects.filter(pk=solution.pk).update(status="published", published_at=solution.created_at)
    client = login(staff_member if who == "member" else None)
    _response, small = queries_of(client, solution.get_absolute_url())

    Solution.objects.filter(pk=solution.pk).update(status="draft")
    for n in range(1, MAX_MEDIA):
        add(solution, staff_member, brochure(f"Brochure {n}.pdf") if n % 2 else picture(), f"Item {n}")
    Solution.objects.filter(pk=solution.pk).update(status="published")
    response, large = queries_of(client, solution.get_absolute_url())

    assert len(re.findall(r"<img ", response.text)) == 4 and response.text.count("Brochure ") == 4
    assert len(small) == len(large), "\n".join(["with 1:", *small, "", f"with {MAX_MEDIA}:", *large])


def test_the_media_page_makes_as_many_queries_with_8_media_as_with_1(company, staff_member, login):
    solution = make(company, "draft")
    add(solution, staff_member, picture(), "Picture 0")
    client = login(staff_member)
    _response, small = queries_of(client, media_url(solution))
    for n in range(1, MAX_MEDIA):
        add(solution, staff_member, brochure(f"Brochure {n}.pdf") if n % 2 else picture(), f"Item {n}")
    response, large = queries_of(client, media_url(solution))
    assert response.text.count('name="remove"') == MAX_MEDIA
    assert len(small) == len(large), "\n".join(["with 1:", *small, "", f"with {MAX_MEDIA}:", *large])
