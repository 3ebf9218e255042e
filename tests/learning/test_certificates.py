"""Certificates: a person recorded as having come to a session holds a certificate of the course,
with a code anyone checks on a public page that tells the name, the course and the date and
nothing else; corrected to absent, it is revoked and the code says so; present again, it is
valid again under the same code. The holder alone reads it, downloads it as a tagged PDF made
with the shipped fonts only, and chooses whether to publish it as an Open Badge."""

import hashlib
import re
import zlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.learning import pdf
from ponte.learning.models import CODE_LENGTH, Certificate, Course, Enrolment, new_code, normalised_code
from ponte.learning.models.certificates import CODE_ALPHABET
from ponte.learning.services import catalogue as catalogue_services
from ponte.learning.services import certificates as certificate_services
from ponte.learning.services import sessions as session_services
from tests.factories import MembershipFactory, UserFactory
from tests.reading import Page

from .conftest import course_answers, received

pytestmark = pytest.mark.django_db

BASE = "https://ponte.example.org"
NO_SUCH_CODE = "No certificate has this code."


def enrolment_of(person, session) -> Enrolment:
    return Enrolment.objects.filter(person=person, session=session).latest("pk")


def record(session, actor, came) -> None:
    """Record, an hour into the session, that these people came and the others did not."""
    present = {enrolment_of(person, session).pk for person in came}
    with time_machine.travel(session.starts_at + timedelta(hours=1), tick=False):
        session_services.attendance_record(actor=actor, session=session, present=present)


def certificate_of(person) -> Certificate:
    """The person's first certificate (of the course of the session taught)."""
    return Certificate.objects.filter(person=person).earliest("pk")


def verbs(certificate) -> list[str]:
    events = AuditEvent.objects.filter(target_id=str(certificate.pk), verb__in=["issue", "revoke", "reinstate"])
    return [event.verb for event in events.order_by("pk")]


def shown_on(certificate) -> str:
    return date_filter(certificate.completed_on, "DATE_FORMAT")


def verify(client, code):
    return client.get("/learning/verify/", {"code": code})


def verified(response) -> dict[str, str]:
    """The result of a check, as read: {term: what it says}."""
    page = Page(response)
    [heading] = [h for h in page.headings(page.main) if h in ("A valid certificate", "A revoked certificate")]
    part = page.part(heading)
    terms = [" ".join(dt.text_content().split()) for dt in part.xpath(".//dt")]
    values = [" ".join(dd.text_content().split()) for dd in part.xpath(".//dd")]
    return dict(zip(terms, values, strict=True))


def typed_in(response) -> str:
    return Page(response).main.xpath(".//input[@name='code']")[0].get("value") or ""


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/"), url
    return url.removeprefix(BASE)


@pytest.fixture
def visitor():
    """A browser of its own, signed out, beside the one `login` signs in."""
    return Client()


@pytest.fixture
def people(organisation):
    """Ana (a member of an organisation) and Bo and Cy, who have names and addresses of their own."""
    ana = MembershipFactory(
        organisation=organisation, user__name="Ana Almeida", user__email="Ana.Almeida@Example.com"
    ).user
    bo = UserFactory(name="Bo Berg", email="bo.berg@example.com")
    cy = UserFactory(name="Cy Coelho", email="cy.coelho@example.com")
    return ana, bo, cy


@pytest.fixture
def taught(session, enrol, people, trainer):
    """The session, its three people enrolled, Ana and Cy recorded as having come, Bo absent."""
    ana, bo, cy = enrol(session, list(people))
    record(session, trainer, [ana, cy])
    return session, (ana, bo, cy)


@pytest.fixture
def certify(programme_manager, session_in):
    """Give a person the certificate of another course, as its programme manager records their
    attendance after the session."""

    def make(person, title):
        course = catalogue_services.course_add(actor=programme_manager, **course_answers(title=title, hours=3))
        over = session_in("over", course=course)
        enrolment = Enrolment.objects.create(session=over, person=person, status="enrolled", queued_at=over.starts_at)
        session_services.attendance_record(actor=programme_manager, session=over, present={enrolment.pk})
        return Certificate.objects.get(enrolment=enrolment)

    return make


