"""Forms for applicants and reviewers."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from .models import Application, GrantRound, Review

_MAGIC_NUMBERS = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff_content_type(upload) -> str | None:
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in _MAGIC_NUMBERS.items():
        if head.startswith(magic):
            return content_type
    return None


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "summary", "amount_requested"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, grant_round: GrantRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.grant_round = grant_round

    def clean_amount_requested(self):
        amount = self.cleaned_data["amount_requested"]
        if amount <= 0:
            raise ValidationError("Requested amount must be positive.")
        if amount > self.grant_round.max_request:
            raise ValidationError(f"This round funds at most {self.grant_round.max_request}.")
        return amount

    def clean(self):
        cleaned = super().clean()
        if not self.grant_round.is_open():
            raise ValidationError("This grant round is closed.")
        return cleaned


class AttachmentForm(forms.Form):
    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.GRANTS_MAX_ATTACHMENT_BYTES:  # ok: SEC019
            raise ValidationError("Attachments may be at most 20 MB.")
        detected = sniff_content_type(upload)
        if detected not in settings.GRANTS_ALLOWED_ATTACHMENT_TYPES:
            raise ValidationError("Only PDF, PNG and JPEG files are accepted.")
        upload.detected_content_type = detected
        return upload


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["score", "comment"]
        widgets = {
            "score": forms.NumberInput(attrs={"min": 1, "max": 10}),
            "comment": forms.Textarea(attrs={"rows": 6}),
        }

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if self.cleaned_data.get("score", 10) <= 3 and len(comment) < 40:
            raise ValidationError("Please explain low scores in at least a few sentences.")
        return comment


class RoundAssignmentForm(forms.Form):
    reviewers_per_application = forms.IntegerField(min_value=1, max_value=5, initial=3)
    notify_reviewers = forms.BooleanField(required=False, initial=True)


class ExportForm(forms.Form):
    FORMAT_CHOICES = [("csv", "CSV"), ("xlsx", "Excel")]

    grant_round = forms.ModelChoiceField(queryset=GrantRound.objects.order_by("-deadline"))
    format = forms.ChoiceField(choices=FORMAT_CHOICES)
    include_scores = forms.BooleanField(required=False, initial=True)
