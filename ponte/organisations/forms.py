from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.reference.models import Country, Sector

from .models import Employees, Kind, LevelOfGovernment, Organisation, Role, Tier


class ProfileForm(forms.Form):
    """What an organisation tells about itself; any of its members keeps it."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the organisation does, in a few sentences."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    city = forms.CharField(label=_("Town or city"), required=False, max_length=100)
    founded = forms.IntegerField(
        label=_("Year founded"),
        required=False,
        # The range is the service's rule (organisation_update), checked there with its message.
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Give the year as four digits, such as 2015.")},
    )
    employees = forms.ChoiceField(label=_("People employed"), required=False, choices=[("", "—"), *Employees.choices])
    contact_email = forms.EmailField(
        label=_("Public contact address"),
        required=False,
        help_text=Organisation._meta.get_field("contact_email").help_text,
    )

    @staticmethod
    def initial_for(organisation: Organisation, fields) -> dict:
        initial = {f: getattr(organisation, f) for f in fields if f != "sectors"}
        initial["sectors"] = [s.code for s in organisation.sectors.all()]
        return initial


class OrganisationForm(ProfileForm):
    """Registering an organisation (who it is, and a short profile), or changing it as its admin."""

    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *Country.choices])
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        required=False,
        queryset=Organisation.objects.none(),
        help_text=_("Public bodies only: the body this one belongs to, if any."),
    )
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", "—"), *Tier.choices], help_text=_("Public bodies only.")
    )
    level_of_government = forms.ChoiceField(
        label=_("Level of government"),
        required=False,
        choices=[("", "—"), *LevelOfGovernment.choices],
        help_text=_("Public bodies only."),
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        required=False,
        max_length=50,
        help_text=_("Companies only: the number in the national business register."),
    )
    is_sme = forms.BooleanField(label=_("This company is a small or medium-sized enterprise"), required=False)

    field_order = [
        "kind",
        "name",
        "country",
        "description",
        "website",
        "sectors",
        "parent",
        "tier",
        "level_of_government",
        "registration_number",
        "is_sme",
        "employees",
        "founded",
        "city",
        "contact_email",
    ]
    # Registration asks only what verification needs; the rest of the profile comes later.
    LATER = ("employees", "founded", "city", "contact_email")

    def __init__(self, *args, instance: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organisation.objects.filter(kind=Kind.PUBLIC_BODY, status="verified").order_by("name")
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
            del self.fields["kind"]
        else:
            for name in self.LATER:
                del self.fields[name]
        self.fields["parent"].queryset = parents

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or getattr(self, "_kind", None)
        if kind == Kind.PUBLIC_BODY and not data.get("level_of_government"):
            self.add_error("level_of_government", _("Choose the level of government."))
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER, widget=forms.RadioSelect)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the organisation's admins"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Say who you are and what you work on."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"), help_text=_("PDF, image, office document, text or CSV; at most 10 MB."))