# Attendance issues, revokes and reinstates ---------------------------------------------------------


def test_attendance_issues_one_certificate_to_each_person_who_came_and_tells_them(taught, trainer):
    session, (ana, bo, cy) = taught
    # One each, for Ana and Cy: none for Bo.
    assert sorted(Certificate.objects.values_list("person_id", flat=True)) == sorted([ana.pk, cy.pk])
    assert not Certificate.objects.filter(person=bo).exists()
    certificate = certificate_of(ana)
    assert certificate.enrolment == enrolment_of(ana, session) and certificate.is_valid
    assert (certificate.name, certificate.course_title, certificate.hours) == (
        "Ana Almeida",
        "Prototyping public services",
        12,
    )
    assert certificate.completed_on == timezone.localdate(session.ends_at)
    assert sorted(received("learning.certificate_issued")) == sorted([ana.pk, cy.pk])
    told = Notification.objects.get(kind="learning.certificate_issued", recipient=ana)
    assert told.url == certificate.get_absolute_url()
    assert "Prototyping public services" in told.message
    # Recorded again, nobody gets a second one nor is told again.
    record(session, trainer, [ana, cy])
    assert Certificate.objects.count() == 2 and len(received("learning.certificate_issued")) == 2
    for person in (ana, cy):
        issued = AuditEvent.objects.get(verb="issue", target_id=str(certificate_of(person).pk))
        assert issued.actor == trainer and issued.after == {"code": certificate_of(person).code}


def test_correcting_to_absent_revokes_and_present_again_reinstates_the_same_code(
    taught, trainer, visitor, login, settings
):
    client = visitor
    settings.PONTE_BASE_URL = BASE
    session, (ana, bo, cy) = taught
    certificate = certificate_of(ana)
    code = certificate.code
    certificate_services.badge_consent_set(actor=ana, certificate=certificate, consent=True)
    assertion = f"/learning/badges/assertions/{code}.json"
    # Valid: everyone reads so.
    assert "A valid certificate" in Page(verify(client, code)).headings()
    assert client.get(f"/api/learning/certificates/{code}").json()["valid"] is True
    assert client.get(assertion).status_code == 200

    record(session, trainer, [cy])
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and not certificate.is_valid
    assert certificate_of(cy).is_valid
    page = Page(verify(client, code))
    assert "A revoked certificate" in page.headings() and "A valid certificate" not in page.headings()
    assert "This certificate was revoked" in page.text()
    assert verified(verify(client, code))["Name"] == "Ana Almeida"
    answer = client.get(f"/api/learning/certificates/{code}")
    assert answer.status_code == 200 and answer.json()["valid"] is False
    answer = client.get(assertion)
    assert answer.status_code == 410
    assert answer.json()["revoked"] is True and answer.json()["id"] == BASE + assertion
    # The holder reads that it is revoked, and no longer downloads it as valid.
    holder = login(ana)
    assert "This certificate is revoked" in Page(holder.get(certificate.get_absolute_url())).text()
    assert holder.get(f"/learning/certificates/{certificate.pk}/certificate.pdf").status_code == 404

    record(session, trainer, [ana, cy])
    certificate.refresh_from_db()
    assert certificate.is_valid and certificate.code == code
    assert Certificate.objects.filter(person=ana).count() == 1
    assert "A valid certificate" in Page(verify(client, code)).headings()
    assert client.get(f"/api/learning/certificates/{code}").json()["valid"] is True
    answer = client.get(assertion)
    assert answer.status_code == 200 and "revoked" not in answer.json()
    assert verbs(certificate) == ["issue", "revoke", "reinstate"]
    assert {event.actor for event in AuditEvent.objects.filter(verb__in=["revoke", "reinstate"])} == {trainer}
    # Nothing happened to Cy's, nor was anything issued to Bo.
    assert verbs(certificate_of(cy)) == ["issue"]
    assert not Certificate.objects.filter(person=bo).exists()


