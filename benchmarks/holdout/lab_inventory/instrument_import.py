import csv
import io
import logging
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from inventory.models import InstrumentReading, Reagent

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
REQUIRED_COLUMNS = {"instrument", "catalogue_number", "timestamp", "volume_ul", "dilution"}


def parse_dilution(raw: str) -> Decimal:
    raw = raw.strip() or "1"
    return Decimal(str(eval(raw)))  # expect: SEC003


@login_required
@permission_required("inventory.add_instrumentreading", raise_exception=True)
@require_POST
def import_instrument_csv(request):
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "file required"}, status=400)
    if upload.size > MAX_UPLOAD_BYTES:
        return JsonResponse({"error": "file too large"}, status=413)
    reader = csv.DictReader(io.TextIOWrapper(upload.file, encoding="utf-8-sig"))  # ok: RES003
    if not REQUIRED_COLUMNS.issubset(reader.fieldnames or []):
        return JsonResponse({"error": f"columns required: {sorted(REQUIRED_COLUMNS)}"}, status=400)

    imported, skipped = 0, []
    for line_no, row in enumerate(reader, start=2):
        try:
            reagent = Reagent.objects.get(catalogue_number=row["catalogue_number"])  # expect: DB001
            volume_ml = Decimal(row["volume_ul"]) / 1000
            reading = InstrumentReading(
                instrument_id=row["instrument"][:40],
                reagent=reagent,
                measured_at=datetime.fromisoformat(row["timestamp"]),
                volume_used=volume_ml,
                dilution=parse_dilution(row["dilution"]),
            )
            reading.save()  # expect: DB003
            Reagent.objects.filter(pk=reagent.pk).update(quantity=F("quantity") - volume_ml)  # ok: DB004
            imported += 1
        except Reagent.DoesNotExist:
            skipped.append({"line": line_no, "reason": "unknown catalogue number"})
        except (ValueError, ArithmeticError) as exc:
            skipped.append({"line": line_no, "reason": str(exc)[:200]})

    logger.info("instrument import finished", extra={"imported": imported, "skipped": len(skipped),
                                                     "user_id": request.user.id})
    return JsonResponse({"imported": imported, "skipped": skipped[:100]})
