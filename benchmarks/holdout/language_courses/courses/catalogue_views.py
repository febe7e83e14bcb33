import logging

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from .models import Course, Teacher

logger = logging.getLogger(__name__)

CATALOGUE_PAGE_SIZE = 24


class CourseListView(ListView):
    template_name = "courses/catalogue.html"
    context_object_name = "courses"
    paginate_by = CATALOGUE_PAGE_SIZE

    def get_queryset(self):
        qs = (
            Course.objects.filter(published=True)
            .select_related("teacher")
            .annotate(lesson_count=Count("lessons"))
        )
        language = self.request.GET.get("language")
        if language:
            qs = qs.filter(language=language)
        level = self.request.GET.get("level")
        if level in dict(Course.LEVELS):
            qs = qs.filter(level=level)
        return qs  # ok: DB002

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["selected_language"] = self.request.GET.get("language", "")
        ctx["levels"] = [code for code, _ in Course.LEVELS]
        return ctx


class CourseDetailView(DetailView):
    template_name = "courses/detail.html"
    slug_field = "slug"
    context_object_name = "course"

    def get_queryset(self):
        return Course.objects.filter(published=True).select_related("teacher")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["lessons"] = self.object.lessons.order_by("position").only(
            "id", "title", "position", "duration_seconds"
        )
        user = self.request.user
        ctx["is_enrolled"] = user.is_authenticated and self.object.enrolments.filter(user=user).exists()
        return ctx


def _teacher_card(teacher_id):
    teacher = Teacher.objects.get(pk=teacher_id)
    return {
        "name": teacher.display_name,
        "bio": teacher.bio[:200],
        "course_count": teacher.courses.filter(published=True).count(),
    }


def course_search(request):
    q = request.GET.get("q", "").strip()
    page_number = request.GET.get("page", 1)
    results = []
    page = None
    if len(q) >= 2:
        print(f"catalogue search q={q!r} page={page_number}")  # expect: OBS001
        qs = Course.objects.filter(published=True, title__icontains=q).order_by("title")  # expect: DB006
        page = Paginator(qs, CATALOGUE_PAGE_SIZE).get_page(page_number)
        for course in page.object_list:
            results.append({"course": course, "teacher": _teacher_card(course.teacher_id)})  # expect: DB001
    return render(request, "courses/search.html", {"q": q, "results": results, "page": page})


def teacher_profile(request, pk):
    teacher = get_object_or_404(Teacher, pk=pk)
    courses = (
        teacher.courses.filter(published=True)
        .annotate(students=Count("enrolments", filter=Q(enrolments__status="active")))
        .order_by("-created_at")[:50]
    )
    return render(request, "courses/teacher.html", {"teacher": teacher, "courses": courses})
