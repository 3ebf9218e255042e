from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, TokenScope, User


class SignupDetailsForm(forms.Form):
    """What Ponte asks at sign-up beyond e-mail and password."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As colleagues know you. Shown to people you work with."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user):
        # The adapter has already saved the name; nothing more to store.
        pass


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"})}


class ApiTokenForm(forms.ModelForm):
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        widget=forms.RadioSelect,
        initial=TokenScope.READ,
        help_text=_("A read-only token cannot change anything on your behalf."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        help_texts = {"name": _("So you recognise it later, for example “Data dashboard”.")}


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
