"""The solution catalogue: permissions per role and state, the lifecycle and its audit,
screening with reasons, visibility and search, bad input, and the catalogue's query count."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.core.models import AuditEvent
from ponte.core.search import search
from ponte.core.statemachine import IllegalTransition
from ponte.reference.models import CpvCode, Sector, SectorTag
from ponte.solutions import services
from ponte.solutions.models import LIFECYCLE, Solution
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, SolutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def staff_member(company):
    return MembershipFactory(organisation=company, role="member").user


@pytest.fixture
def manager():
    return UserFactory(is_programme_manager=True)


@pytest.fixture
def login(client):
    def sign_in(user):
        if user.is_programme_manager and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


def make(company, status="draft", **extra):
    now = timezone.now()
    return SolutionFactory(
        company=company,
        status=status,
        submitted_at=None if status == "draft" else now,
        published_at=now if status == "published" else None,
        **extra,
    )


def audit_rows(solution, verb=None):
    rows = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Solution), target_id=str(solution.pk)
    )
    return rows.filter(verb=verb) if verb else rows


# Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "member", "manager_sees", "outsider_sees"),
    [
        ("draft", True, False, False),
        ("submitted", True, True, False),
        ("published", True, True, True),
        ("returned", True, True, False),
    ],
)
def test_who_sees_a_solution_in_each_state(company, staff_member, manager, status, member, manager_sees, outsider_sees):
    solution = make(company, status)
    other_company_member = MembershipFactory(organisation=CompanyFactory()).user
    assert staff_member.has_perm("solutions.view_solution", solution) is member
    assert manager.has_perm("solutions.view_solution", solution) is manager_sees
    assert other_company_member.has_perm("solutions.view_solution", solution) is outsider_sees
    assert AnonymousUser().has_perm("solutions.view_solution", solution) is outsider_sees


def test_only_members_of_a_verified_company_add_solutions(staff_member, manager):
    assert staff_member.has_perm("solutions.add_solution")
    assert not manager.has_perm("solutions.add_solution")
    assert not MembershipFactory().user.has_perm("solutions.add_solution")  # a public servant
    suspended = MembershipFactory(organisation=CompanyFactory(status="suspended")).user
    assert not suspended.has_perm("solutions.add_solution")


def test_another_company_may_not_edit_or_submit(company):
    solution = make(company)
    outsider = MembershipFactory(organisation=CompanyFactory()).user
    with pytest.raises(PermissionDenied):
        services.solution_update(actor=outsider, solution=solution, title="Taken over")
    with pytest.raises(PermissionDenied):
        services.solution_submit(actor=outsider, solution=solution)


def test_a_company_member_may_not_publish_its_own_solution(company, staff_member):
    solution = make(company, "submitted")
    with pytest.raises(PermissionDenied):
        services.solution_publish(actor=staff_member, solution=solution)


# Lifecycle ----------------------------------------------------------------------------------


def test_the_whole_lifecycle_writes_one_audit_row_per_move(company, staff_member, manager):
    solution = make(company)
    services.solution_submit(actor=staff_member, solution=solution)
    services.solution_return(actor=manager, solution=solution, reason="Say where it is used.")
    solution.refresh_from_db()
    assert solution.status == "returned" and solution.returned_at and solution.return_reason
    services.solution_submit(actor=staff_member, solution=solution)
    services.solution_publish(actor=manager, solution=solution)
    solution.refresh_from_db()
    assert solution.status == "published" and solution.published_at and solution.return_reason == ""
    assert audit_rows(solution, "submit").count() == 2
    assert audit_rows(solution, "return_to_company").count() == 1
    assert audit_rows(solution, "publish").count() == 1


def test_illegal_moves_are_refused():
    solution = Solution(status="draft")
    for verb in ("publish", "return_to_company", "revise"):
        with pytest.raises(IllegalTransition):
            LIFECYCLE.require(solution, verb)
    solution.status = "published"
    with pytest.raises(IllegalTransition):
        LIFECYCLE.require(solution, "submit")


def test_a_manager_may_not_publish_a_draft_nor_a_company_submit_twice(company, staff_member, manager):
    solution = make(company)
    with pytest.raises(PermissionDenied):
        services.solution_publish(actor=manager, solution=solution)
    services.solution_submit(actor=staff_member, solution=solution)
    with pytest.raises(PermissionDenied):
        services.solution_submit(actor=staff_member, solution=solution)
    with pytest.raises(PermissionDenied):
        services.solution_update(actor=staff_member, solution=solution, title="While screened")
    assert audit_rows(solution, "submit").count() == 1


def test_editing_a_published_solution_sends_it_back_to_screening_and_hides_it(company, staff_member):
    solution = make(company, "published", title="Zanzibarian form finder")
    solution.save()  # index it
    assert search("zanzibarian", user=AnonymousUser()).total == 1
    services.solution_update(actor=staff_member, solution=solution, summary="Now with a chat assistant.")
    solution.refresh_from_db()
    assert solution.status == "submitted"
    assert audit_rows(solution, "revise").count() == 1
    assert not AnonymousUser().has_perm("solutions.view_solution", solution)
    assert search("zanzibarian", user=AnonymousUser()).total == 0


def test_saving_without_a_change_keeps_a_published_solution_published(company, staff_member):
    solution = make(company, "published")
    services.solution_update(actor=staff_member, solution=solution, title=solution.title)
    solution.refresh_from_db()
    assert solution.status == "published"


# Screening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_needs_a_reason(company, manager, reason):
    solution = make(company, "submitted")
    with pytest.raises(ValidationError) as refused:
        services.solution_return(actor=manager, solution=solution, reason=reason)
    assert "reason" in refused.value.message_dict
    solution.refresh_from_db()
    assert solution.status == "submitted"
    assert audit_rows(solution).count() == 0


def test_the_return_page_asks_again_for_a_missing_reason(company, manager, login):
    solution = make(company, "submitted")
    response = login(manager).post(f"/solutions/{solution.pk}/return/", {"reason": ""})
    assert response.status_code == 200
    assert "Say what the company must change." in response.text
    response = login(manager).post(f"/solutions/{solution.pk}/return/", {"reason": "Add references."})
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == "returned"


def test_the_screening_queue_is_for_programme_managers(company, manager, staff_member, login):
    solution = make(company, "submitted", title="Waiting to be screened")
    make(company, "draft", title="Still a draft")
    response = login(manager).get("/solutions/screening/")
    assert response.status_code == 200
    assert "Waiting to be screened" in response.text and "Still a draft" not in response.text
    response = login(manager).post(f"/solutions/{solution.pk}/publish/")
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == "published"
    assert login(staff_member).get("/solutions/screening/").status_code == 403


# Visibility ---------------------------------------------------------------------------------


def test_drafts_are_404_to_outsiders_and_visible_to_the_company(company, staff_member, client, login):
    solution = make(company)
    assert client.get(f"/solutions/{solution.pk}/").status_code == 404
    outsider = MembershipFactory(organisation=CompanyFactory()).user
    assert login(outsider).get(f"/solutions/{solution.pk}/").status_code == 404
    assert login(staff_member).get(f"/solutions/{solution.pk}/").status_code == 200


def test_search_and_catalogue_never_show_unpublished_solutions(company, manager, client):
    for status in ("draft", "submitted", "returned"):
        make(company, status, title=f"Quetzalcoatl helper {status}")
    published = make(company, "published", title="Quetzalcoatl helper published")
    for user in (AnonymousUser(), MembershipFactory(organisation=company).user):
        results = search("quetzalcoatl", user=user)
        assert results.total == 1
    response = client.get("/solutions/?q=quetzalcoatl")
    assert response.status_code == 200
    assert published.title in response.text
    assert "helper draft" not in response.text and "helper submitted" not in response.text


def test_suspending_a_company_takes_its_solutions_out_of_search_and_reinstating_brings_them_back(
    company, manager, client, login
):
    """A visitor never finds a solution whose page would answer 404: suspension removes the
    company's solutions from the search index at once; reinstatement puts them back."""
    from ponte.organisations import services as organisation_services

    solution = make(company, "published", title="Quetzalcoatl queue planner")
    solution.save()  # index it
    give_two_factor(manager)
    assert [e.url for e in search("quetzalcoatl", user=AnonymousUser()).entries] == [solution.get_absolute_url()]

    organisation_services.organisation_suspend(actor=manager, organisation=company, reason="Fraud inquiry")
    for user in (AnonymousUser(), MembershipFactory(organisation=CompanyFactory()).user):
        assert search("quetzalcoatl", user=user).total == 0
    page = client.get("/search/?q=quetzalcoatl")
    assert page.status_code == 200 and "Quetzalcoatl queue planner" not in page.text
    assert client.get(solution.get_absolute_url()).status_code == 404

    company.refresh_from_db()
    organisation_services.organisation_reinstate(actor=manager, organisation=company, reason="Cleared")
    assert [e.url for e in search("quetzalcoatl", user=AnonymousUser()).entries] == [solution.get_absolute_url()]
    assert client.get(solution.get_absolute_url()).status_code == 200


