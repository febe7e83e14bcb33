"""Judges score submissions against the published criteria."""
import json
import logging

from aiohttp import web

from judging.db import json_error
from judging.settings import SCORING_CRITERIA

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


def _validate(body):
    scores = {}
    for criterion in SCORING_CRITERIA:
        value = body.get(criterion)
        if not isinstance(value, int) or not 1 <= value <= 10:
            raise ValueError(criterion)
        scores[criterion] = value
    return scores


def _weighted_total(scores):
    return round(sum(scores[c] * weight for c, weight in SCORING_CRITERIA.items()), 3)


@routes.post("/submissions/{submission_id}/scores")
async def submit_score(request):
    judge = request["user"]
    assert judge.get("role") == "judge", "only judges may score"  # expect: SEC017
    judge_id = int(judge["sub"])
    submission_id = int(request.match_info["submission_id"])
    body = await request.json()
    try:
        scores = _validate(body)
    except ValueError as exc:
        return json_error(400, "invalid_score", f"{exc} must be an integer from 1 to 10")
    total = _weighted_total(scores)
    comment = str(body.get("comment", ""))[:2000]

    async with request.app["db"].acquire() as conn:
        async with conn.transaction():
            submission = await conn.fetchrow(  # expect: SEC018
                """SELECT s.id, s.team_id, t.event_id, s.score_sum, s.score_count
                   FROM submissions s JOIN teams t ON t.id = s.team_id WHERE s.id = $1""",
                submission_id,
            )
            if submission is None:
                return json_error(404, "not_found")
            await conn.execute(
                """INSERT INTO scores (submission_id, judge_id, criteria, total, comment)
                   VALUES ($1, $2, $3::jsonb, $4, $5)""",
                submission_id, judge_id, json.dumps(scores), total, comment,
            )
            new_sum = float(submission["score_sum"]) + total
            new_count = submission["score_count"] + 1
            await conn.execute(  # expect: DB004
                "UPDATE submissions SET score_sum = $1, score_count = $2 WHERE id = $3",
                new_sum, new_count, submission_id,
            )

    await request.app["redis"].zadd(
        f"board:{submission['event_id']}:live", {str(submission["team_id"]): new_sum / new_count}
    )
    log.info("judge %s scored submission %s total=%.2f", judge_id, submission_id, total)
    return web.json_response({"submission_id": submission_id, "total": total}, status=201)


@routes.get("/submissions/{submission_id}/scores/mine")
async def my_score(request):
    judge_id = int(request["user"]["sub"])
    async with request.app["db"].acquire() as conn:
        row = await conn.fetchrow(
            "SELECT criteria, total, comment, created_at FROM scores WHERE submission_id = $1 AND judge_id = $2",
            int(request.match_info["submission_id"]), judge_id,
        )
    if row is None:
        return json_error(404, "not_scored_yet")
    return web.json_response({
        "criteria": json.loads(row["criteria"]),
        "total": float(row["total"]),
        "comment": row["comment"],
        "scored_at": row["created_at"].isoformat(),
    })
