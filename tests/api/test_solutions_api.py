"""The solutions API: the public catalogue lists published solutions only, with filters that
refuse bad values clearly; a solution by id answers only to whoever may see it, with its
pictures and documents; and the list's query count does not grow with the catalogue."""

import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.reference.models import CpvCode, SectorTag
from ponte.solutions import services
from tests.api.utils import assert_problem, bearer
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, SolutionFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/solutions/"


def detail_url(pk) -> str:
    return f"/api/solutions/{pk}"


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    """A real one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def sector(code: str) -> SectorTag:
    return SectorTag.objects.get(code=code)


def make(company, status="draft", published_at=None, sectors=(), **fields):
    """A solution in a state, as its lifecycle would have left it."""
    now = timezone.now()
    solution = SolutionFactory(
        company=company,
        status=status,
        submitted_at=None if status == "draft" else now,
        returned_at=now if status == "returned" else None,
        published_at=(published_at or now) if status == "published" else None,
        **fields,
    )
    if sectors:
        solution.sectors.set([sector(code) for code in sectors])
    return solution


@pytest.fixture
def company():
    return CompanyFactory(name="Civic Data Labs", slug="civic-data-labs")


@pytest.fixture
def staff(company):
    """A member of the company that offers the solutions."""
    return MembershipFactory(organisation=company, role="member").user


@pytest.fixture
def rival():
    """A member of another company."""
    return MembershipFactory(organisation=CompanyFactory(), role="member").user


@pytest.fixture
def manager():
    user = UserFactory(is_programme_manager=True)
    give_two_factor(user)  # a programme manager's session is refused without one
    return user


@pytest.fixture
def by_token(token_for):
    """by_token(person) calls the API with that person's personal token."""
    return lambda user: Client(headers=bearer(token_for(user)))


@pytest.fixture
def by_session():
    """by_session(person) calls the API from that person's signed-in browser session."""

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    return client_for


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


# The list ----------------------------------------------------------------------------------


