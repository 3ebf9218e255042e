"""Factories for tests: one per model people meet, with sensible defaults."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from ponte.accounts.models import User
from ponte.organisations.models import Invitation, JoinRequest, Membership, Organisation

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    language = "en"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = "public_body"
    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    country = "BE"
    tier = "agency"
    level_of_government = "national"
    status = "verified"
    verified_at = factory.LazyFunction(timezone.now)


class CompanyFactory(OrganisationFactory):
    kind = "company"
    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    tier = ""
    level_of_government = ""
    registration_number = factory.Sequence(lambda n: f"BE{n:010d}")
    is_sme = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "member"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = "member"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=14))


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A draft challenge of a verified public body, written by one of its members, with two
    criteria weighted 60/40 (pass criteria=False for none)."""

    class Meta:
        model = "challenges.Challenge"
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganisationFactory)
    author = factory.LazyAttribute(lambda o: MembershipFactory(organisation=o.owner).user)
    title = factory.Sequence(lambda n: f"Citizens cannot find the right form {n}")
    summary = "People lose hours finding which form applies to them."
    problem = "Forms are spread over many websites and named after the law, not the life event."
    affected = "Citizens and the front-office staff who answer their questions."
    desired_outcomes = "Fewer wrong forms submitted and fewer calls to the front office."
    instrument = "low_value"
    budget_ceiling = 20000
    deadline = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=30))
    status = "draft"

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from ponte.challenges.models import Criterion

        Criterion.objects.create(challenge=obj, name="Impact on the people affected", weight=60, position=0)
        Criterion.objects.create(challenge=obj, name="Feasibility and cost", weight=40, position=1)


class PublishedChallengeFactory(ChallengeFactory):
    """A challenge as a programme manager published it a day ago, open for 30 days more."""

    status = "published"
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=3))
    organisation_approved_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=2))
    approved_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))


class SolutionFactory(factory.django.DjangoModelFactory):
    """A draft solution of a verified company (pass status="published" and published_at for a public one)."""

    class Meta:
        model = "solutions.Solution"

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Form finder for every life event {n}")
    summary = "A guided search that names the right form from a few plain questions."
    description = "Citizens answer three questions and get the one form that applies, with help to fill it in."
    trl = 7
    references = "Used by two municipalities since 2024."
    status = "draft"
