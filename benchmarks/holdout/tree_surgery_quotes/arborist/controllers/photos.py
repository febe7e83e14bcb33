"""Customer photo uploads of the trees ahead of a site visit."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import boto3
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import Body
from litestar.response import File
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arborist.auth import Principal
from arborist.models import Photo, SiteVisit
from arborist.settings import get_settings

logger = logging.getLogger(__name__)

PHOTO_DIR = Path(os.environ.get("PHOTO_DIR", "/srv/arborist/photos"))
ALLOWED_TYPES = {"image/jpeg", "image/png", "image/heic"}
MAX_PHOTOS_PER_VISIT = 12


@dataclass
class PhotoOut:
    id: int
    visit_id: int
    content_type: str
    size_bytes: int
    url: str


def _store_photo(target: Path, content: bytes, key: str, content_type: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)  # expect: SCL002
    settings = get_settings()
    s3 = boto3.client("s3", region_name=settings.aws_region)
    s3.upload_file(str(target), settings.photo_bucket, key, ExtraArgs={"ContentType": content_type})


async def _load_visit_for(request: Request[Principal, Any, Any], session: AsyncSession, visit_id: int) -> SiteVisit:
    visit = await session.get(SiteVisit, visit_id)
    if visit is None:
        raise NotFoundException("visit not found")
    if request.user.role == "customer" and visit.customer_id != request.user.customer_id:
        raise NotFoundException("visit not found")
    return visit


class PhotoController(Controller):
    path = "/visits/{visit_id:int}/photos"

    @post("/")
    async def upload_photo(
        self,
        visit_id: int,
        request: Request[Principal, Any, Any],
        session: AsyncSession,
        data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> PhotoOut:
        await _load_visit_for(request, session, visit_id)
        existing = (await session.scalars(select(Photo.id).where(Photo.visit_id == visit_id))).all()
        if len(existing) >= MAX_PHOTOS_PER_VISIT:
            raise ClientException(f"a visit can have at most {MAX_PHOTOS_PER_VISIT} photos")
        if data.content_type not in ALLOWED_TYPES:  # expect: SEC019
            raise ClientException("photos must be JPEG, PNG or HEIC")

        content = await data.read()
        target = PHOTO_DIR / str(visit_id) / data.filename  # expect: SEC015
        key = f"visits/{visit_id}/{target.name}"
        _store_photo(target, content, key, data.content_type)  # expect: CON001

        photo = Photo(
            visit_id=visit_id,
            storage_key=key,
            content_type=data.content_type,
            size_bytes=len(content),
            original_name=data.filename,
        )
        session.add(photo)
        await session.commit()
        logger.info("photo %s uploaded for visit %s", photo.id, visit_id)
        return PhotoOut(photo.id, visit_id, photo.content_type, photo.size_bytes, f"/visits/{visit_id}/photos/{photo.id}")

    @get("/{photo_id:int}")
    async def download_photo(
        self, visit_id: int, photo_id: int, request: Request[Principal, Any, Any], session: AsyncSession
    ) -> File:
        await _load_visit_for(request, session, visit_id)
        photo = await session.get(Photo, photo_id)
        if photo is None or photo.visit_id != visit_id:
            raise NotFoundException("photo not found")
        return File(path=PHOTO_DIR / str(visit_id) / Path(photo.storage_key).name, media_type=photo.content_type)
