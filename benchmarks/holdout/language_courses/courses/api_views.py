"""REST API used by the iOS and Android apps."""
import logging

from django.db.models import Count
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Course, Enrolment, Lesson, LessonProgress
from .storage import signed_playback_url

logger = logging.getLogger(__name__)


class CataloguePagination(PageNumberPagination):
    page_size = 20
    max_page_size = 50
    page_size_query_param = "page_size"


class CourseSerializer(serializers.ModelSerializer):
    teacher_name = serializers.CharField(source="teacher.display_name", read_only=True)
    lesson_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = ["id", "slug", "title", "language", "level", "price_cents", "currency", "teacher_name", "lesson_count"]


class LessonSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "duration_seconds"]


class EnrolmentSerializer(serializers.ModelSerializer):
    course = CourseSerializer(read_only=True)
    lessons = LessonSummarySerializer(source="course.lessons", many=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "status", "created_at", "course", "lessons"]


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CourseSerializer
    permission_classes = [AllowAny]
    pagination_class = CataloguePagination
    lookup_field = "slug"

    def get_queryset(self):
        qs = (
            Course.objects.filter(published=True)
            .select_related("teacher")  # ok: DB001
            .annotate(lesson_count=Count("lessons"))
            .order_by("-created_at")
        )
        language = self.request.query_params.get("language")
        return qs.filter(language=language) if language else qs


class MyEnrolmentsViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EnrolmentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            Enrolment.objects.filter(user=self.request.user, status=Enrolment.ACTIVE)  # ok: SEC018
            .select_related("course__teacher")
            .prefetch_related("course__lessons")
            .annotate(lesson_count=Count("course__lessons"))
            .order_by("-created_at")
        )


class LessonPlaybackView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, lesson_id):
        lesson = get_object_or_404(Lesson, pk=lesson_id, transcode_status=Lesson.READY)
        if not Enrolment.objects.filter(user=request.user, course_id=lesson.course_id, status=Enrolment.ACTIVE).exists():
            return Response({"detail": "Not enrolled in this course."}, status=status.HTTP_403_FORBIDDEN)
        urls = {name: signed_playback_url(key) for name, key in lesson.renditions.items()}
        return Response({"lesson": lesson.pk, "renditions": urls, "duration_seconds": lesson.duration_seconds})


class LessonProgressView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, lesson_id):
        lesson = get_object_or_404(Lesson, pk=lesson_id)
        if not Enrolment.objects.filter(user=request.user, course_id=lesson.course_id, status=Enrolment.ACTIVE).exists():
            return Response({"detail": "Not enrolled in this course."}, status=status.HTTP_403_FORBIDDEN)
        _, created = LessonProgress.objects.get_or_create(user=request.user, lesson=lesson)  # ok: DB005
        logger.info("lesson progress user=%s lesson=%s new=%s", request.user.pk, lesson.pk, created)
        return Response({"lesson": lesson.pk, "completed": True}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
