"""Score calculations for rating, NPS and multiple-choice survey questions."""
from collections import Counter
from dataclasses import dataclass
from statistics import mean, median


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float
    median: float
    distribution: dict[int, int]


def net_promoter_score(ratings: list[int]) -> int:
    """Return NPS in [-100, 100]; ratings are 0-10."""
    if not ratings:
        return 0
    promoters = sum(1 for r in ratings if r >= 9)
    detractors = sum(1 for r in ratings if r <= 6)
    return round(100 * (promoters - detractors) / len(ratings))


def summarize_ratings(ratings: list[int], scale: int = 5) -> RatingSummary:
    valid = [r for r in ratings if 1 <= r <= scale]
    if not valid:
        return RatingSummary(count=0, average=0.0, median=0.0, distribution={})
    counts = Counter(valid)
    return RatingSummary(
        count=len(valid),
        average=round(mean(valid), 2),
        median=float(median(valid)),
        distribution={value: counts.get(value, 0) for value in range(1, scale + 1)},
    )


def choice_shares(choices: list[str]) -> dict[str, float]:
    if not choices:
        return {}
    counts = Counter(choices)
    total = len(choices)
    return {choice: round(100 * n / total, 1) for choice, n in counts.most_common()}
