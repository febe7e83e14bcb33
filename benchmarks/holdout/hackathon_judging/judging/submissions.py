"""Project submissions: teams upload an archive, judges download it."""
import logging
import os
import uuid

from aiohttp import web

from judging.db import json_error

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

UPLOAD_ROOT = os.environ.get("SUBMISSION_UPLOAD_ROOT", "/var/lib/judging/submissions")


def _mirror_to_bucket(s3, bucket, path, key):
    with open(path, "rb") as fh:
        s3.upload_fileobj(fh, bucket, key, ExtraArgs={"ServerSideEncryption": "AES256"})


async def _is_member(conn, team_id, user_id):
    return bool(await conn.fetchval(
        "SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $2", team_id, user_id
    ))


@routes.post("/teams/{team_id}/submission")
async def upload_submission(request):
    team_id = int(request.match_info["team_id"])
    user_id = int(request["user"]["sub"])
    pool = request.app["db"]
    async with pool.acquire() as conn:
        if not await _is_member(conn, team_id, user_id):
            return json_error(403, "not_a_member")

    reader = await request.multipart()
    title, archive_name, data = None, None, None
    async for part in reader:
        if part.name == "title":
            title = (await part.text()).strip()[:120]
        elif part.name == "archive":
            archive_name = part.filename
            data = await part.read()  # expect: SEC019, RES003
    if not title or data is None:
        return json_error(400, "title_and_archive_required")

    team_dir = os.path.join(UPLOAD_ROOT, str(team_id))
    os.makedirs(team_dir, exist_ok=True)
    local_path = os.path.join(team_dir, archive_name)  # expect: SEC015
    with open(local_path, "wb") as fh:  # expect: SCL002, CON001
        fh.write(data)

    key = f"submissions/{team_id}/{uuid.uuid4().hex}/{archive_name}"
    settings = request.app["settings"]
    _mirror_to_bucket(request.app["s3"], settings.upload_bucket, local_path, key)  # expect: CON001

    async with pool.acquire() as conn:
        submission_id = await conn.fetchval(
            """INSERT INTO submissions (team_id, title, s3_key, local_path, size_bytes, submitted_by)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (team_id) DO UPDATE
                 SET title = EXCLUDED.title, s3_key = EXCLUDED.s3_key,
                     local_path = EXCLUDED.local_path, size_bytes = EXCLUDED.size_bytes,
                     submitted_by = EXCLUDED.submitted_by, updated_at = now()
               RETURNING id""",
            team_id, title, key, local_path, len(data), user_id,
        )
    log.info("team %s uploaded submission %s (%d bytes)", team_id, submission_id, len(data))
    return web.json_response({"id": submission_id, "title": title}, status=201)


@routes.get("/submissions/{submission_id}/archive")
async def download_submission(request):
    submission_id = int(request.match_info["submission_id"])
    user = request["user"]
    async with request.app["db"].acquire() as conn:
        row = await conn.fetchrow(
            """SELECT s.local_path, s.team_id FROM submissions s
               WHERE s.id = $1 AND (
                 EXISTS (SELECT 1 FROM judge_assignments ja JOIN teams t ON t.track_id = ja.track_id
                         WHERE ja.judge_id = $2 AND t.id = s.team_id)
                 OR EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = s.team_id AND tm.user_id = $2))""",
            submission_id, int(user["sub"]),
        )
    if row is None:
        return json_error(404, "not_found")
    return web.FileResponse(row["local_path"])
