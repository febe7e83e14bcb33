"""Time-of-use tariffs: price a month of hourly consumption."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    name: str
    start_hour: int  # inclusive
    end_hour: int  # exclusive, may wrap past midnight
    price_per_kwh: Decimal

    def covers(self, hour: int) -> bool:
        if self.start_hour <= self.end_hour:
            return self.start_hour <= hour < self.end_hour
        return hour >= self.start_hour or hour < self.end_hour


@dataclass(frozen=True)
class Tariff:
    code: str
    standing_charge_per_day: Decimal
    vat_rate: Decimal
    bands: tuple[Band, ...] = field(default_factory=tuple)

    @classmethod
    def from_row(cls, row) -> "Tariff":
        bands = tuple(
            Band(b["name"], int(b["start_hour"]), int(b["end_hour"]), Decimal(str(b["price_per_kwh"])))
            for b in row["bands"]
        )
        return cls(
            code=row["code"],
            standing_charge_per_day=Decimal(str(row["standing_charge_per_day"])),
            vat_rate=Decimal(str(row["vat_rate"])),
            bands=bands,
        )

    def band_for(self, hour: int) -> Band:
        return _band_index(self)[hour]


@lru_cache(maxsize=128)  # ok: RES002
def _band_index(tariff: Tariff) -> tuple[Band, ...]:
    index = []
    for hour in range(24):
        matches = [b for b in tariff.bands if b.covers(hour)]
        if len(matches) != 1:
            raise ValueError(f"tariff {tariff.code}: hour {hour} is covered by {len(matches)} bands")
        index.append(matches[0])
    return tuple(index)


@dataclass(frozen=True)
class BillLines:
    energy_by_band: dict[str, Decimal]
    energy_total: Decimal
    standing_charge: Decimal
    vat: Decimal
    total: Decimal


def price_period(tariff: Tariff, kwh_by_hour: dict[int, Decimal], days: int) -> BillLines:
    by_band: dict[str, Decimal] = {}
    for hour, kwh in kwh_by_hour.items():
        band = tariff.band_for(hour)
        by_band[band.name] = by_band.get(band.name, Decimal(0)) + kwh * band.price_per_kwh
    energy = sum(by_band.values(), Decimal(0))
    standing = tariff.standing_charge_per_day * days
    net = energy + standing
    vat = (net * tariff.vat_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return BillLines(
        energy_by_band={k: v.quantize(CENT, rounding=ROUND_HALF_UP) for k, v in by_band.items()},
        energy_total=energy.quantize(CENT, rounding=ROUND_HALF_UP),
        standing_charge=standing.quantize(CENT, rounding=ROUND_HALF_UP),
        vat=vat,
        total=(net + vat).quantize(CENT, rounding=ROUND_HALF_UP),
    )
