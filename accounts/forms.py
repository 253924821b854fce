"""Forms of the account pages: plain Django forms, rendered server-side, working without JavaScript.

Rules: the checks here are the cheap ones a shopper should hear about before we call Magento (required
fields, e-mail shape, matching confirmation, Magento's default password strength rules); Magento stays the
judge, and its answers are mapped back onto these fields by the views. Password fields never re-render their
value (Django's ``PasswordInput`` default); everything else is kept on a validation error.
"""

from __future__ import annotations

import re

from django import forms

MIN_PASSWORD = 8
MAX_PASSWORD = 256
_CLASSES = (r"[0-9]", r"[A-Z]", r"[a-z]", r"[^a-zA-Z0-9]")


def password_problem(password: str, email: str = "") -> str | None:
    """Magento's default rules (``AccountManagement::checkPasswordStrength``): 8+ characters, three of
    the four character classes, no surrounding spaces, not the e-mail address."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    if password.strip() != password:
        return "The password can't begin or end with a space."
    if sum(bool(re.search(p, password)) for p in _CLASSES) < 3:
        return "Use at least three of: lower case, upper case, digits, special characters."
    if email and password.strip().lower() == email.strip().lower():
        return "The password can't be the same as the email address."
    return None


def _password(label: str, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_PASSWORD,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _email() -> forms.EmailField:
    return forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class AccountForm(forms.Form):
    """Labels without Django's trailing colon (screen readers read it out; our design has none)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class NewPasswordMixin:
    """``password`` + ``password_confirm`` checked against Magento's rules (needs ``email_for_rules``)."""

    def email_for_rules(self) -> str:
        return ""

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()  # type: ignore[misc]
        password = cleaned.get("password") or ""
        if password:
            problem = password_problem(password, self.email_for_rules())
            if problem:
                self.add_error("password", problem)  # type: ignore[attr-defined]
            elif cleaned.get("password_confirm") != password:
                self.add_error("password_confirm", "The passwords do not match.")  # type: ignore[attr-defined]
        return cleaned


class LoginForm(AccountForm):
    email = _email()
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=MAX_PASSWORD,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)


class RegisterForm(NewPasswordMixin, AccountForm):
    firstname = forms.CharField(
        label="First name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    lastname = forms.CharField(
        label="Last name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = _email()
    password = _password("Password", "new-password")
    password_confirm = _password("Confirm password", "new-password")
    subscribe = forms.BooleanField(label="Sign up for the newsletter", required=False)

    def email_for_rules(self) -> str:
        return str(self.cleaned_data.get("email") or "")


class ProfileForm(AccountForm):
    firstname = forms.CharField(
        label="First name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    lastname = forms.CharField(
        label="Last name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = _email()


class ChangePasswordForm(NewPasswordMixin, AccountForm):
    current_password = _password("Current password", "current-password")
    password = _password("New password", "new-password")
    password_confirm = _password("Confirm new password", "new-password")

    def __init__(self, *args: object, email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._email = email

    def email_for_rules(self) -> str:
        return self._email


class ForgotPasswordForm(AccountForm):
    email = _email()


class ResetPasswordForm(NewPasswordMixin, AccountForm):
    email = _email()
    password = _password("New password", "new-password")
    password_confirm = _password("Confirm new password", "new-password")

    def email_for_rules(self) -> str:
        return str(self.cleaned_data.get("email") or "")


class AddressForm(AccountForm):
    firstname = forms.CharField(
        label="First name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    lastname = forms.CharField(
        label="Last name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    company = forms.CharField(
        label="Company", max_length=255, required=False, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    telephone = forms.CharField(
        label="Phone number", max_length=64, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )
    street1 = forms.CharField(
        label="Street address", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    street2 = forms.CharField(
        label="Street address line 2",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    country = forms.ChoiceField(label="Country", widget=forms.Select(attrs={"autocomplete": "country"}))
    region_id = forms.TypedChoiceField(label="State/Province", required=False, coerce=int, empty_value=0)
    region = forms.CharField(label="State/Province (if not listed)", max_length=255, required=False)
    postcode = forms.CharField(
        label="Zip/Postal code",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    default_billing = forms.BooleanField(label="Use as my default billing address", required=False)
    default_shipping = forms.BooleanField(label="Use as my default shipping address", required=False)

    def __init__(self, *args: object, countries: tuple = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.countries = {c.id: c for c in countries}
        self.fields["country"].choices = [("", "Choose a country")] + [(c.id, c.name) for c in countries]
        # Without JavaScript every country's regions are offered at once, grouped by country; the choice is
        # checked against the chosen country in clean().
        self.fields["region_id"].choices = [("", "Choose a state/province")] + [
            (c.name, [(r.id, r.name) for r in c.regions]) for c in countries if c.regions
        ]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        country = self.countries.get(str(cleaned.get("country") or ""))
        region_id = int(cleaned.get("region_id") or 0)
        if country is None:
            return cleaned
        if country.regions:
            if not any(r.id == region_id for r in country.regions):
                self.add_error("region_id", f"Choose a state/province of {country.name}.")
        else:
            cleaned["region_id"] = 0
        return cleaned

    def magento_input(self) -> dict[str, object]:
        """The ``CustomerAddressInput`` for GraphQL's address mutations."""
        data = self.cleaned_data
        country = self.countries[str(data["country"])]
        region: dict[str, object]
        chosen = next((r for r in country.regions if r.id == data.get("region_id")), None)
        if chosen is not None:
            region = {"region_id": chosen.id, "region_code": chosen.code, "region": chosen.name}
        else:
            region = {"region": str(data.get("region") or "")}
        out: dict[str, object] = {
            "firstname": data["firstname"],
            "lastname": data["lastname"],
            "company": data.get("company") or "",
            "telephone": data["telephone"],
            "street": [line for line in (data["street1"], data.get("street2") or "") if line],
            "city": data["city"],
            "postcode": data.get("postcode") or "",
            "country_code": country.id,
            "region": region,
        }
        # Only ever *set* a default (as Luma's form does): an address stops being the default when another
        # one takes its place, never because a box was left unticked.
        for name in ("default_billing", "default_shipping"):
            if data.get(name):
                out[name] = True
        return out