def test_the_certificate_keeps_the_name_and_course_as_they_were(taught, programme_manager, client):
    session, (ana, _bo, _cy) = taught
    certificate = certificate_of(ana)
    ana.name = "Ana Almeida-Renamed"
    ana.save(update_fields=["name"])
    course = Course.objects.get(pk=session.course_id)
    course.title = "Prototyping, renamed"
    course.hours = 40
    course.save(update_fields=["title", "hours"])
    certificate.refresh_from_db()
    assert (certificate.name, certificate.course_title, certificate.hours) == (
        "Ana Almeida",
        "Prototyping public services",
        12,
    )
    found = verified(verify(client, certificate.code))
    assert found["Name"] == "Ana Almeida" and found["Course"] == "Prototyping public services"
    checked = client.get(f"/api/learning/certificates/{certificate.code}").json()
    assert (checked["name"], checked["course"]) == ("Ana Almeida", "Prototyping public services")


@pytest.mark.django_db(transaction=True)
def test_the_check_kept_for_visitors_follows_a_revocation(taught, trainer, visitor, pages_kept):
    session, (ana, _bo, cy) = taught
    code = certificate_of(ana).code
    assert "A valid certificate" in Page(verify(visitor, code)).headings()
    assert "A valid certificate" in Page(verify(visitor, code)).headings()  # as kept
    record(session, trainer, [cy])
    assert "A revoked certificate" in Page(verify(visitor, code)).headings()
    record(session, trainer, [ana, cy])
    assert "A valid certificate" in Page(verify(visitor, code)).headings()


# Codes -----------------------------------------------------------------------------------------------


def test_codes_are_twelve_characters_of_the_alphabet_in_groups_of_four_and_all_different():
    shape = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
    codes = [new_code() for _ in range(3000)]
    assert all(shape.match(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert CODE_LENGTH == 12 and not set("ILOU") & set(CODE_ALPHABET)
    # Every character of the alphabet turns up: none is left out of the draw.
    assert set("".join(codes).replace("-", "")) == set(CODE_ALPHABET)


def test_two_certificates_never_share_a_code(taught):
    ana_s, cy_s = certificate_of(taught[1][0]), certificate_of(taught[1][2])
    assert ana_s.code != cy_s.code
    cy_s.code = ana_s.code
    with pytest.raises(IntegrityError), transaction.atomic():
        cy_s.save(update_fields=["code"])


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("E6P3-028Q-4HG3", "E6P3-028Q-4HG3"),
        ("e6p3 028q 4hg3", "E6P3-028Q-4HG3"),
        ("e6p3028q4hg3", "E6P3-028Q-4HG3"),
        ("  E6P3--028Q 4HG3  ", "E6P3-028Q-4HG3"),
        ("E6P3-O28Q-4HG3", "E6P3-028Q-4HG3"),
        ("e6p3-o28q-4hg3", "E6P3-028Q-4HG3"),
        ("A1B1-C1D0-0000", "A1B1-C1D0-0000"),
        ("AIBL-CiDo-oOOO", "A1B1-C1D0-0000"),
    ],
)
def test_a_code_is_read_as_typed(typed, kept):
    assert normalised_code(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "E6P3-028Q-4HG",  # one short
        "E6P3-028Q-4HG33",  # one too many
        "E6P3-028Q-4HGU",  # U is not in the alphabet
        "E6P3-028Q-4HG!",
        "E6P3-028Q-4HGÉ",
        "E6P3-028Q-4HG٣",  # a digit, but not one of ours
        "E6P3-028Q-4HG３",  # a full-width digit
        "x" * 10000,
        "\x00" * 12,
        "E6P3-028Q-4HG\x00",
    ],
)
def test_a_code_of_the_wrong_length_or_characters_is_refused(typed):
    assert normalised_code(typed) == ""


# The public check ------------------------------------------------------------------------------


