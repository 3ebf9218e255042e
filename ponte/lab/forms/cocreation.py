"""Forms of co-creation: joining the citizens' panel, a session, inviting, attendance, a
prototype and its questions, feedback. They parse what people type; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import textarea
from ponte.reference.models import Sector

from ..models import TEXT_LIMIT, AgeBand, QuestionKind, SessionKind

QUESTION_ROWS = 5


class PanelForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics you would like to work on"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic you would like to work on.")},
    )
    region = forms.CharField(
        label=_("Where you live"),
        max_length=100,
        help_text=_("A region or a town: sessions are often held in person."),
        error_messages={"required": _("Say where you live: a region or a town.")},
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your age band, or that you prefer not to say.")},
    )
    accessibility = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("What would help you take part: step-free access, sign language, large print, a quiet room…"),
    )


class JoinPanelForm(PanelForm):
    consent = forms.BooleanField(
        label=_("I have read how my data is used, and I consent to it."),
        error_messages={"required": _("To join the panel, give your consent: tick the box once you have read it.")},
    )


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of session"), choices=SessionKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What happens"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("What participants do, for how long, and what they bring."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    online = forms.BooleanField(label=_("Online"), required=False)
    place = forms.CharField(
        label=_("Place or link"), max_length=500, help_text=_("The address, or how to join when it is online.")
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000)
    accessibility = forms.CharField(
        label=_("Accessibility"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("Step-free access, hearing loop, interpretation, what participants can ask for."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class InviteForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("Members who chose the topic"),
        choices=Sector.choices,
        error_messages={
            "required": _("Choose the topic of the members to invite."),
            "invalid_choice": _("Choose the topic of the members to invite."),
        },
    )
    region = forms.CharField(
        label=_("Who live in"), required=False, max_length=100, help_text=_("Leave empty to invite from everywhere.")
    )
    age_band = forms.ChoiceField(
        label=_("Of the age band"), required=False, choices=[("", _("Any age")), *AgeBand.choices]
    )


class AttendanceForm(forms.Form):
    """One box per person signed up: ticked, they came."""

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        for number, invitation in enumerate(invitations, start=1):
            person = invitation.member.person if invitation.member else None
            label = (
                (person.name or person.email)
                if person
                else _("Participant %(number)s (left the panel)") % {"number": number}
            )
            self.fields[f"came_{invitation.pk}"] = forms.BooleanField(
                label=label, required=False, initial=bool(invitation.attended)
            )

    def present(self) -> set[int]:
        return {int(name.removeprefix("came_")) for name, value in self.cleaned_data.items() if value}


class PrototypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    version = forms.CharField(label=_("Version"), max_length=40, help_text=_("For example v1, or paper sketch."))
    description = forms.CharField(label=_("What participants try out"), max_length=TEXT_LIMIT, widget=textarea(4))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, QUESTION_ROWS + 1):
            self.fields[f"question_{n}"] = forms.CharField(
                label=_("Question %(number)s") % {"number": n}, required=False, max_length=300
            )
            self.fields[f"kind_{n}"] = forms.ChoiceField(
                label=_("Answer to question %(number)s") % {"number": n},
                choices=QuestionKind.choices,
                initial=QuestionKind.RATING,
            )
        self.fields["question_1"].help_text = _("Ask at least one question; leave the others empty.")

    def questions(self) -> list[tuple[str, str]]:
        return [
            (self.cleaned_data[f"question_{n}"], self.cleaned_data[f"kind_{n}"]) for n in range(1, QUESTION_ROWS + 1)
        ]


class FeedbackForm(forms.Form):
    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            if question.kind == QuestionKind.RATING:
                self.fields[f"question_{question.pk}"] = forms.TypedChoiceField(
                    label=question.text,
                    choices=[(n, str(n)) for n in range(1, 6)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    help_text=_("1 is the worst, 5 the best."),
                    error_messages={"required": _("Give a rating from 1 to 5.")},
                )
            else:
                self.fields[f"question_{question.pk}"] = forms.CharField(
                    label=question.text, required=False, max_length=TEXT_LIMIT, widget=textarea(3)
                )

    def answers(self) -> dict[int, object]:
        return {int(name.removeprefix("question_")): value for name, value in self.cleaned_data.items()}