def test_rebuilding_the_index_leaves_out_the_solutions_of_a_suspended_company(company):
    from ponte.core.search import rebuild_index

    make(company, "published", title="Quetzalcoatl queue planner")
    company.status = "suspended"
    company.save(update_fields=["status"])
    rebuild_index()
    assert search("quetzalcoatl", user=AnonymousUser()).total == 0


def test_catalogue_filters_by_sector_and_trl(company, client):
    make(company, "published", title="Low readiness", trl=3)
    high = make(company, "published", title="High readiness", trl=8)
    high.sectors.set([SectorTag.objects.get(code=Sector.values[0])])
    response = client.get(f"/solutions/?trl_min=7&sector={Sector.values[0]}")
    assert "High readiness" in response.text and "Low readiness" not in response.text
    response = client.get("/solutions/?trl_min=12")
    assert "is ignored" in response.text and "Low readiness" in response.text


# Bad input ----------------------------------------------------------------------------------


def form_data(**changes):
    data = {
        "title": "Form finder",
        "summary": "Names the right form.",
        "description": "A guided search.",
        "trl": "6",
        "cpv_codes": "",
        "references": "Used in Ghent.",
        "website": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("trl", ["0", "10"])
def test_a_trl_outside_1_to_9_is_refused_and_nothing_is_lost(company, staff_member, login, trl):
    response = login(staff_member).post("/solutions/new/", {"company": company.pk, **form_data(trl=trl)})
    assert response.status_code == 200
    assert "Ensure this value is" in response.text
    assert "A guided search." in response.text and "Used in Ghent." in response.text
    assert not Solution.objects.exists()


def test_the_service_refuses_a_trl_outside_1_to_9(company, staff_member):
    with pytest.raises(ValidationError) as refused:
        services.solution_create(actor=staff_member, company=company, **{**form_data(trl=10), "cpv_codes": []})
    assert "trl" in refused.value.message_dict


def test_an_unknown_cpv_code_is_refused_and_nothing_is_lost(company, staff_member, login):
    response = login(staff_member).post("/solutions/new/", {"company": company.pk, **form_data(cpv_codes="99999999-9")})
    assert response.status_code == 200
    assert "These are not CPV codes: 99999999-9" in response.text
    assert "99999999-9" in response.text and "Used in Ghent." in response.text
    assert not Solution.objects.exists()


def test_a_company_member_creates_edits_and_submits_through_the_pages(company, staff_member, login):
    code = CpvCode.objects.order_by("code").first()
    client = login(staff_member)
    response = client.post("/solutions/new/", {"company": company.pk, **form_data(cpv_codes=code.code)})
    solution = Solution.objects.get()
    assert response.status_code == 302 and list(solution.cpv_codes.all()) == [code]
    response = client.post(f"/solutions/{solution.pk}/edit/", form_data(title="Form finder 2", cpv_codes=code.code))
    assert response.status_code == 302
    assert client.post(f"/solutions/{solution.pk}/submit/").status_code == 302
    solution.refresh_from_db()
    assert solution.title == "Form finder 2" and solution.status == "submitted"
    assert "Form finder 2" in client.get("/solutions/mine/").text


# Query count --------------------------------------------------------------------------------


def test_the_catalogue_makes_as_many_queries_with_20_solutions_as_with_1(company, client):
    tags = list(SectorTag.objects.all()[:3])

    def add(n):
        for _ in range(n):
            make(company, "published").sectors.set(tags)

    def count():
        client.get("/solutions/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/solutions/").status_code == 200
        return len(captured.captured_queries)

    add(1)
    small = count()
    add(19)
    assert count() == small


@pytest.mark.django_db
def test_a_suspended_companys_solutions_leave_the_public_catalogue(client, company, staff_member, manager):
    solution = SolutionFactory(company=company, title="Queue insight", status="published", published_at=timezone.now())
    company.status = "suspended"
    company.save()
    assert client.get("/solutions/").context["page"].paginator.count == 0
    assert client.get(f"/solutions/{solution.pk}/").status_code == 404
    assert client.get("/api/solutions/").json()["count"] == 0
    assert not AnonymousUser().has_perm("solutions.view_solution", solution)
    # Its own members and programme managers still read it, to mend what led to the suspension.
    assert staff_member.has_perm("solutions.view_solution", solution)
    assert manager.has_perm("solutions.view_solution", solution)
