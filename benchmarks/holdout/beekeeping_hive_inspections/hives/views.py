"""Inspection pages used by the members' field app and website."""
import logging
import os

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Hive, Inspection, InspectionPhoto

log = logging.getLogger(__name__)


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["inspected_at", "brood_frames", "queen_seen", "eggs_seen", "queen_cells",
                  "temper", "varroa_method", "varroa_count", "notes"]


@login_required
def inspection_detail(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.select_related("hive__apiary"), pk=pk)  # expect: SEC018
    return render(request, "hives/inspection_detail.html", {
        "inspection": inspection,
        "hive": inspection.hive,
        "photos": inspection.photos.order_by("uploaded_at"),
    })


@login_required
def new_inspection(request, hive_id: int):
    hive = get_object_or_404(Hive, pk=hive_id, apiary__member__user=request.user)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        inspection = form.save(commit=False)
        inspection.hive = hive
        inspection.inspected_by = request.user
        inspection.save()
        log.info("inspection %s recorded for hive %s by user %s",
                 inspection.pk, hive.pk, request.user.pk)
        return redirect("hives:inspection_detail", pk=inspection.pk)
    return render(request, "hives/inspection_form.html", {"form": form, "hive": hive})


@login_required
@require_POST
def upload_photo(request, pk: int):
    inspection = get_object_or_404(Inspection, pk=pk, hive__apiary__member__user=request.user)
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": "photo is required"}, status=400)

    # the field app sends a label like "hive3-frame5.jpg"; fall back to the file name
    name = request.POST.get("name") or upload.name
    folder = os.path.join(settings.MEDIA_ROOT, "inspections", str(inspection.pk))
    os.makedirs(folder, exist_ok=True)
    dest = os.path.join(folder, name)  # expect: SEC015
    with open(dest, "wb") as fh:  # expect: SCL002
        fh.write(upload.read())  # expect: SEC019, RES003

    photo = InspectionPhoto.objects.create(
        inspection=inspection,
        image=os.path.relpath(dest, settings.MEDIA_ROOT),
        content_type=upload.content_type,
        size_bytes=upload.size,
    )
    log.info("photo %s stored for inspection %s", photo.pk, inspection.pk)
    return JsonResponse({"id": photo.pk, "name": name}, status=201)
