"""Documents attached to a challenge: its drafter adds and removes them while drafting; inside
the public body until it is published, then everyone's; in the OCDS tender and the API."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from ponte.challenges.models import Challenge
from ponte.core import attachments
from ponte.core.models import Attachment, AuditEvent
from ponte.dev.demo.media import text_pdf
from ponte.opendata import ocds
from tests.conftest import give_two_factor
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, PublishedChallengeFactory
from tests.opendata.test_ocds import _offline_standard, assert_valid, review  # noqa: F401  (fixture)

PDF = text_pdf("Terms of reference. Measure the waiting.")


def upload(name="Terms of reference.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def documents_url(challenge):
    return f"/challenges/{challenge.pk}/edit/documents/"


def download_url(attachment):
    return f"/attachments/{attachment.pk}/"


@pytest.fixture
def draft(organisation, member):
    return ChallengeFactory(owner=organisation, author=member, title="Citizens cannot find the right form")


@pytest.fixture
def published(organisation, member):
    """A published challenge with one document, attached while it was a draft."""
    challenge = PublishedChallengeFactory(owner=organisation, author=member, title="Queues at the registry")
    Challenge.objects.filter(pk=challenge.pk).update(status="draft")
    challenge.refresh_from_db()
    attachments.attach(upload(), target=challenge, actor=member)
    Challenge.objects.filter(pk=challenge.pk).update(status="published")
    challenge.refresh_from_db()
    return challenge


def people(organisation, member, org_admin):
    colleague = MembershipFactory(organisation=organisation, role="member").user
    return {
        "author": member,
        "org_admin": org_admin,
        "colleague": colleague,
        "programme_manager": MembershipFactory(user__is_programme_manager=True).user,
        "company_member": MembershipFactory(organisation=CompanyFactory(), role="member").user,
        "visitor": AnonymousUser(),
    }


# Who may add or remove, in which state -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("draft", {"author", "org_admin"}),
        ("changes_requested", {"author", "org_admin"}),
        ("awaiting_organisation", set()),
        ("awaiting_review", set()),
        ("published", set()),
        ("cancelled", set()),
    ],
)
def test_only_the_drafter_changes_documents_while_drafting(organisation, member, org_admin, status, allowed):
    challenge = ChallengeFactory(owner=organisation, author=member, status=status)
    for role, person in people(organisation, member, org_admin).items():
        assert person.has_perm("challenges.change_documents", challenge) == (role in allowed), role


@pytest.mark.django_db
def test_the_services_refuse_whoever_may_not_change_documents(draft, organisation, member, org_admin):
    document = attachments.attach(upload(), target=draft, actor=member)
    for role in ("colleague", "programme_manager", "company_member"):
        person = people(organisation, member, org_admin)[role]
        with pytest.raises(PermissionError):
            attachments.attach(upload(), target=draft, actor=person)
        with pytest.raises(PermissionError):
            attachments.detach(document, actor=person)
    Challenge.objects.filter(pk=draft.pk).update(status="published")
    with pytest.raises(PermissionError):
        attachments.detach(Attachment.objects.get(pk=document.pk), actor=member)
    assert Attachment.objects.filter(pk=document.pk).exists()


# The drafting step -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_drafter_adds_documents_in_the_documents_step(client, draft, member):
    client.force_login(member)
    page = client.get(documents_url(draft))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    response = client.post(
        documents_url(draft), {"files": [upload(), upload("Queue data.csv", b"shop,minutes\nLisboa,42\n", "text/csv")]}
    )
    assert response.status_code == 302
    names = sorted(a.original_name for a in attachments.attachments_of(draft))
    assert names == ["Queue data.csv", "Terms of reference.pdf"]
    page = client.get(documents_url(draft)).content.decode()
    assert "Queue data.csv" in page and 'name="remove"' in page and "csrfmiddlewaretoken" in page
    assert AuditEvent.objects.filter(verb="attach", target_id=str(draft.pk)).count() == 2


@pytest.mark.django_db
def test_the_criteria_step_leads_to_the_documents_step(client, draft, member):
    client.force_login(member)
    page = client.get(f"/challenges/{draft.pk}/edit/criteria/").content.decode()
    assert documents_url(draft) in page


@pytest.mark.django_db
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_lost(client, draft, member):
    kept = attachments.attach(upload(), target=draft, actor=member)
    client.force_login(member)
    response = client.post(
        documents_url(draft),
        {"files": [upload("Budget.pdf", b"MZ\x90\x00 not a pdf at all"), upload("Notes.txt", b"Fine", "text/plain")]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert "Budget.pdf" in page and "not of a type Ponte accepts" in page
    assert "Terms of reference.pdf" in page  # the documents already there are still listed
    assert [a.pk for a in attachments.attachments_of(draft)] == [kept.pk]  # the good file is not half-added


@pytest.mark.django_db
def test_no_more_than_ten_documents(client, draft, member):
    for _ in range(9):
        attachments.attach(upload(), target=draft, actor=member)
    client.force_login(member)
    response = client.post(documents_url(draft), {"files": [upload(), upload()]})
    assert response.status_code == 200
    assert "at most 10 documents" in response.content.decode()
    assert len(attachments.attachments_of(draft)) == 9


@pytest.mark.django_db
def test_an_empty_submission_asks_for_a_file(client, draft, member):
    client.force_login(member)
    response = client.post(documents_url(draft), {})
    assert response.status_code == 200
    assert "Choose at least one file to add." in response.content.decode()


@pytest.mark.django_db
def test_removing_a_document_deletes_its_file(client, draft, member, django_capture_on_commit_callbacks, settings):
    document = attachments.attach(upload(), target=draft, actor=member)
    stored = settings.PRIVATE_MEDIA_ROOT / document.file.name
    assert stored.exists()
    client.force_login(member)
    assert client.get(documents_url(draft)).status_code == 200  # a GET removes nothing
    assert Attachment.objects.filter(pk=document.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(documents_url(draft), {"remove": str(document.pk)})
    assert response.status_code == 302
    assert not Attachment.objects.filter(pk=document.pk).exists()
    assert not stored.exists()
    event = AuditEvent.objects.get(verb="detach", target_id=str(draft.pk))
    assert "Terms of reference.pdf" in str(event.before)
    assert client.post(documents_url(draft), {"remove": str(document.pk)}).status_code == 302  # twice: no 500


@pytest.mark.django_db
def test_someone_else_cannot_remove_or_add(client, draft, organisation, member):
    document = attachments.attach(upload(), target=draft, actor=member)
    colleague = MembershipFactory(organisation=organisation, role="member").user
    company = MembershipFactory(organisation=CompanyFactory(), role="member").user
    for person in (colleague, company):
        client.force_login(person)
        assert client.post(documents_url(draft), {"remove": str(document.pk)}).status_code in (403, 404)
        assert client.post(documents_url(draft), {"files": [upload()]}).status_code in (403, 404)
    client.logout()
    assert client.post(documents_url(draft), {"remove": str(document.pk)}).status_code == 302  # to sign in
    assert [a.pk for a in attachments.attachments_of(draft)] == [document.pk]


@pytest.mark.django_db
def test_a_published_challenge_s_documents_are_kept_and_more_are_added_only_by_amendment(client, published, member):
    document = attachments.attachments_of(published)[0]
    client.force_login(member)
    page = client.get(documents_url(published)).content.decode()
    assert "Terms of reference.pdf" in page
    # Removing is never offered once published; adding is, as an amendment with its reason
    # (tests/challenges/amendments/test_amendments.py).
    assert 'name="remove"' not in page
    assert 'type="file"' in page and 'name="rationale"' in page
    response = client.post(documents_url(published), {"remove": str(document.pk)})
    assert response.status_code == 302
    assert Attachment.objects.filter(pk=document.pk).exists()


# Who downloads ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_s_documents_stay_inside_the_public_body(client, draft, organisation, member, org_admin):
    document = attachments.attach(upload(), target=draft, actor=member)
    for role, person in people(organisation, member, org_admin).items():
        client.logout()
        if person.is_authenticated:
            if person.is_programme_manager:
                give_two_factor(person)
            client.force_login(person)
        response = client.get(download_url(document))
        expected = 200 if role in ("author", "org_admin", "colleague") else 404
        if role == "visitor":
            expected = 302  # asked to sign in; the file is never sent
            assert response["Location"].startswith("/accounts/login/")
        assert response.status_code == expected, role
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_once_published_everyone_downloads_them(client, published):
    document = attachments.attachments_of(published)[0]
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_challenge_page_lists_the_documents(client, published):
    page = client.get(published.get_absolute_url()).content.decode()
    document = attachments.attachments_of(published)[0]
    assert 'id="documents-title"' in page
    assert f'href="{download_url(document)}"' in page
    assert "application/pdf" in page
    other = PublishedChallengeFactory(owner=published.owner)
    assert 'id="documents-title"' not in client.get(other.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_challenge_page_reads_the_documents_in_one_query(client, published, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(published.get_absolute_url())  # warm the caches
    with CaptureQueriesContext(connection) as one:
        client.get(published.get_absolute_url())
    published.status = "draft"
    for _ in range(3):
        attachments.attach(upload(), target=published, actor=member)
    with CaptureQueriesContext(connection) as four:
        client.get(published.get_absolute_url())
    assert len(one) == len(four)


# Open data and API --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ocds_tender_lists_the_documents_and_stays_valid(client, published, tmp_path):
    document = attachments.attachments_of(published)[0]
    package = client.get(f"/open-data/ocds/records/{ocds.ocid_for(published)}.json").json()
    tender = package["records"][0]["releases"][0]["tender"]
    bidding = [d for d in tender["documents"] if d["documentType"] == "biddingDocuments"]
    assert bidding == [
        {
            "id": f"document-{document.pk.hex}",
            "documentType": "biddingDocuments",
            "title": "Terms of reference.pdf",
            "url": f"{settings.PONTE_BASE_URL}{download_url(document)}",
            "format": "application/pdf",
            "datePublished": ocds.iso(published.published_at),
        }
    ]
    assert_valid(review(tmp_path, package, "record.json"))
    assert_valid(review(tmp_path, client.get("/open-data/ocds/releases.json").json(), "releases.json"))


@pytest.mark.django_db
def test_the_api_lists_the_documents(client, published, draft):
    document = attachments.attachments_of(published)[0]
    data = client.get(f"/api/challenges/{published.pk}").json()
    assert data["documents"] == [
        {
            "name": "Terms of reference.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "url": f"http://testserver{download_url(document)}",
        }
    ]
    assert client.get(f"/api/challenges/{draft.pk}").status_code == 404


def test_the_demo_pdf_is_a_real_pdf():
    import puremagic

    data = text_pdf("Terms of reference. Proposals explain how (and why).")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert "application/pdf" in {m.mime_type for m in puremagic.magic_string(data)}
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref:].startswith(b"xref")
