"""Tests for survey scoring and the owner-only survey endpoints."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from survey_service.scoring import choice_shares, net_promoter_score, summarize_ratings

OWNER_PASSWORD = "correct-horse-battery-staple"  # ok: SEC005


def test_nps_counts_promoters_minus_detractors():
    assert net_promoter_score([10, 9, 8, 6, 3]) == 0  # ok: SEC017
    assert net_promoter_score([10, 10, 9]) == 100


def test_nps_of_no_ratings_is_zero():
    assert net_promoter_score([]) == 0


def test_summary_ignores_ratings_outside_the_scale():
    summary = summarize_ratings([1, 5, 5, 7, 0], scale=5)
    assert summary.count == 3
    assert summary.distribution == {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}


def test_choice_shares_sum_to_one_hundred():
    shares = choice_shares(["a", "b", "a", "c"])
    assert shares == {"a": 50.0, "b": 25.0, "c": 25.0}


@pytest.mark.django_db
def test_only_the_owner_can_reopen_a_survey(survey_factory):
    owner = get_user_model().objects.create_user("owner", password=OWNER_PASSWORD)
    other = get_user_model().objects.create_user("other", password="another-long-passphrase")  # ok: SEC005
    survey = survey_factory(owner=owner, is_open=False)
    client = Client()
    client.login(username="other", password="another-long-passphrase")
    response = client.post(f"/surveys/{survey.pk}/reopen")
    assert response.status_code == 404
    assert other.pk != owner.pk