def test_the_check_tells_name_course_and_date_and_nothing_else(taught, client, certify, organisation):
    _session, (ana, _bo, cy) = taught
    certificate = certificate_of(ana)
    other = certify(ana, "Storytelling for policy")
    for typed in (certificate.code, certificate.code.lower().replace("-", " "), certificate.code.replace("-", "")):
        response = verify(client, typed)
        assert response.status_code == 200
        assert verified(response) == {
            "Name": "Ana Almeida",
            "Course": "Prototyping public services",
            "Date": shown_on(certificate),
        }
    body = verify(client, certificate.code).content.decode()
    for secret in (
        ana.email,
        ana.email.lower(),
        "Almeida@",
        organisation.name,
        other.course_title,
        other.code,
        cy.name,
    ):
        assert secret not in body, secret
    # Read with the letters O and I or L for the digits 0 and 1, it is found all the same.
    confused = certificate.code.replace("0", "O").replace("1", "l")
    assert verified(verify(client, confused))["Name"] == "Ana Almeida"


def test_the_check_is_public(taught, login):
    certificate = certificate_of(taught[1][0])
    client = login(None)
    response = verify(client, certificate.code)
    assert response.status_code == 200 and verified(response)["Name"] == "Ana Almeida"
    page = Page(client.get("/learning/verify/"))
    assert page.headings(page.main)[0] == "Check a certificate" and NO_SUCH_CODE not in page.text()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("ZZZZ-ZZZZ-ZZZZ", "ZZZZ-ZZZZ-ZZZZ"),
        ("hello", "hello"),
        ("Ünïcødé ✓ 証明書", "Ünïcødé ✓ 証明書"),
        ("ab\x00cd", "abcd"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("' OR 1=1 --", "' OR 1=1 --"),
        ("x" * 10000, "x" * 40),
    ],
)
def test_an_unknown_or_garbage_code_is_said_so_keeping_what_was_typed(taught, login, typed, kept):
    client = login(None)
    response = verify(client, typed)
    assert response.status_code == 200
    page = Page(response)
    assert NO_SUCH_CODE in page.text()
    assert "A valid certificate" not in page.headings() and "A revoked certificate" not in page.headings()
    assert typed_in(response) == kept
    assert "Ana Almeida" not in page.text()


# The API ---------------------------------------------------------------------------------------


def test_the_api_checks_a_code_and_tells_nothing_else(taught, client):
    certificate = certificate_of(taught[1][0])
    for typed in (certificate.code, certificate.code.lower(), certificate.code.replace("-", "")):
        answer = client.get(f"/api/learning/certificates/{typed}")
        assert answer.status_code == 200
        assert answer.json() == {
            "valid": True,
            "name": "Ana Almeida",
            "course": "Prototyping public services",
            "completed_on": certificate.completed_on.isoformat(),
        }


@pytest.mark.parametrize(
    "typed",
    ["ZZZZ-ZZZZ-ZZZZ", "hello", "%00", "ab%00cd", "%C3%9Cn%C3%AFc%C3%B8d%C3%A9", "'%20OR%201=1", "x" * 40],
)
def test_the_api_answers_an_unknown_or_garbage_code_with_a_404_problem(taught, client, typed):
    answer = client.get(f"/api/learning/certificates/{typed}")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == 404
    assert "Ana" not in answer.content.decode()


def test_the_api_refuses_a_code_too_long_to_be_one_as_a_problem(taught, client):
    answer = client.get("/api/learning/certificates/" + "x" * 10000)
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json" and answer.json()["status"] == 422


# The holder's certificate and its PDF ------------------------------------------------------------


def test_the_holder_reads_their_certificate_and_nobody_else_does(taught, login, citizen, trainer, programme_manager):
    _session, (ana, bo, cy) = taught
    certificate = certificate_of(ana)
    page_address = f"/learning/certificates/{certificate.pk}/"
    pdf_address = f"/learning/certificates/{certificate.pk}/certificate.pdf"
    page = Page(login(ana).get(page_address))
    assert page.headings(page.main)[0] == "Prototyping public services"
    assert certificate.code in page.text() and "Ana Almeida" in page.text()
    assert page.link("Download the certificate (PDF)") == pdf_address
    for other in (bo, cy, citizen, trainer, programme_manager):
        client = login(other)
        assert client.get(page_address).status_code == 404
        assert client.get(pdf_address).status_code == 404
    client = login(None)
    for address in (page_address, pdf_address):
        assert client.get(address).url.startswith("/accounts/login/")
    assert login(ana).get("/learning/certificates/99999999999999999999/").status_code == 404


