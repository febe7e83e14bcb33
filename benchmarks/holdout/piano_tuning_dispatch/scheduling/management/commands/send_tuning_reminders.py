"""Nightly: e-mail owners whose piano is due for its yearly tuning.

Run from cron as ``django-admin send_tuning_reminders``.
"""
from datetime import date, timedelta

from django.core.mail import send_mail
from django.core.management.base import BaseCommand

from scheduling.models import Customer, Piano

REMINDER_AFTER = timedelta(days=330)
FLUSH_EVERY = 200

BODY = """Hi {name},

It has been almost a year since your {make} was last tuned ({last}).
Pianos drift with the seasons; book your next visit at
https://book.pianodispatch.com/pianos/{piano_id}/book

The Piano Dispatch team
"""


def _owner(piano):
    return Customer.objects.select_related("user").get(pk=piano.owner_id)


class Command(BaseCommand):
    help = "Send yearly tuning reminders."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--limit", type=int, default=5000)

    def _flush(self, piano_ids, today):
        if piano_ids:
            Piano.objects.filter(pk__in=piano_ids).update(reminder_sent_on=today)
            piano_ids.clear()

    def handle(self, *args, **options):
        today = date.today()
        due = (
            Piano.objects.filter(last_tuned_on__lte=today - REMINDER_AFTER, reminder_sent_on__isnull=True)
            .order_by("pk")[: options["limit"]]
        )
        sent, skipped, pending = 0, 0, []

        for piano in due.iterator(chunk_size=500):
            owner = _owner(piano)  # expect: DB001
            if not owner.user.email:
                skipped += 1
                continue
            body = BODY.format(
                name=owner.user.first_name or "there",
                make=piano.make,
                last=piano.last_tuned_on.strftime("%B %Y"),
                piano_id=piano.pk,
            )
            if options["dry_run"]:
                print(f"would remind {owner.user.email} about piano {piano.pk}")  # ok: OBS001
                continue
            try:
                send_mail("Time to tune your piano?", body, None, [owner.user.email])
            except Exception:  # expect: ERR001
                continue
            sent += 1
            pending.append(piano.pk)
            if len(pending) >= FLUSH_EVERY:
                self._flush(pending, today)

        self._flush(pending, today)
        print(f"reminders sent={sent} skipped_no_email={skipped}")  # ok: OBS001
