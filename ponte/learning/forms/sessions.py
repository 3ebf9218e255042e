"""Forms of sessions, enrolments and attendance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import PersonField, mark_needed_later, moment_field, textarea
from ponte.core.versions import VersionField

from ..models import MAX_CAPACITY, PLACE_LIMIT, REASON_LIMIT


class SessionForm(forms.Form):
    starts_at = moment_field(_("Starts"), _("Give the date and time the session starts."))
    ends_at = moment_field(_("Ends"), _("Give the date and time the session ends."))
    place = forms.CharField(
        label=_("Place"),
        max_length=PLACE_LIMIT,
        required=False,
        help_text=_("The address and room. Give the place, the online link, or both."),
    )
    online_link = forms.CharField(
        label=_("Online link"),
        max_length=500,
        required=False,
        help_text=_("Where people join online, starting with https://."),
    )
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=MAX_CAPACITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("When they are taken, people join the waiting list and get the places that free, in turn."),
        error_messages={"required": _("Give the number of places."), "invalid": _("Give the number of places.")},
    )
    trainer = PersonField(
        label=_("Trainer"),
        unknown=_("Nobody on Ponte has this address: name the trainer's account."),
        help_text=_("The e-mail address of the trainer's account on Ponte: type part of a name to find them."),
        error_messages={"required": _("Name the trainer: a person with an account on Ponte.")},
    )
    needs_approval = forms.BooleanField(
        label=_("Each enrolment is approved by the person's manager (an admin of their organisation)"),
        required=False,
    )

    def __init__(self, *args, suggestions: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].widget.attrs["data-suggestions"] = suggestions
        # One of the two is needed, so neither is "optional".
        mark_needed_later(self, ["place", "online_link"])

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class SessionEditForm(SessionForm):
    version = VersionField()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_LIMIT,
        widget=textarea(4),
        error_messages={"required": _("Say why: the people concerned read it.")},
    )


class EnrolForm(forms.Form):
    """Which organisation's admin approves, when the session asks and the person has several."""

    organisation = forms.TypedChoiceField(
        label=_("Whose approval"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("An admin of this organisation approves your enrolment."),
        error_messages={"required": _("Choose the organisation whose admin approves your enrolment.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        self.fields["organisation"].choices = [(pk, str(o)) for pk, o in self.organisations.items()]

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Who came"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each person who took part. Those not ticked are recorded as absent."),
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(e.pk, f"{e.person.name} ({e.person.email})") for e in enrolments]