class TestList:
    def test_only_published_solutions_are_listed(self, company):
        published = make(company, "published", title="Published one")
        for status in ("draft", "submitted", "returned"):
            make(company, status, title=f"A {status} one")

        response = Client().get(LIST)

        assert ids(response) == [published.pk]
        assert response.json()["count"] == 1

    @pytest.mark.parametrize("how", ["session", "token"])
    def test_the_company_and_programme_managers_see_the_same_public_list(
        self, company, staff, manager, by_session, by_token, how
    ):
        published = make(company, "published")
        for status in ("draft", "submitted", "returned"):
            make(company, status)
        client_for = by_session if how == "session" else by_token

        for person in (staff, manager):
            response = client_for(person).get(LIST)
            assert ids(response) == [published.pk]
            assert response.json()["count"] == 1

    def test_newest_first(self, company):
        now = timezone.now()
        make(company, "published", title="Last week", published_at=now - timedelta(days=7))
        make(company, "published", title="Today", published_at=now)
        make(company, "published", title="Yesterday", published_at=now - timedelta(days=1))

        assert titles(Client().get(LIST)) == ["Today", "Yesterday", "Last week"]

    def test_an_item_says_what_the_catalogue_shows(self, company):
        solution = make(
            company,
            "published",
            title="Form finder",
            summary="Names the right form.",
            trl=6,
            sectors=["health", "digital"],
        )

        item = Client().get(LIST).json()["items"][0]

        assert item["id"] == solution.pk
        assert item["url"] == f"http://testserver/solutions/{solution.pk}/"
        assert item["title"] == "Form finder"
        assert item["summary"] == "Names the right form."
        assert item["company"] == "civic-data-labs"
        assert item["company_name"] == "Civic Data Labs"
        assert sorted(item["sectors"]) == ["digital", "health"]
        assert item["trl"] == 6
        assert item["published_at"]
        # The list is the catalogue: what only the detail or the company reads stays out.
        assert not {"description", "references", "status", "media"} & set(item)

    def test_filter_by_sector(self, company):
        health = make(company, "published", sectors=["health"])
        both = make(company, "published", sectors=["health", "education"])
        make(company, "published", sectors=["education"])
        make(company, "published")
        make(company, "draft", sectors=["health"])

        response = Client().get(LIST, {"sector": "health"})

        assert sorted(ids(response)) == sorted([health.pk, both.pk])
        assert response.json()["count"] == 2  # a solution in two sectors is counted once
        assert ids(Client().get(LIST, {"sector": "energy"})) == []

    def test_filter_by_minimum_trl(self, company):
        by_trl = {trl: make(company, "published", trl=trl).pk for trl in (1, 5, 7, 9)}

        assert sorted(ids(Client().get(LIST, {"trl_min": 7}))) == [by_trl[7], by_trl[9]]
        assert ids(Client().get(LIST, {"trl_min": 9})) == [by_trl[9]]
        assert sorted(ids(Client().get(LIST, {"trl_min": 1}))) == sorted(by_trl.values())
        assert Client().get(LIST, {"trl_min": 6}).json()["count"] == 2

    def test_filter_by_company(self, company):
        ours = make(company, "published")
        make(CompanyFactory(slug="other-company"), "published")
        make(company, "submitted")

        assert ids(Client().get(LIST, {"company": "civic-data-labs"})) == [ours.pk]
        assert ids(Client().get(LIST, {"company": "no-such-company"})) == []

    def test_search_looks_in_title_summary_and_description(self, company):
        in_title = make(company, "published", title="Parking permits online")
        in_summary = make(company, "published", summary="Renew a PARKING permit in a minute.")
        in_description = make(company, "published", description="Works with every parking zone of the city.")
        make(company, "published", title="Library cards")
        make(company, "draft", title="Parking meters, unpublished")

        response = Client().get(LIST, {"q": "parking"})

        assert sorted(ids(response)) == sorted([in_title.pk, in_summary.pk, in_description.pk])
        assert response.json()["count"] == 3

    def test_search_takes_percent_and_underscore_literally(self, company):
        literal = make(company, "published", title="100% form_finder")
        make(company, "published", title="Plain form finder")

        assert ids(Client().get(LIST, {"q": "%"})) == [literal.pk]
        assert ids(Client().get(LIST, {"q": "_"})) == [literal.pk]

    def test_filters_combine(self, company):
        wanted = make(company, "published", trl=8, sectors=["mobility"], title="Bus stop finder")
        make(company, "published", trl=3, sectors=["mobility"], title="Bus lane sketch")
        make(CompanyFactory(), "published", trl=8, sectors=["mobility"], title="Bus stop finder elsewhere")
        make(company, "published", trl=8, sectors=["health"], title="Bus for hospitals")

        response = Client().get(LIST, {"sector": "mobility", "trl_min": 5, "company": "civic-data-labs", "q": "bus"})

        assert ids(response) == [wanted.pk]
        assert response.json()["count"] == 1

    def test_a_search_of_200_characters_is_answered(self, company):
        make(company, "published")

        response = Client().get(LIST, {"q": "x" * 200})

        assert ids(response) == []

    def test_pages_cover_the_list_without_gaps_or_repeats(self, company):
        now = timezone.now()
        newest_first = [make(company, "published", published_at=now - timedelta(hours=h)).pk for h in range(5)]

        pages = [ids(Client().get(LIST, {"limit": 2, "offset": offset})) for offset in (0, 2, 4)]

        assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
        assert Client().get(LIST, {"limit": 2, "offset": 4}).json()["count"] == 5


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"trl_min": "0"}, "trl_min"),
        ({"trl_min": "10"}, "trl_min"),
        ({"trl_min": "-1"}, "trl_min"),
        ({"trl_min": "x"}, "trl_min"),
        ({"trl_min": "7.5"}, "trl_min"),
        ({"trl_min": str(2**64)}, "trl_min"),
        ({"sector": "unknown"}, "sector"),
        ({"sector": "health%"}, "sector"),
        ({"company": "civic/data-labs"}, "company"),
        ({"company": "civic\x00labs"}, "company"),
        ({"company": "x" * 221}, "company"),
        ({"q": "x" * 201}, "q"),
        ({"q": "park\x00ing"}, "q"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": str(2**63)}, "offset"),
    ],
)
def test_a_bad_filter_is_answered_422_with_what_to_correct(company, params, location):
    make(company, "published")

    body = assert_problem(Client().get(LIST, params), 422)

    assert body["detail"]
    assert [error["location"].split(".")[-1] for error in body["errors"]] == [location]
    assert all(error["message"] for error in body["errors"])


@pytest.mark.parametrize("raw", ["company=civic%2Fdata-labs", "company=civic%00labs", "q=park%00ing"])
def test_an_encoded_slash_or_nul_in_the_query_string_is_422(company, raw):
    make(company, "published")

    assert_problem(Client().get(f"{LIST}?{raw}"), 422)


# One solution -------------------------------------------------------------------------------

