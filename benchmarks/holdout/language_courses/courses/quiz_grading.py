import logging

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .certificates import issue_certificate_if_complete
from .models import Attempt, Enrolment, Question, Quiz, StudentProfile

logger = logging.getLogger(__name__)


class SubmissionSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(), allow_empty=False)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["id", "quiz", "score", "passed", "submitted_at"]


def _normalise(text):
    return " ".join(str(text or "").lower().split())


def score_question(question, given):
    if question.kind == Question.CHOICE:
        return question.points if given == question.answer else 0
    if question.kind == Question.TEXT:
        accepted = question.answer if isinstance(question.answer, list) else [question.answer]
        return question.points if _normalise(given) in {_normalise(a) for a in accepted} else 0
    if question.kind == Question.RULE and question.scoring_rule:
        context = {"answer": _normalise(given), "points": question.points, "len": len}
        return max(0, min(question.points, int(eval(question.scoring_rule, context))))  # expect: SEC003
    return 0


class QuizSubmitView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, quiz_id):
        quiz = get_object_or_404(Quiz.objects.select_related("lesson__course"), pk=quiz_id)
        enrolled = Enrolment.objects.filter(
            user=request.user, course=quiz.lesson.course, status=Enrolment.ACTIVE
        ).exists()
        assert enrolled, "not enrolled in this course"  # expect: SEC017

        ser = SubmissionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        answers = ser.validated_data["answers"]

        questions = list(quiz.questions.all())
        score = sum(score_question(q, answers.get(str(q.pk))) for q in questions)
        total = sum(q.points for q in questions) or 1
        passed = score * 100 >= quiz.pass_mark * total
        attempt = Attempt.objects.create(user=request.user, quiz=quiz, answers=answers, score=score, passed=passed)

        profile, _ = StudentProfile.objects.get_or_create(user=request.user)
        profile.quiz_points += score
        profile.save(update_fields=["quiz_points"])  # expect: DB004

        if passed:
            issue_certificate_if_complete.delay(request.user.pk, quiz.lesson.course_id)
        logger.info("quiz attempt user=%s quiz=%s score=%s/%s", request.user.pk, quiz.pk, score, total)
        return Response(
            {"attempt": attempt.pk, "score": score, "total": total, "passed": passed},
            status=status.HTTP_201_CREATED,
        )


class QuizAttemptsView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, quiz_id):
        user_id = request.query_params.get("user", request.user.pk)
        attempts = Attempt.objects.filter(quiz_id=quiz_id, user_id=user_id).order_by("-submitted_at")[:50]  # expect: SEC018
        return Response(AttemptSerializer(attempts, many=True).data)


class QuizDetailView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, quiz_id):
        quiz = get_object_or_404(Quiz.objects.select_related("lesson"), pk=quiz_id)
        if not Enrolment.objects.filter(user=request.user, course_id=quiz.lesson.course_id, status=Enrolment.ACTIVE).exists():
            return Response({"detail": "Not enrolled in this course."}, status=status.HTTP_403_FORBIDDEN)
        questions = [
            {"id": q.pk, "kind": q.kind, "prompt": q.prompt, "choices": q.choices, "points": q.points}
            for q in quiz.questions.order_by("pk")
        ]
        return Response({"id": quiz.pk, "title": quiz.title, "pass_mark": quiz.pass_mark, "questions": questions})
