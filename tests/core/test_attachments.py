"""Attachments are judged by their content, stored privately under a random name and
served only to the people allowed to see their target."""

import hashlib
import io
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ponte.core import attachments
from ponte.core.models import Attachment, AuditEvent
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory


def _pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _png() -> bytes:
    """A real one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _pixels(content: bytes) -> list:
    from PIL import Image

    with Image.open(io.BytesIO(content)) as picture:
        return list(picture.convert("RGB").get_flattened_data())


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
WINDOWS_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00" + b"\x00" * 200
)


def _stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p.resolve() for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _attach(name, content, *, target, actor):
    return attachments.attach(ContentFile(content, name=name), target=target, actor=actor)


# What is accepted, and where it goes ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("report.pdf", _pdf(), "application/pdf"), ("chart.png", _png(), "image/png")],
    ids=["pdf", "png"],
)
def test_a_real_file_is_accepted_and_stored_privately(organisation, org_admin, name, content, mime):
    attachment = _attach(name, content, target=organisation, actor=org_admin)

    attachment = Attachment.objects.get(pk=attachment.pk)
    assert attachment.original_name == name
    assert attachment.content_type == mime
    assert attachment.size == Path(attachment.file.path).stat().st_size
    assert attachment.uploaded_by == org_admin
    assert attachment.target == organisation
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    if mime == "image/png":  # a picture is written again from its pixels
        assert _pixels(stored.read_bytes()) == _pixels(content)
    else:
        assert stored.read_bytes() == content
    # The stored name is random, never the uploader's.
    assert stored.name == attachment.id.hex
    assert Path(name).stem not in attachment.file.name
    assert _stored_files() == [stored]
    assert attachments.attachments_of(organisation) == [attachment]


def test_the_same_name_uploaded_twice_is_kept_twice_under_different_names(organisation, org_admin):
    first = _attach("report.pdf", _pdf(), target=organisation, actor=org_admin)
    second = _attach("report.pdf", _pdf() + b"%% v2\n", target=organisation, actor=org_admin)
    assert first.file.name != second.file.name
    assert first.sha256 != second.sha256
    assert len(_stored_files()) == 2


def test_an_upload_is_audited(organisation, org_admin):
    attachment = _attach("report.pdf", _pdf(), target=organisation, actor=org_admin)
    event = AuditEvent.objects.get(verb="attach")
    assert event.actor == org_admin
    assert event.target_id == str(organisation.pk)
    assert event.after == {"attachment": "report.pdf", "sha256": attachment.sha256}


# What is refused ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("report.pdf", ELF, "bad_type", "is not of a type Ponte accepts"),
        ("report.pdf", WINDOWS_EXE, "bad_type", "is not of a type Ponte accepts"),
        ("report.exe", WINDOWS_EXE, "bad_type", "is not of a type Ponte accepts"),
        ("chart.png", _pdf(), "bad_type", "its content does not match its name"),
        ("report.pdf", b"", "empty", "The file “report.pdf” is empty."),
        ("../../etc/passwd.pdf", _pdf(), "path_in_name", "must not contain a path"),
        ("..\\evil.pdf", _pdf(), "path_in_name", "must not contain a path"),
        ("/etc/passwd.pdf", _pdf(), "path_in_name", "must not contain a path"),
        (".htaccess", b"Options +ExecCGI\n", "path_in_name", "must not contain a path"),
        ("report\x00.pdf", _pdf(), "bad_name", "characters that are not allowed"),
        ("", _pdf(), "bad_name", "at most 200 characters"),
    ],
    ids=[
        "elf",
        "windows-exe",
        "exe",
        "pdf-as-png",
        "empty",
        "traversal",
        "backslash",
        "absolute",
        "dotfile",
        "nul",
        "no-name",
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(organisation, org_admin, name, content, code, message):
    with pytest.raises(ValidationError) as caught:
        _attach(name, content, target=organisation, actor=org_admin)

    assert caught.value.code == code
    assert message in caught.value.messages[0]
    assert not Attachment.objects.exists()
    assert _stored_files() == []
    assert not AuditEvent.objects.filter(verb="attach").exists()


def test_an_oversized_file_is_refused(organisation, org_admin, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    content = _pdf().ljust(101, b"\n")

    with pytest.raises(ValidationError) as caught:
        _attach("report.pdf", content, target=organisation, actor=org_admin)

    assert caught.value.code == "too_large"
    assert "files may be at most 100\xa0bytes" in caught.value.messages[0]
    assert not Attachment.objects.exists()
    assert _stored_files() == []


def test_a_file_at_the_limit_is_accepted(organisation, org_admin, settings):
    content = _pdf()
    settings.ATTACHMENT_MAX_BYTES = len(content)
    assert _attach("report.pdf", content, target=organisation, actor=org_admin).size == len(content)


@pytest.mark.parametrize("uploader", ["member", "citizen", "programme_manager"])
def test_someone_who_may_not_add_documents_is_refused(organisation, request, uploader):
    actor = request.getfixturevalue(uploader)
    with pytest.raises(PermissionError):
        _attach("report.pdf", _pdf(), target=organisation, actor=actor)
    assert not Attachment.objects.exists()
    assert _stored_files() == []


def test_the_admin_of_a_suspended_organisation_is_refused(org_admin, organisation):
    organisation.status = "suspended"
    organisation.save(update_fields=["status"])
    with pytest.raises(PermissionError):
        _attach("report.pdf", _pdf(), target=organisation, actor=org_admin)
    assert not Attachment.objects.exists()


# Downloading ----------------------------------------------------------------------------


@pytest.fixture
def document(organisation, org_admin):
    return _attach("report.pdf", _pdf(), target=organisation, actor=org_admin)


def _download(client, document):
    return client.get(reverse("attachment_download", kwargs={"pk": document.pk}))


@pytest.mark.parametrize("viewer", ["member", "org_admin"])
def test_members_download_the_file(client, document, request, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = _download(client, document)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize("staff", ["programme_manager", "platform_admin"])
def test_staff_download_the_file(client, document, request, staff):
    user = request.getfixturevalue(staff)
    give_two_factor(user)
    client.force_login(user)

    response = _download(client, document)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _pdf()


@pytest.mark.parametrize("viewer", ["citizen", "member_elsewhere"])
def test_others_are_told_it_does_not_exist(client, document, citizen, viewer):
    user = citizen if viewer == "citizen" else MembershipFactory(role="admin", organisation=OrganisationFactory()).user
    client.force_login(user)
    assert _download(client, document).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, document):
    response = _download(client, document)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_attachment_is_not_found(client, member):
    client.force_login(member)
    assert client.get(reverse("attachment_download", kwargs={"pk": uuid.uuid4()})).status_code == 404


# The upload form on the organisation's page ---------------------------------------------


def _upload(client, organisation, name, content):
    return client.post(
        reverse("organisations:document_upload", kwargs={"slug": organisation.slug}),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_the_upload_form_adds_a_document_to_the_page(client, organisation, org_admin):
    client.force_login(org_admin)

    response = _upload(client, organisation, "report.pdf", _pdf())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Document added." in html
    attachment = Attachment.objects.get()
    assert reverse("attachment_download", kwargs={"pk": attachment.pk}) in html
    assert "report.pdf" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", ELF, "is not of a type Ponte accepts"),
        ("report.pdf", WINDOWS_EXE, "is not of a type Ponte accepts"),
        ("report.pdf", b"", "Choose a file to upload."),  # the form itself refuses an empty file
    ],
    ids=["elf", "windows-exe", "empty"],
)
def test_the_upload_form_shows_the_refusal(client, organisation, org_admin, name, content, message):
    client.force_login(org_admin)

    response = _upload(client, organisation, name, content)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == organisation.get_absolute_url()
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\evil.pdf"])
def test_a_path_sent_with_an_upload_never_reaches_the_disk(client, organisation, org_admin, name):
    # Django's upload parser keeps only the last part of the name; the stored name is random anyway.
    client.force_login(org_admin)

    _upload(client, organisation, name, _pdf())

    attachment = Attachment.objects.get()
    assert "/" not in attachment.original_name
    assert "\\" not in attachment.original_name
    assert ".." not in attachment.original_name
    assert _stored_files() == [Path(attachment.file.path).resolve()]
    assert Path(attachment.file.path).resolve().is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())


def test_the_upload_form_refuses_an_oversized_file(client, organisation, org_admin, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(org_admin)

    response = _upload(client, organisation, "report.pdf", _pdf().ljust(500, b"\n"))

    assert "files may be at most 100\xa0bytes" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_upload_form_refuses_a_member_who_may_not_add_documents(client, organisation, member):
    client.force_login(member)

    response = client.post(
        reverse("organisations:document_upload", kwargs={"slug": organisation.slug}),
        {"file": SimpleUploadedFile("report.pdf", _pdf())},
    )

    assert response.status_code == 403
    assert not Attachment.objects.exists()
    assert _stored_files() == []


# Pictures keep no metadata ----------------------------------------------------------------


def _photo_with_exif(orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: the place it was taken, the device and its orientation."""
    from PIL import Image

    picture = Image.new("RGB", (4, 2), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0110] = "Phone of a civil servant"  # Model
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (38.0, 43.0, 0.0), 3: "W", 4: (9.0, 8.0, 0.0)}  # GPS
    written = io.BytesIO()
    picture.save(written, "JPEG", exif=exif.tobytes())
    return written.getvalue()