# Who reads a solution in each state: the role × state matrix of solutions.view_solution.
ROLES = ("visitor", "citizen", "other company's member", "own company's member", "programme manager")
MATRIX = [
    ("draft", {"own company's member"}),
    ("submitted", {"own company's member", "programme manager"}),
    ("returned", {"own company's member", "programme manager"}),
    ("published", set(ROLES)),
]


@pytest.mark.parametrize("how", ["session", "token"])
@pytest.mark.parametrize(("status", "readers"), MATRIX)
def test_who_reads_a_solution_in_each_state(
    company, staff, rival, manager, citizen, by_session, by_token, how, status, readers
):
    solution = make(company, status)
    client_for = by_session if how == "session" else by_token
    clients = {
        "visitor": Client(),
        "citizen": client_for(citizen),
        "other company's member": client_for(rival),
        "own company's member": client_for(staff),
        "programme manager": client_for(manager),
    }

    for role, client in clients.items():
        response = client.get(detail_url(solution.pk))
        if role in readers:
            assert response.status_code == 200, (role, response.content)
            assert response.json()["id"] == solution.pk
            assert response.json()["status"] == status
        else:
            body = assert_problem(response, 404)
            assert solution.title not in str(body), role


class TestDetail:
    def test_a_published_solution_with_everything_a_client_reads(self, company):
        codes = list(CpvCode.objects.order_by("code")[:2])
        solution = make(
            company,
            "published",
            title="Form finder",
            summary="Names the right form.",
            description="Three questions, one form.",
            references="Used in Ghent since 2024.",
            website="https://form-finder.example",
            trl=8,
            sectors=["digital"],
        )
        solution.cpv_codes.set(codes)

        response = Client().get(detail_url(solution.pk))

        assert response.status_code == 200
        body = response.json()
        assert body["id"] == solution.pk
        assert body["url"] == f"http://testserver/solutions/{solution.pk}/"
        assert (body["title"], body["summary"]) == ("Form finder", "Names the right form.")
        assert body["description"] == "Three questions, one form."
        assert body["references"] == "Used in Ghent since 2024."
        assert body["website"] == "https://form-finder.example"
        assert body["status"] == "published"
        assert (body["company"], body["company_name"]) == ("civic-data-labs", "Civic Data Labs")
        assert body["sectors"] == ["digital"]
        assert body["trl"] == 8
        assert sorted((c["code"], c["label"]) for c in body["cpv_codes"]) == sorted((c.code, c.label) for c in codes)
        assert body["media"] == []

    def test_a_hidden_solution_answers_exactly_like_one_that_does_not_exist(self, company, rival, by_token):
        draft = make(company, "draft")
        missing = draft.pk + 1000

        for client in (Client(), by_token(rival)):
            hidden = assert_problem(client.get(detail_url(draft.pk)), 404)
            absent = assert_problem(client.get(detail_url(missing)), 404)
            assert hidden == absent

    @pytest.mark.parametrize("bad_id", ["0", "-1", str(2**63), str(2**64), "9" * 40, "abc", "1.5", "1e3"])
    def test_an_impossible_id_is_422(self, company, bad_id):
        make(company, "published")

        body = assert_problem(Client().get(detail_url(bad_id)), 422)

        assert [error["location"].split(".")[-1] for error in body["errors"]] == ["id"]

    @pytest.mark.parametrize("unknown_id", [2**63 - 1, 2**31, 987654])
    def test_an_id_that_could_exist_but_does_not_is_404(self, company, unknown_id):
        make(company, "published")

        assert_problem(Client().get(detail_url(unknown_id)), 404)

    def test_a_solution_sent_back_to_screening_leaves_the_catalogue(self, company, staff, by_token):
        """A published solution that changes is hidden until it is screened again."""
        solution = make(company, "published", title="Form finder")

        services.solution_update(actor=staff, solution=solution, title="Form finder, now with chat")

        assert ids(Client().get(LIST)) == []
        assert_problem(Client().get(detail_url(solution.pk)), 404)
        response = by_token(staff).get(detail_url(solution.pk))
        assert response.json()["status"] == "submitted"
        assert response.json()["title"] == "Form finder, now with chat"


# Pictures and documents --------------------------------------------------------------------


def add_media(actor, solution, name, content, description):
    content_type = "image/png" if name.endswith(".png") else "application/pdf"
    return services.media_add(
        actor=actor,
        solution=solution,
        uploaded=SimpleUploadedFile(name, content, content_type=content_type),
        description=description,
    )


