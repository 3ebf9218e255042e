"""Forms of a confirmed exchange's schedule and what follows it, and of a mixed team's Change
Meter. They only parse what people type; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.accounts.models import User
from ponte.core.forms import textarea
from ponte.core.versions import VersionField

from ..models import TEXT_LIMIT


class VisitPlanForm(forms.Form):
    """The mentor and the programme of the guest one side's organisation hosts. The fields are
    named after the side ("public_mentor"), as the pair keeps them, so that a refused stale
    save shows what changed beside the right field."""

    version = VersionField()

    def __init__(self, *args, side: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.side = side
        # An address, not a list: a ministry has thousands of members.
        self.fields[f"{side}_mentor"] = forms.EmailField(
            label=_("Mentor's email address"),
            help_text=_("A member of your organisation who is there that week and looks after the guest."),
            error_messages={
                "required": _("Name the guest's mentor: a member of your organisation there that week."),
                "invalid": _("Give an email address, such as name@example.org."),
            },
        )
        self.fields[f"{side}_programme"] = forms.CharField(
            label=_("Programme"),
            max_length=TEXT_LIMIT,
            widget=textarea(8),
            help_text=_("What the guest does and whom they meet, day by day. The guest reads it."),
            error_messages={"required": _("Write the guest's programme: what they do and whom they meet each day.")},
        )

    def mentor(self) -> User | None:
        """The person of that address, or None when nobody has it (the service says why)."""
        email = self.cleaned_data[f"{self.side}_mentor"]
        return User.objects.filter(email__iexact=email, is_active=True).first()

    def programme(self) -> str:
        return self.cleaned_data[f"{self.side}_programme"]


class RescheduleForm(forms.Form):
    starts = forms.DateField(
        label=_("New first day"),
        help_text=_("A working day: the exchange lasts the round's number of working days from it."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the first day of the exchange."),
            "invalid": _("Give a date, as the calendar offers it."),
        },
    )


class ChangeUpdateForm(forms.Form):
    percent = forms.IntegerField(
        label=_("Implemented (percent)"),
        min_value=0,
        max_value=100,
        help_text=_("How much of the change is in place now, from 0 to 100."),
        error_messages={
            "required": _("Give how much of the change is implemented, from 0 to 100 percent."),
            "invalid": _("Give how much of the change is implemented, from 0 to 100 percent."),
            "min_value": _("Give how much of the change is implemented, from 0 to 100 percent."),
            "max_value": _("Give how much of the change is implemented, from 0 to 100 percent."),
        },
    )
    summary = forms.CharField(
        label=_("What changed"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        error_messages={"required": _("Say what changed since the last update.")},
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("What shows it: a decision, a service live, figures."),
        error_messages={"required": _("Say what shows it: a decision, a service live, figures.")},
    )
    evidence_url = forms.CharField(
        label=_("Link to the evidence (optional)"),
        max_length=500,
        required=False,
        widget=forms.URLInput(),
        help_text=_("A web address where the evidence can be read."),
    )


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the visit?"),
        coerce=int,
        choices=[
            (1, _("1 — not at all")),
            (2, _("2 — a little")),
            (3, _("3 — fairly")),
            (4, _("4 — mostly")),
            (5, _("5 — very")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say how satisfied you are, from 1 (not at all) to 5 (very)."),
            "invalid_choice": _("Say how satisfied you are, from 1 (not at all) to 5 (very)."),
        },
    )
    went_well = forms.CharField(
        label=_("What went well"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        error_messages={"required": _("Say what went well.")},
    )
    to_improve = forms.CharField(
        label=_("What to improve (optional)"), max_length=TEXT_LIMIT, widget=textarea(3), required=False
    )

    def __init__(self, *args, guest: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if guest:
            self.fields["learned"] = forms.CharField(
                label=_("Your learning report"),
                max_length=TEXT_LIMIT,
                widget=textarea(6),
                help_text=_("What you learned, and what you take back to your organisation."),
                error_messages={"required": _("Write your learning report: what you take back to your organisation.")},
            )


class FollowUpForm(forms.Form):
    description = forms.CharField(
        label=_("The collaboration"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("What the two organisations do together since the exchange: a project, a pilot, a visit."),
        error_messages={"required": _("Say what the two organisations do together since the exchange.")},
    )
