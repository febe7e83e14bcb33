"""Forms for desk and room bookings and for admin exports."""
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from .models import DeskBooking, Desk, MeetingRoom

MAX_DAYS_AHEAD = 60
OPENING_TIME = time(7, 0)
CLOSING_TIME = time(21, 0)
MAX_ROOM_HOURS = 8


class DeskBookingForm(forms.Form):
    desk = forms.ModelChoiceField(queryset=Desk.objects.filter(is_active=True))
    date = forms.DateField()
    slot = forms.ChoiceField(choices=DeskBooking.Slot.choices)

    def clean_date(self) -> date:
        value = self.cleaned_data["date"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError("You cannot book a desk in the past.")
        if value > today + timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(f"Bookings open {MAX_DAYS_AHEAD} days in advance.")
        if value.weekday() >= 5:
            raise forms.ValidationError("The space is closed at weekends.")
        return value


class RoomBookingForm(forms.Form):
    room = forms.ModelChoiceField(queryset=MeetingRoom.objects.all())
    starts_at = forms.DateTimeField()
    ends_at = forms.DateTimeField()
    title = forms.CharField(max_length=120, required=False)
    attendees = forms.IntegerField(min_value=1, max_value=50)

    def clean(self):
        cleaned = super().clean()
        starts, ends, room = cleaned.get("starts_at"), cleaned.get("ends_at"), cleaned.get("room")
        if not (starts and ends and room):
            return cleaned
        if ends <= starts:
            raise forms.ValidationError("The booking must end after it starts.")
        if ends - starts > timedelta(hours=MAX_ROOM_HOURS):
            raise forms.ValidationError(f"Rooms can be booked for at most {MAX_ROOM_HOURS} hours.")
        if starts < timezone.now():
            raise forms.ValidationError("You cannot book a room in the past.")
        local_start = timezone.localtime(starts).time()
        local_end = timezone.localtime(ends).time()
        if local_start < OPENING_TIME or local_end > CLOSING_TIME:
            raise forms.ValidationError("Rooms are available between 07:00 and 21:00.")
        if starts.minute % 15 or ends.minute % 15:
            raise forms.ValidationError("Bookings start and end on the quarter hour.")
        if cleaned.get("attendees", 0) > room.capacity:
            raise forms.ValidationError(f"{room.name} holds at most {room.capacity} people.")
        return cleaned


class ExportPeriodForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m"], help_text="YYYY-MM")
    company = forms.CharField(max_length=200, required=False)

    def period_bounds(self) -> tuple[date, date]:
        first = self.cleaned_data["month"].replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return first, next_month - timedelta(days=1)

    def period_datetimes(self) -> tuple[datetime, datetime]:
        first, last = self.period_bounds()
        tz = timezone.get_current_timezone()
        start = datetime.combine(first, time.min, tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
        return start, end
