"""Forms for orders, customer artwork, press slots and password reset."""

from datetime import date, timedelta

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import FileExtensionValidator

from orders.models import Order, PressSlot

MAX_ARTWORK_BYTES = 15 * 1024 * 1024
MIN_LEAD_TIME = timedelta(weeks=6)


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["couple_names", "wedding_date", "paper_size", "sheets", "ink_colours"]
        widgets = {"wedding_date": forms.DateInput(attrs={"type": "date"})}

    def clean_wedding_date(self):
        wedding = self.cleaned_data["wedding_date"]
        if wedding < date.today() + MIN_LEAD_TIME:
            raise forms.ValidationError("We need at least six weeks to design, proof and print.")
        return wedding

    def clean_sheets(self):
        sheets = self.cleaned_data["sheets"]
        if not 10 <= sheets <= 2000:
            raise forms.ValidationError("Orders are between 10 and 2,000 sheets.")
        return sheets

    def clean_ink_colours(self):
        colours = self.cleaned_data["ink_colours"]
        if not 1 <= colours <= 3:
            raise forms.ValidationError("Letterpress runs take one to three ink colours.")
        return colours


class ArtworkUploadForm(forms.Form):
    artwork = forms.ImageField(
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "tif", "tiff"])],
        help_text="A monogram or sketch, up to 15 MB.",
    )
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)

    def clean_artwork(self):
        upload = self.cleaned_data["artwork"]
        if upload.size > MAX_ARTWORK_BYTES:  # ok: SEC019
            raise forms.ValidationError("Artwork files are limited to 15 MB.")
        return upload


class PressSlotForm(forms.Form):
    slot = forms.ModelChoiceField(queryset=PressSlot.objects.none(), empty_label=None)

    def __init__(self, *args, available=None, **kwargs):
        super().__init__(*args, **kwargs)
        if available is not None:
            self.fields["slot"].queryset = available


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PasswordResetConfirmForm(forms.Form):
    email = forms.EmailField()
    code = forms.RegexField(regex=r"^\d{6}$", error_messages={"invalid": "Enter the 6-digit code."})
    new_password = forms.CharField(widget=forms.PasswordInput, strip=False)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_new_password(self):
        password = self.cleaned_data["new_password"]
        validate_password(password)
        return password
