"""Firing curve charts (temperature against time), rendered with gnuplot and
kept in the media bucket next to the firing log."""
import logging
import os
import subprocess
import tempfile
import threading

from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from .models import Firing

logger = logging.getLogger(__name__)

GNUPLOT_SCRIPT = (
    "set terminal pngcairo size 1200,600; set output '{out}'; "
    "set title '{title}'; set xlabel 'minutes'; set ylabel 'deg C'; "
    "plot '{data}' using 1:2 with lines title 'thermocouple'"
)


def chart_name(firing_id):
    return f"charts/firing-{firing_id}.png"


def render_chart(firing_id):
    firing = Firing.objects.select_related("kiln").get(pk=firing_id)
    log = firing.logs.exclude(file="").order_by("-uploaded_at").first()
    if log is None:
        logger.info("no stored log for firing %s, nothing to chart", firing_id)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data_path = os.path.join(tmp, "readings.dat")
        png_path = os.path.join(tmp, "chart.png")
        out = open(data_path, "w")  # expect: RES001
        for minute, temp in log.readings():
            out.write(f"{minute} {temp}\n")
        out.close()
        script = GNUPLOT_SCRIPT.format(out=png_path, title=f"{firing.kiln.name}: {firing.title}", data=data_path)
        subprocess.run(f'gnuplot -e "{script}"', shell=True, check=True, timeout=60)  # expect: SEC002
        if default_storage.exists(chart_name(firing.pk)):
            default_storage.delete(chart_name(firing.pk))
        with open(png_path, "rb") as fh:
            name = default_storage.save(chart_name(firing.pk), File(fh))
    logger.info("chart rendered for firing %s", firing.pk)
    return name


@login_required
@require_POST
def regenerate_chart(request, firing_id):
    firing = get_object_or_404(Firing, pk=firing_id)
    threading.Thread(target=render_chart, args=(firing.pk,), daemon=True).start()  # expect: CON003, REL005
    return JsonResponse({"status": "rendering", "firing": firing.pk}, status=202)


@login_required
@require_GET
def firing_chart(request, firing_id):
    firing = get_object_or_404(Firing, pk=firing_id)
    name = chart_name(firing.pk)
    if not default_storage.exists(name):
        raise Http404("Chart not rendered yet")
    return HttpResponseRedirect(default_storage.url(name))
