"""Minimal HL7 v2 ORU^R01 parser for incoming lab result messages."""

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import List, Optional

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 256 * 1024
FLAG_MAP = {"N": "N", "H": "H", "L": "L", "HH": "HH", "LL": "LL", "": "N"}


class HL7Error(ValueError):
    pass


@dataclass
class Observation:
    test_code: str
    test_name: str
    value: str
    numeric_value: Optional[Decimal]
    units: str
    reference_range: str
    flag: str
    resulted_at: dt.datetime


@dataclass
class ResultMessage:
    control_id: str
    mrn: str
    order_number: str
    accession_number: str
    observations: List[Observation] = field(default_factory=list)


def _timestamp(raw: str) -> dt.datetime:
    raw = raw.split("+")[0].split("-")[0]
    for fmt in ("%Y%m%d%H%M%S", "%Y%m%d%H%M", "%Y%m%d"):
        try:
            return dt.datetime.strptime(raw, fmt).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            continue
    raise HL7Error(f"bad timestamp {raw!r}")


def _field(segment: List[str], index: int) -> str:
    return segment[index] if len(segment) > index else ""


def parse_oru(message: str) -> ResultMessage:
    if len(message.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise HL7Error("message too large")
    segments = [s.split("|") for s in message.replace("\n", "\r").split("\r") if s.strip()]
    if not segments or segments[0][0] != "MSH":
        raise HL7Error("missing MSH segment")
    msh = segments[0]
    if not _field(msh, 8).startswith("ORU^R01"):
        raise HL7Error(f"unsupported message type {_field(msh, 8)!r}")

    by_type = {}
    for seg in segments:
        by_type.setdefault(seg[0], []).append(seg)
    if "PID" not in by_type or "OBR" not in by_type:
        raise HL7Error("PID and OBR segments are required")

    pid, obr = by_type["PID"][0], by_type["OBR"][0]
    parsed = ResultMessage(
        control_id=_field(msh, 9),
        mrn=_field(pid, 3).split("^")[0],
        order_number=_field(obr, 2).split("^")[0],
        accession_number=_field(obr, 3).split("^")[0],
    )
    for obx in by_type.get("OBX", []):
        code, _, name = _field(obx, 3).partition("^")
        value = _field(obx, 5)
        try:
            numeric = Decimal(value)
        except InvalidOperation:  # ok: ERR001
            numeric = None
        parsed.observations.append(
            Observation(
                test_code=code[:20],
                test_name=name.split("^")[0][:120],
                value=value[:60],
                numeric_value=numeric,
                units=_field(obx, 6).split("^")[0][:20],
                reference_range=_field(obx, 7)[:40],
                flag=FLAG_MAP.get(_field(obx, 8), "N"),
                resulted_at=_timestamp(_field(obx, 14) or _field(obr, 7)),
            )
        )
    if not parsed.mrn or not parsed.accession_number or not parsed.observations:
        raise HL7Error("message is missing MRN, accession number or observations")
    return parsed
