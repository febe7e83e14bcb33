import logging
import subprocess
import tempfile
import threading

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from inventory.models import Reagent

logger = logging.getLogger(__name__)

ZPL_TEMPLATE = """^XA
^FO40,30^A0N,36,36^FD{name}^FS
^FO40,80^A0N,24,24^FDCAS {cas}  LOC {location}^FS
^FO40,120^BY2^BCN,80,Y,N,N^FD{catalogue}^FS
^XZ
"""


def render_label(reagent: Reagent) -> str:
    return ZPL_TEMPLATE.format(
        name=reagent.name[:40],
        cas=reagent.cas_number,
        location=reagent.location or "-",
        catalogue=reagent.catalogue_number,
    )


def send_to_printer(reagent: Reagent, copies: int, printer: str) -> None:
    label_file = tempfile.NamedTemporaryFile("w", suffix=".zpl", delete=False)  # expect: RES001
    label_file.write(render_label(reagent))
    label_file.flush()
    cmd = f"lp -d {printer} -n {copies} -t '{reagent.name}' {label_file.name}"
    result = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30)  # expect: SEC002
    if result.returncode != 0:
        print(f"label print failed for reagent {reagent.id}: {result.stderr[:500]}")  # expect: OBS001


def printer_status(printer: str) -> str:
    result = subprocess.run(["lpstat", "-p", printer], capture_output=True, text=True,
                            timeout=10)  # ok: SEC002
    return result.stdout.strip()


@login_required
@require_POST
def print_labels(request, reagent_id: int):
    reagent = get_object_or_404(Reagent, pk=reagent_id)
    try:
        copies = int(request.POST.get("copies", "1"))
    except ValueError:
        return JsonResponse({"error": "copies must be a number"}, status=400)
    if not 1 <= copies <= 50:
        return JsonResponse({"error": "copies must be between 1 and 50"}, status=400)
    printer = request.POST.get("printer", settings.LABEL_PRINTER)

    worker = threading.Thread(target=send_to_printer, args=(reagent, copies, printer), daemon=True)
    worker.start()  # expect: CON003
    logger.info("label job started", extra={"reagent_id": reagent.id, "copies": copies,
                                            "user_id": request.user.id})
    return JsonResponse({"status": "printing"}, status=202)


@login_required
def printer_health(request):
    printer = settings.LABEL_PRINTER
    return JsonResponse({"printer": printer, "status": printer_status(printer)})
