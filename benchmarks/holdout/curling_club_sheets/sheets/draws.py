"""League draw generation: seed teams, build a round robin, assign sheets."""

import logging
import random
from datetime import datetime, timedelta
from itertools import cycle

from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Avg

from .models import Draw, DrawEntry, League, Sheet, Team

logger = logging.getLogger(__name__)


def team_strength(team: Team) -> float:
    """Average handicap of the team's active members (lower is stronger)."""
    result = team.members.filter(is_active=True).aggregate(avg=Avg("handicap"))
    return float(result["avg"] or 0.0)


def seeded_teams(league: League) -> list[Team]:
    teams = list(league.teams.all())
    random.shuffle(teams)  # ok: SEC010
    return sorted(teams, key=team_strength)  # expect: DB001


def round_robin(teams: list[Team]) -> list[list[tuple[Team, Team]]]:
    """Circle method: every team meets every other team once."""
    teams = list(teams)
    if len(teams) % 2:
        teams.append(None)
    rounds = []
    for _ in range(len(teams) - 1):
        half = len(teams) // 2
        pairs = [(teams[i], teams[-1 - i]) for i in range(half)]
        rounds.append([(a, b) for a, b in pairs if a is not None and b is not None])
        teams = [teams[0], teams[-1]] + teams[1:-1]
    return rounds


@transaction.atomic
def build_schedule(league: League, first_night: datetime, draw_times: list[timedelta], entered_by) -> int:
    """Create one draw per league night and slot each round's games onto sheets."""
    sheets = list(Sheet.objects.filter(is_active=True).order_by("name"))
    rounds = round_robin(seeded_teams(league))
    created = 0
    for week, games in enumerate(rounds):
        night = first_night + timedelta(weeks=week)
        slot_times = cycle(draw_times)
        per_draw = len(sheets)
        for start in range(0, len(games), per_draw):
            draw = Draw.objects.create(
                league=league,
                starts_at=night + next(slot_times),
                capacity=2 * per_draw,
            )
            entries = []
            for sheet, (home, away) in zip(sheets, games[start:start + per_draw]):
                entries.append(DrawEntry(draw=draw, team=home, sheet=sheet, entered_by=entered_by))
                entries.append(DrawEntry(draw=draw, team=away, sheet=sheet, entered_by=entered_by))
            DrawEntry.objects.bulk_create(entries)
            created += 1
    logger.info("league %s: %d draws scheduled over %d weeks", league.pk, created, len(rounds))
    return created


def email_schedule(league: League) -> int:
    """Send every player their team's draw times for the season."""
    messages = []
    teams = league.teams.prefetch_related("members__user", "entries__draw", "entries__sheet")
    for team in teams:
        lines = [
            f"{entry.draw.starts_at:%a %d %b %H:%M} on sheet {entry.sheet.name if entry.sheet else 'TBA'}"
            for entry in sorted(team.entries.all(), key=lambda e: e.draw.starts_at)
        ]
        body = f"Draw schedule for {team.name} ({league.name}):\n\n" + "\n".join(lines)
        for member in team.members.all():
            if member.user.email:
                messages.append((f"{league.name}: your draws", body, None, [member.user.email]))
    sent = send_mass_mail(messages, fail_silently=False)
    logger.info("league %s schedule e-mailed to %d players", league.pk, sent)
    return sent
