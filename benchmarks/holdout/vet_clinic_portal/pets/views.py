import logging
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.storage import default_storage
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.views.generic import DetailView, ListView, UpdateView

from pets.forms import PetForm, PetPhotoForm
from pets.models import Pet

logger = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 4 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class OwnedPetMixin(LoginRequiredMixin):
    def get_queryset(self):
        return Pet.objects.filter(owner=self.request.user)  # ok: SEC018


class PetListView(OwnedPetMixin, ListView):
    template_name = "pets/list.html"
    context_object_name = "pets"
    paginate_by = 20  # ok: DB002

    def get_queryset(self):
        return super().get_queryset().prefetch_related("vaccinations").order_by("name")  # ok: DB001


class PetDetailView(OwnedPetMixin, DetailView):
    template_name = "pets/detail.html"
    context_object_name = "pet"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["vaccinations"] = self.object.vaccinations.order_by("-given_on")[:20]
        ctx["badge"] = format_html('<span class="pet-badge pet-{}">{}</span>', self.object.species, self.object.name)  # ok: SEC016
        return ctx


class PetUpdateView(OwnedPetMixin, UpdateView):
    form_class = PetForm
    template_name = "pets/edit.html"
    success_url = reverse_lazy("pets:list")

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.name}'s profile was updated.")
        return super().form_valid(form)


def upload_pet_photo(request, pk):
    if not request.user.is_authenticated:
        return JsonResponse({"error": "authentication required"}, status=401)
    if request.method != "POST":
        return JsonResponse({"error": "method not allowed"}, status=405)
    pet = get_object_or_404(Pet, pk=pk, owner=request.user)  # ok: SEC018
    form = PetPhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": form.errors.get_json_data()}, status=400)
    photo = form.cleaned_data["photo"]
    detected = getattr(getattr(photo, "image", None), "format", None)
    if photo.size > MAX_PHOTO_BYTES or detected not in PHOTO_FORMATS:  # ok: SEC019
        return JsonResponse({"error": "photo must be a JPEG, PNG or WebP under 4 MB"}, status=400)
    key = f"pet-photos/{pet.pk}/{uuid.uuid4().hex}.{PHOTO_FORMATS[detected]}"
    saved = default_storage.save(key, photo)  # ok: SCL002
    Pet.objects.filter(pk=pet.pk).update(photo_key=saved, photo_version=F("photo_version") + 1)  # ok: DB004
    logger.info("photo %s stored for pet %s", saved, pet.pk)
    return JsonResponse({"photo": default_storage.url(saved)})