@pytest.fixture
def published_with_media(company, staff, manager):
    """A solution whose company added a picture and a brochure, then sent it for screening;
    a programme manager published it."""
    solution = make(company, "draft", title="Form finder")
    add_media(staff, solution, "screenshot.png", png_bytes(), "The first question, on a phone")
    add_media(staff, solution, "brochure.pdf", pdf_bytes(), "A two-page brochure")
    services.solution_submit(actor=staff, solution=solution)
    services.solution_publish(actor=manager, solution=solution)
    return solution


class TestMedia:
    def test_the_media_of_a_published_solution_are_listed_in_the_order_added(self, published_with_media):
        response = Client().get(detail_url(published_with_media.pk))

        assert response.status_code == 200
        media = response.json()["media"]
        assert [(m["name"], m["content_type"], m["size"], m["description"]) for m in media] == [
            ("screenshot.png", "image/png", len(png_bytes()), "The first question, on a phone"),
            ("brochure.pdf", "application/pdf", len(pdf_bytes()), "A two-page brochure"),
        ]
        for item in media:
            assert item["url"].startswith("http://testserver/attachments/")

    def test_a_visitor_downloads_each_file_from_its_url(self, published_with_media):
        media = Client().get(detail_url(published_with_media.pk)).json()["media"]

        for item, content in zip(media, (png_bytes(), pdf_bytes()), strict=True):
            response = Client().get(item["url"])
            assert response.status_code == 200, item
            assert response["Content-Type"] == item["content_type"]
            assert downloaded(response) == content

    def test_the_media_of_a_draft_are_never_exposed(self, company, staff, rival, manager, by_token, by_session):
        draft = make(company, "draft", title="Secret gadget")
        add_media(staff, draft, "prototype.png", png_bytes(), "The unreleased prototype")
        own = by_token(staff).get(detail_url(draft.pk))
        assert own.status_code == 200
        [item] = own.json()["media"]

        for client in (Client(), by_token(rival), by_token(manager)):
            body = assert_problem(client.get(detail_url(draft.pk)), 404)
            assert "prototype" not in str(body)
        assert ids(Client().get(LIST)) == []
        # Even with the address in hand, nobody outside the company gets the file.
        anonymous = Client().get(item["url"])
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
        for person in (rival, manager):
            assert by_session(person).get(item["url"]).status_code == 404
        response = by_session(staff).get(item["url"])
        assert response.status_code == 200 and downloaded(response) == png_bytes()

    def test_a_new_picture_on_a_published_solution_is_not_public_until_screened(self, published_with_media, staff):
        add_media(staff, published_with_media, "new.png", png_bytes(), "A new screen, not yet screened")

        assert ids(Client().get(LIST)) == []
        assert_problem(Client().get(detail_url(published_with_media.pk)), 404)
        new = published_with_media.media.get(description__startswith="A new screen")
        assert Client().get(f"/attachments/{new.attachment_id}/").status_code == 302


# Query counts -------------------------------------------------------------------------------


def queries_of(client, url) -> list[str]:
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


def assert_same_count(small, large):
    assert len(small) == len(large), "\n".join(["with 1:", *small, "", "with many:", *large])


def test_the_list_makes_as_many_queries_with_20_solutions_as_with_1(db):
    def add(n):
        for _ in range(n):
            # Each of another company, in three sectors: neither may cost a query per row.
            make(CompanyFactory(), "published", sectors=["health", "energy", "digital"])

    add(1)
    small = queries_of(Client(), LIST)
    add(19)
    large = queries_of(Client(), LIST)

    assert len(Client().get(LIST).json()["items"]) == 20
    assert_same_count(small, large)


def test_a_filtered_list_makes_as_many_queries_with_20_solutions_as_with_1(db):
    url = f"{LIST}?sector=health&trl_min=2&q=form"

    def add(n):
        for _ in range(n):
            make(CompanyFactory(), "published", sectors=["health", "digital"])

    add(1)
    small = queries_of(Client(), url)
    add(19)
    large = queries_of(Client(), url)

    assert Client().get(url).json()["count"] == 20
    assert_same_count(small, large)


def test_a_solution_makes_as_many_queries_with_8_media_as_with_1(company, staff):
    solution = make(company, "draft", sectors=["health", "digital"])
    solution.cpv_codes.set(CpvCode.objects.order_by("code")[:3])
    add_media(staff, solution, "one.png", png_bytes(), "Picture 1")
    client = Client()
    client.force_login(staff)

    small = queries_of(client, detail_url(solution.pk))
    for i in range(2, 9):
        add_media(staff, solution, f"picture-{i}.png", png_bytes(), f"Picture {i}")
    large = queries_of(client, detail_url(solution.pk))

    assert len(client.get(detail_url(solution.pk)).json()["media"]) == 8
    assert_same_count(small, large)
