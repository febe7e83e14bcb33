import logging
import os
import uuid

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.generic import CreateView, DetailView, ListView

from cfp.models import Conference, Submission

logger = logging.getLogger(__name__)

UPLOAD_ROOT = os.environ.get("CFP_UPLOAD_ROOT", "/var/lib/cfp/uploads")
MAX_PDF_BYTES = 10 * 1024 * 1024


class SubmissionForm(forms.ModelForm):
    pdf = forms.FileField(help_text="Full paper, PDF, at most 10 MB")

    class Meta:
        model = Submission
        fields = ["title", "abstract", "track"]

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError("PDF is larger than 10 MB.")
        if not upload.read(5).startswith(b"%PDF-"):
            raise forms.ValidationError("Please upload a PDF file.")
        upload.seek(0)
        return upload


class SubmissionCreateView(LoginRequiredMixin, CreateView):
    form_class = SubmissionForm
    template_name = "cfp/submission_form.html"
    success_url = reverse_lazy("cfp:my-submissions")

    def dispatch(self, request, *args, **kwargs):
        self.conference = get_object_or_404(Conference, slug=kwargs["slug"])
        if self.conference.cfp_closes_at < timezone.now():
            raise Http404("The call for papers is closed.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["pdf"]
        dest = os.path.join(UPLOAD_ROOT, f"{uuid.uuid4().hex}.pdf")  # ok: SEC015
        with open(dest, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)  # expect: SCL002
        form.instance.speaker = self.request.user
        form.instance.conference = self.conference
        form.instance.pdf_path = dest
        response = super().form_valid(form)
        logger.info("submission %s created by user %s", self.object.pk, self.request.user.pk)
        return response


class MySubmissionsView(LoginRequiredMixin, ListView):
    template_name = "cfp/my_submissions.html"
    context_object_name = "submissions"
    paginate_by = 20

    def get_queryset(self):
        return (
            Submission.objects.filter(speaker=self.request.user)
            .select_related("conference")
            .order_by("-created_at")
        )


class SubmissionDetailView(LoginRequiredMixin, DetailView):
    template_name = "cfp/submission_detail.html"
    context_object_name = "submission"

    def get_queryset(self):
        return Submission.objects.select_related("conference", "speaker")  # expect: SEC018


class SubmissionPdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        submission = get_object_or_404(Submission, pk=pk, speaker=request.user)  # ok: SEC018
        if not submission.pdf_path:
            raise Http404("No PDF uploaded.")
        return FileResponse(open(submission.pdf_path, "rb"), content_type="application/pdf")  # ok: RES001
