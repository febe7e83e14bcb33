"""Forms for the counter: new tickets and staff search."""
import re

from django import forms

PHONE_RE = re.compile(r"^\+?1?\d{10}$")


class NewTicketForm(forms.Form):
    name = forms.CharField(max_length=120)
    phone = forms.CharField(max_length=20)
    item_description = forms.CharField(max_length=200)
    work_requested = forms.CharField(max_length=2000, widget=forms.Textarea)
    quoted_cents = forms.IntegerField(min_value=0, max_value=100_000)

    def clean_phone(self) -> str:
        digits = re.sub(r"[^\d+]", "", self.cleaned_data["phone"])
        if not PHONE_RE.match(digits):
            raise forms.ValidationError("enter a 10-digit phone number")
        return digits if digits.startswith("+") else "+1" + digits[-10:]


class TicketSearchForm(forms.Form):
    STATUS_CHOICES = [
        ("", "any"),
        ("received", "received"),
        ("in_progress", "in progress"),
        ("ready", "ready"),
        ("picked_up", "picked up"),
        ("abandoned", "abandoned"),
    ]

    claim_number = forms.CharField(max_length=12, required=False)
    phone = forms.CharField(max_length=20, required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) for f in ("claim_number", "phone", "status")):
            raise forms.ValidationError("search by claim number, phone or status")
        phone = cleaned.get("phone")
        if phone:
            digits = re.sub(r"\D", "", phone)
            if len(digits) < 10:
                raise forms.ValidationError("enter the full phone number")
            cleaned["phone"] = "+1" + digits[-10:]
        return cleaned


class StoreCreditRedeemForm(forms.Form):
    amount_cents = forms.IntegerField(min_value=1, max_value=50_000)
    ticket_id = forms.IntegerField(required=False)