# A reading of the PDF, with the standard library: its objects (those in object streams too), and
# the text its pages show, decoded with each font's ToUnicode map.

OBJECT = re.compile(rb"(\d+) 0 obj")


def pdf_objects(body: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Every object by number: its dictionary, and its stream's data decompressed (or None)."""
    found: dict[int, tuple[bytes, bytes | None]] = {}
    at = 0
    while match := OBJECT.search(body, at):
        start = match.end()
        end = body.index(b"endobj", start)
        stream = body.find(b"stream", start, end)
        if stream == -1:
            found[int(match[1])] = (body[start:end].strip(), None)
            at = end
            continue
        head = body[start:stream]
        length = int(re.search(rb"/Length (\d+)", head)[1])
        data_at = stream + len(b"stream")
        data_at += 2 if body[data_at : data_at + 2] == b"\r\n" else 1
        data = body[data_at : data_at + length]
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        found[int(match[1])] = (head.strip(), data)
        at = data_at + length
    for head, data in list(found.values()):
        if b"/Type /ObjStm" in head:
            first = int(re.search(rb"/First (\d+)", head)[1])
            numbers = [int(n) for n in data[:first].split()]
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            ends = [offset for _number, offset in pairs[1:]] + [len(data) - first]
            for (number, offset), stop in zip(pairs, ends, strict=True):
                found[number] = (data[first + offset : first + stop].strip(), None)
    return found


def _unicode_map(cmap: bytes) -> dict[int, str]:
    found = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for step, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = chr(int(target, 16) + step)
    return found


def pdf_fonts(objects) -> dict[int, bytes]:
    """The composite fonts, by object number: their dictionaries."""
    return {number: head for number, (head, _data) in objects.items() if b"/Subtype /Type0" in head}


def pdf_text(body: bytes) -> str:
    objects = pdf_objects(body)
    fonts = {}
    for number, head in pdf_fonts(objects).items():
        fonts[number] = _unicode_map(objects[int(re.search(rb"/ToUnicode (\d+) 0 R", head)[1])][1])
    by_name = {}
    for head, _data in objects.values():
        for name, number in re.findall(rb"/([^\s/<>\[\]()]+)\s+(\d+) 0 R", head):
            if int(number) in fonts:
                by_name[name] = fonts[int(number)]
    shown = []
    for _head, data in objects.values():
        if data is None or b" Tf" not in data:
            continue
        font: dict[int, str] = {}
        for match in re.finditer(
            rb"/([^\s/]+)\s+[\d.]+\s+Tf|\[((?:[^\]\\]|\\.)*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj|\bET\b", data
        ):
            if match[1] is not None:
                font = by_name[match[1]]
                continue
            if match[0] == b"ET":
                shown.append("\n")
                continue
            for text in re.findall(rb"<([0-9A-Fa-f]*)>", match[2] if match[2] is not None else b"<" + match[3] + b">"):
                shown.extend(font[int(text[i : i + 4], 16)] for i in range(0, len(text), 4))
    return "".join(shown)


def catalog_of(objects) -> bytes:
    [catalog] = [head for head, _data in objects.values() if b"/Type /Catalog" in head]
    return catalog


def test_the_pdf_is_tagged_in_the_holders_language_with_the_shipped_font(taught, login):
    _session, (ana, _bo, _cy) = taught
    ana.language = "fr"
    ana.save(update_fields=["language"])
    certificate = certificate_of(ana)
    response = login(ana).get(f"/learning/certificates/{certificate.pk}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"certificate-{certificate.code}.pdf" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF-")
    objects = pdf_objects(body)
    catalog = catalog_of(objects)
    assert b"/Lang (fr)" in catalog
    assert b"/StructTreeRoot" in catalog and re.search(rb"/MarkInfo\s*<<\s*/Marked true", catalog)
    structure = {match for head, _data in objects.values() for match in re.findall(rb"/S /(\w+)", head)}
    assert {b"Document", b"H1", b"P"} <= structure
    metadata = b"".join(data for head, data in objects.values() if b"/Type /Metadata" in head)
    assert b'pdfuaid:part="1"' in metadata
    text = pdf_text(body)
    assert "Ana Almeida" in text and certificate.code in text
    assert "Prototyping public services" in text


def test_the_pdf_embeds_the_shipped_font_and_nothing_else(taught):
    certificate = certificate_of(taught[1][0])
    body = pdf.certificate_pdf(certificate, verify_address=f"{BASE}/learning/verify/", language="nl")
    objects = pdf_objects(body)
    assert b"/Lang (nl)" in catalog_of(objects)
    fonts = pdf_fonts(objects)
    names = [re.search(rb"/BaseFont /(\S+?)(?=[/>\s])", head)[1] for head in fonts.values()]
    assert names and all(b"+Certificate-Sans" in name for name in names), names
    # Each is embedded: its descriptor holds the font file, subset from the one shipped.
    descriptors = [head for head, _data in objects.values() if b"/Type /FontDescriptor" in head]
    assert len(descriptors) == len(fonts)
    for descriptor in descriptors:
        assert b"Certificate-Sans" in descriptor
        font_file = objects[int(re.search(rb"/FontFile2 (\d+) 0 R", descriptor)[1])][1]
        assert font_file[:4] == b"\x00\x01\x00\x00"  # TrueType
    text = pdf_text(body)
    assert certificate.code in text
    assert f"{BASE}/learning/verify/" in re.sub(r"\s", "", text)  # however the line breaks


def test_the_pdf_fetches_nothing_but_the_shipped_fonts(taught, monkeypatch, tmp_path):
    from weasyprint.urls import URLFetcher

    certificate = certificate_of(taught[1][0])
    elsewhere = tmp_path / "elsewhere.css"
    elsewhere.write_text('main::after { content: "LEAKED FROM A FILE"; }')
    rendered = pdf.render_to_string

    def variant(*args, **kwargs):
        html = rendered(*args, **kwargs)
        return html.replace(
            "</head>",
            f'<link rel="stylesheet" href="{elsewhere.as_uri()}">'
            '<link rel="stylesheet" href="https://example.org/leak.css">'
            '<style>@import url("http://127.0.0.1:9/import.css");</style></head>',
        ).replace("</main>", '<img src="https://example.org/pixel.png" alt=""></main>')

    reached, asked = [], []
    original = URLFetcher.fetch

    def reaching(self, url, headers=None):
        reached.append(url)
        return original(self, url, headers)

    made = pdf._fonts_only

    def watched():
        fetcher = made()
        guarded = fetcher.fetch

        def fetch(url, headers=None):
            asked.append(url)
            return guarded(url, headers)

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(pdf, "render_to_string", variant)
    monkeypatch.setattr(pdf, "_fonts_only", watched)
    monkeypatch.setattr(URLFetcher, "fetch", reaching)
    body = pdf.certificate_pdf(certificate, verify_address=f"{BASE}/learning/verify/", language="en")
    fonts = {font.as_uri() for font in pdf.FONTS.glob("*.ttf")}
    # Each address was asked for, and only the fonts went further.
    assert {elsewhere.as_uri(), "https://example.org/leak.css", "https://example.org/pixel.png"} <= set(asked)
    assert reached and set(reached) <= fonts
    assert "LEAKED" not in pdf_text(body) and "Ana Almeida" in pdf_text(body)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x",
        "http://127.0.0.1:9/x",
        "ftp://example.org/DejaVuSans.ttf",
        "data:text/css,body{}",
    ],
)
def test_the_fetcher_refuses_any_address_on_the_network(url):
    with pytest.raises(ValueError):
        pdf._fonts_only().fetch(url)