def test_a_photo_loses_its_place_device_and_time_but_stays_upright(organisation, org_admin):
    from PIL import Image

    # Orientation 6: the camera was turned; the picture is shown turned a quarter.
    content = _photo_with_exif(orientation=6)
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif()[0x0110] == "Phone of a civil servant"
    attachment = _attach("site.jpg", content, target=organisation, actor=org_admin)
    stored = Path(attachment.file.path).read_bytes()
    assert b"Phone of a civil servant" not in stored
    with Image.open(io.BytesIO(stored)) as kept:
        assert dict(kept.getexif()) == {}
        assert kept.size == (2, 4)
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()


def test_a_png_loses_its_text_chunks(organisation, org_admin):
    from PIL import Image, PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Olga Admin, 12 Rua Augusta")
    written = io.BytesIO()
    Image.new("RGBA", (3, 3), (0, 0, 255, 128)).save(written, "PNG", pnginfo=text)
    attachment = _attach("plan.png", written.getvalue(), target=organisation, actor=org_admin)
    stored = Path(attachment.file.path).read_bytes()
    assert b"Rua Augusta" not in stored
    assert _pixels(stored) == _pixels(written.getvalue())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.png", _png()[:40]),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    ],
    ids=["cut png", "empty jpeg"],
)
def test_a_picture_that_cannot_be_read_is_refused_clearly(organisation, org_admin, name, content):
    with pytest.raises(ValidationError) as error:
        _attach(name, content, target=organisation, actor=org_admin)
    assert "cannot be read" in error.value.messages[0]
    assert not Attachment.objects.exists()


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_read(organisation, org_admin):
    import struct as packing

    def chunk(kind: bytes, data: bytes) -> bytes:
        return packing.pack(">I", len(data)) + kind + data + packing.pack(">I", zlib.crc32(kind + data))

    # A header claiming 100,000 × 100,000 pixels, and almost no data.
    header = packing.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(ValidationError) as error:
        _attach("bomb.png", bomb, target=organisation, actor=org_admin)
    assert error.value.code == "bad_picture"
