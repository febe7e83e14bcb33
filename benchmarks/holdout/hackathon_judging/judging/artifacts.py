"""Demo videos and slide decks, streamed to S3 in parts as they arrive."""
import asyncio
import logging
import uuid

from aiohttp import web

from judging.db import json_error
from judging.settings import ALLOWED_ARCHIVE_TYPES

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

PART_SIZE = 8 * 1024 * 1024


def _content_type_for(filename):
    lowered = (filename or "").lower()
    for suffix, content_type in ALLOWED_ARCHIVE_TYPES.items():
        if lowered.endswith(suffix):
            return suffix, content_type
    return None, None


async def _stream_to_s3(s3, bucket, key, content_type, part, limit):
    upload = await asyncio.to_thread(s3.create_multipart_upload, Bucket=bucket, Key=key,  # ok: CON001
                                     ContentType=content_type, ServerSideEncryption="AES256")
    upload_id, parts, buffer, total = upload["UploadId"], [], bytearray(), 0
    try:
        while True:
            chunk = await part.read_chunk(256 * 1024)  # ok: RES003
            total += len(chunk)
            if total > limit:
                raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=total)
            buffer.extend(chunk)
            if len(buffer) >= PART_SIZE or (not chunk and buffer):
                number = len(parts) + 1
                result = await asyncio.to_thread(s3.upload_part, Bucket=bucket, Key=key, UploadId=upload_id,
                                                 PartNumber=number, Body=bytes(buffer))
                parts.append({"PartNumber": number, "ETag": result["ETag"]})
                buffer.clear()
            if not chunk:
                break
        await asyncio.to_thread(s3.complete_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id,
                                MultipartUpload={"Parts": parts})
        return total
    except BaseException:
        await asyncio.to_thread(s3.abort_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id)
        raise


@routes.post("/teams/{team_id}/artifacts")
async def upload_artifact(request):
    team_id = int(request.match_info["team_id"])
    user_id = int(request["user"]["sub"])
    async with request.app["db"].acquire() as conn:
        member = await conn.fetchval(
            "SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $2", team_id, user_id)
    if not member:
        return json_error(403, "not_a_member")

    reader = await request.multipart()
    part = await reader.next()
    if part is None or part.name != "file":
        return json_error(400, "file_field_required")
    suffix, content_type = _content_type_for(part.filename)
    if content_type is None:
        return json_error(415, "unsupported_type", "zip, tar.gz, pdf or mp4 only")

    settings = request.app["settings"]
    key = f"artifacts/{team_id}/{uuid.uuid4().hex}{suffix}"  # ok: SEC015
    size = await _stream_to_s3(request.app["s3"], settings.upload_bucket, key, content_type,  # ok: SEC019, SCL002
                               part, settings.max_upload_bytes)
    async with request.app["db"].acquire() as conn:
        artifact_id = await conn.fetchval(
            "INSERT INTO artifacts (team_id, s3_key, content_type, size_bytes, uploaded_by) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            team_id, key, content_type, size, user_id,
        )
    log.info("artifact %s stored for team %s (%d bytes)", artifact_id, team_id, size)
    return web.json_response({"id": artifact_id, "size_bytes": size}, status=201)