def test_the_fetcher_refuses_a_file_other_than_the_shipped_fonts(tmp_path):
    other = tmp_path / "DejaVuSans.ttf"
    other.write_bytes((pdf.FONTS / "DejaVuSans.ttf").read_bytes())
    fetcher = pdf._fonts_only()
    for url in (
        other.as_uri(),
        (pdf.FONTS / "LICENSE").as_uri(),
        (pdf.FONTS.parent / "pdf.py").as_uri(),
        pdf.FONTS.as_uri() + "/../pdf.py",
        (pdf.FONTS / "DejaVuSans.ttf").as_uri() + "?x=1",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    found = fetcher.fetch((pdf.FONTS / "DejaVuSans.ttf").as_uri())
    try:
        assert found.read(4) == b"\x00\x01\x00\x00"
    finally:
        found.close()


# Open Badges -----------------------------------------------------------------------------------


def test_the_holder_publishes_an_open_badge_and_withdraws_it(taught, login, visitor, settings):
    client = visitor
    settings.PONTE_BASE_URL = BASE
    session, (ana, _bo, _cy) = taught
    certificate = certificate_of(ana)
    assertion = f"/learning/badges/assertions/{certificate.code}.json"
    consent = f"/learning/certificates/{certificate.pk}/badge/"
    assert client.get(assertion).status_code == 404

    holder = login(ana)
    assert holder.get(consent).status_code == 405
    response = holder.post(consent, {"publish": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == certificate.get_absolute_url()
    page = Page(response)
    assert "Your certificate is published as an Open Badge" in page.text()
    assert BASE + assertion in page.text()
    certificate.refresh_from_db()
    assert certificate.badge_consent_at is not None and certificate.badge_published

    answer = client.get(assertion)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/ld+json"
    found = answer.json()
    assert found["@context"] == "https://w3id.org/openbadges/v2"
    assert found["type"] == "Assertion" and found["id"] == BASE + assertion
    assert found["verification"] == {"type": "hosted"}
    salt = certificate.badge_salt
    assert found["recipient"] == {
        "type": "email",
        "hashed": True,
        "salt": salt,
        "identity": "sha256$" + hashlib.sha256(("ana.almeida@example.com" + salt).encode()).hexdigest(),
    }
    assert "almeida@" not in answer.content.decode().lower()
    assert "Ana Almeida" not in answer.content.decode()

    badge = client.get(path_of(found["badge"]))
    assert badge.status_code == 200
    badge_class = badge.json()
    assert badge_class["type"] == "BadgeClass" and badge_class["id"] == found["badge"]
    assert badge_class["@context"] == "https://w3id.org/openbadges/v2"
    assert badge_class["name"] == "Prototyping public services"
    assert badge_class["criteria"]["id"] == BASE + session.course.get_absolute_url()
    assert badge_class["criteria"]["narrative"]
    assert badge_class["issuer"] == f"{BASE}/learning/badges/issuer.json"
    image = client.get(path_of(badge_class["image"]))
    assert image.status_code == 200 and image["Content-Type"].startswith("image/svg+xml")
    assert image.content.lstrip().startswith(b"<svg")

    issuer = client.get(path_of(badge_class["issuer"])).json()
    assert issuer["type"] == "Issuer" and issuer["id"] == badge_class["issuer"]
    assert issuer["name"] == "Ponte" and issuer["url"] == f"{BASE}/"
    assert re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", issuer["email"])

    page = Page(holder.post(consent, {"publish": "no"}, follow=True))
    assert "Your certificate is no longer published as an Open Badge." in page.text()
    assert client.get(assertion).status_code == 404
    certificate.refresh_from_db()
    assert certificate.badge_consent_at is None
    events = AuditEvent.objects.filter(target_id=str(certificate.pk), verb__in=["publish_badge", "withdraw_badge"])
    assert [(event.verb, event.actor) for event in events.order_by("pk")] == [
        ("publish_badge", ana),
        ("withdraw_badge", ana),
    ]


def test_each_badge_hashes_the_address_with_a_salt_of_its_own(taught, certify, client):
    ana = taught[1][0]
    certificates = [certificate_of(ana), certify(ana, "Storytelling for policy")]
    for certificate in certificates:
        certificate_services.badge_consent_set(actor=ana, certificate=certificate, consent=True)
    identities = [
        client.get(f"/learning/badges/assertions/{c.code}.json").json()["recipient"]["identity"] for c in certificates
    ]
    assert len({c.badge_salt for c in certificates}) == 2 and len(set(identities)) == 2
    plain = "sha256$" + hashlib.sha256(ana.email.lower().encode()).hexdigest()
    assert plain not in identities


def test_nobody_else_publishes_or_withdraws_the_badge(taught, login, visitor, trainer, programme_manager):
    client = visitor
    _session, (ana, bo, cy) = taught
    certificate = certificate_of(ana)
    consent = f"/learning/certificates/{certificate.pk}/badge/"
    assertion = f"/learning/badges/assertions/{certificate.code}.json"
    for other in (bo, cy, trainer, programme_manager):
        assert login(other).post(consent, {"publish": "yes"}).status_code == 404
    assert login(None).post(consent, {"publish": "yes"}).url.startswith("/accounts/login/")
    certificate.refresh_from_db()
    assert certificate.badge_consent_at is None and client.get(assertion).status_code == 404
    for other in (cy, trainer):
        with pytest.raises(PermissionDenied):
            certificate_services.badge_consent_set(actor=other, certificate=certificate, consent=True)

    login(ana).post(consent, {"publish": "yes"})
    for other in (bo, cy, programme_manager):
        assert login(other).post(consent, {"publish": "no"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.badge_consent_at is not None and client.get(assertion).status_code == 200
    assert not AuditEvent.objects.filter(verb__in=["publish_badge", "withdraw_badge"]).exclude(actor=ana).exists()


def test_missing_badge_documents_answer_404(taught, client):
    for address in (
        "/learning/badges/assertions/ZZZZ-ZZZZ-ZZZZ.json",
        "/learning/badges/assertions/%00.json",
        "/learning/badges/assertions/E6P3-028Q-4HG%00.json",
        "/learning/badges/assertions/%C3%9Cn%C3%AFc%C3%B8d%C3%A9.json",
        "/learning/badges/assertions/" + "x" * 10000 + ".json",
        "/learning/badges/courses/999999.json",
        "/learning/badges/courses/999999.svg",
        "/learning/badges/courses/99999999999999999999.json",
    ):
        assert client.get(address).status_code == 404, address


# Your learning ---------------------------------------------------------------------------------


def listed(page) -> list:
    """The certificates "Your learning" lists: the items under its heading "Your certificates"."""
    [heading] = page.main.xpath(".//h2[normalize-space()='Your certificates']")
    following = heading.getnext()
    return following.xpath("./li") if following.tag == "ul" else []


def listed_links(page) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in listed(page):
        for a in item.xpath(".//a"):
            found.setdefault(" ".join(a.text_content().split()), []).append(a.get("href"))
    return found


def test_your_learning_lists_your_certificates_and_not_others(taught, login, certify, trainer):
    session, (ana, bo, cy) = taught
    other = certify(ana, "Storytelling for policy")
    page = Page(login(ana).get("/learning/mine/"))
    assert listed_links(page) == {
        "Storytelling for policy": [other.get_absolute_url()],
        "Prototyping public services": [certificate_of(ana).get_absolute_url()],
    }
    assert shown_on(other) in " ".join(item.text_content() for item in listed(page))
    assert certificate_of(cy).get_absolute_url() not in page.response.content.decode()
    assert listed(Page(login(bo).get("/learning/mine/"))) == []
    assert "A certificate comes with each session you take part in" in Page(login(bo).get("/learning/mine/")).text()
    # A revoked certificate stays listed, said to be revoked.
    record(session, trainer, [cy])
    [item] = [item for item in listed(Page(login(ana).get("/learning/mine/"))) if "Prototyping" in item.text_content()]
    assert "Revoked" in item.text_content()


def test_your_learning_makes_as_many_queries_with_6_certificates_as_with_1(login, certify, citizen):
    certify(citizen, "Course 1")
    client = login(citizen)
    few = _queries(client, "/learning/mine/")
    for number in range(2, 7):
        certify(citizen, f"Course {number}")
    many = _queries(client, "/learning/mine/")
    assert len(listed(Page(client.get("/learning/mine/")))) == 6
    assert len(few) == len(many), "\n".join(["with 1:", *few, "", "with 6:", *many])


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]
