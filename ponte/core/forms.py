from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class FormRenderer(TemplatesSetting):
    """Every form on Ponte, ours and allauth's, renders with the accessible field pattern:
    label, hint, error message, then the control, tied together with aria-describedby."""

    form_template_name = "ponte/forms/form.html"
    field_template_name = "ponte/forms/field.html"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form, beside the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def mark_needed_later(form: forms.Form, names) -> None:
    """Fields a form may save empty that a later step needs, such as what a draft must hold
    before it is sent: the renderer does not call them "(optional)", since they are not."""
    for name in names:
        if name in form.fields:
            form.fields[name].needed_later = True


def moment_field(label, message, **kwargs) -> forms.DateTimeField:
    """A date and time typed in the browser's own picker; `message` when it is missing or wrong."""
    return forms.DateTimeField(
        label=label,
        help_text=_("Date and time, on this platform's clock."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": message, "invalid": message},
        **kwargs,
    )


class PersonField(forms.CharField):
    """A person named by their address, as the suggestions of the field write it: the account,
    or `unknown` (the message) when nobody on Ponte has that address."""

    def __init__(self, *, unknown, suggestions: str = "", **kwargs):
        super().__init__(max_length=254, **kwargs)
        self.unknown = unknown
        self.widget.attrs.update({"autocomplete": "off"})
        if suggestions:
            self.widget.attrs["data-suggestions"] = suggestions

    def clean(self, value):
        from django.contrib.auth import get_user_model
        from django.db.models.functions import Lower

        address = super().clean(value).strip().lower()
        if not address:
            return None
        found = get_user_model().objects.annotate(address=Lower("email")).filter(address=address).first()
        if found is None:
            raise ValidationError(self.unknown)
        return found


def textarea(rows: int) -> forms.Textarea:
    """A text area sized to the answer expected, in lines."""
    return forms.Textarea(attrs={"rows": rows})


__all__ = ["NON_FIELD_ERRORS", "PersonField", "add_service_errors", "mark_needed_later", "moment_field", "textarea"]


# Several files in one field: Django's FileField takes one; a form for documents takes a few.
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ReasonForm(forms.Form):
    """The reason a person gives for a decision (returning, declining, cancelling), shown to those it concerns."""

    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label=None, help_text=None, required_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        if help_text:
            self.fields["reason"].help_text = help_text
        if required_message:
            self.fields["reason"].error_messages["required"] = required_message
