from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting


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


__all__ = ["NON_FIELD_ERRORS", "add_service_errors"]
