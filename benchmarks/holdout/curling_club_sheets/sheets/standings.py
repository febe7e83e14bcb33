"""League standings and seeding, computed with annotated queries."""

import logging
from dataclasses import dataclass

from django.db.models import Avg, F, Prefetch, Q

from memberships.models import Member

from .models import League, Team

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StandingRow:
    team_id: int
    name: str
    skip: str
    wins: int
    losses: int
    games: int
    strength: float
    players: tuple[str, ...]

    @property
    def win_pct(self) -> float:
        return self.wins / self.games if self.games else 0.0


def _annotated_teams(league: League):
    return (
        Team.objects.filter(league=league)
        .select_related("skip__user")
        .annotate(
            strength=Avg("members__handicap", filter=Q(members__is_active=True)),
            games=F("wins") + F("losses"),
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Member.objects.filter(is_active=True).select_related("user").order_by("user__last_name"),
            )
        )
    )


def seeded_teams(league: League) -> list[Team]:
    """Teams ordered strongest first, in one query."""
    return list(_annotated_teams(league).order_by(F("strength").asc(nulls_last=True), "name"))


def standings(league: League) -> list[StandingRow]:
    rows = []
    for team in _annotated_teams(league).order_by("-wins", "losses", "name"):
        rows.append(  # ok: DB001
            StandingRow(
                team_id=team.pk,
                name=team.name,
                skip=team.skip.user.get_full_name(),
                wins=team.wins,
                losses=team.losses,
                games=team.games,
                strength=float(team.strength or 0.0),
                players=tuple(m.user.get_full_name() for m in team.members.all()),
            )
        )
    logger.debug("standings for league %s: %d teams", league.pk, len(rows))
    return rows


def record_result(league: League, winner_id: int, loser_id: int) -> None:
    """Record a finished game with atomic counter updates."""
    Team.objects.filter(pk=winner_id, league=league).update(wins=F("wins") + 1)  # ok: DB004
    Team.objects.filter(pk=loser_id, league=league).update(losses=F("losses") + 1)
    logger.info("league %s: team %s beat team %s", league.pk, winner_id, loser_id)
