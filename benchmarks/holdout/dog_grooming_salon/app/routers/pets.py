"""Pet profiles owned by the signed-in customer."""
import logging
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, UploadFile, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer
from ..db import get_session
from ..models import Customer, Pet

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/pets", tags=["pets"])

PHOTO_ROOT = Path("static/pet-photos")


class PetIn(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    breed: str = Field(default="", max_length=80)
    weight_kg: float = Field(ge=0, le=120)
    notes: str = Field(default="", max_length=2000)


def _as_dict(pet: Pet) -> dict:
    return {"id": pet.id, "name": pet.name, "breed": pet.breed, "weight_kg": pet.weight_kg,
            "notes": pet.notes, "has_photo": bool(pet.photo_key)}


async def _owned_pet(session: AsyncSession, pet_id: int, customer: Customer) -> Pet:
    pet = await session.get(Pet, pet_id)
    if pet is None or pet.owner_id != customer.id:  # ok: SEC018
        raise HTTPException(status.HTTP_404_NOT_FOUND, "pet not found")
    return pet


@router.get("")
async def my_pets(customer: Customer = Depends(current_customer), session: AsyncSession = Depends(get_session)):
    pets = (
        await session.execute(select(Pet).where(Pet.owner_id == customer.id).order_by(Pet.name))
    ).scalars().all()  # ok: DB002
    return [_as_dict(p) for p in pets]


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_pet(body: PetIn, customer: Customer = Depends(current_customer),
                  session: AsyncSession = Depends(get_session)):
    pet = Pet(owner_id=customer.id, **body.model_dump())
    session.add(pet)
    await session.commit()
    logger.info("pet added pet=%s", pet.id)
    return _as_dict(pet)


@router.put("/{pet_id}")
async def update_pet(pet_id: int, body: PetIn, customer: Customer = Depends(current_customer),
                     session: AsyncSession = Depends(get_session)):
    pet = await _owned_pet(session, pet_id, customer)
    for field, value in body.model_dump().items():
        setattr(pet, field, value)
    await session.commit()
    return _as_dict(pet)


@router.post("/{pet_id}/photo")
async def upload_photo(pet_id: int, file: UploadFile, customer: Customer = Depends(current_customer),
                       session: AsyncSession = Depends(get_session)):
    pet = await _owned_pet(session, pet_id, customer)
    data = await file.read()  # expect: SEC019
    folder = PHOTO_ROOT / str(pet.id)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / file.filename  # expect: SEC015
    with open(dest, "wb") as fh:  # expect: CON001, SCL002
        fh.write(data)
    pet.photo_key = str(dest.relative_to(PHOTO_ROOT))
    await session.commit()
    logger.info("pet photo uploaded pet=%s bytes=%s", pet.id, len(data))
    return {"photo": f"/pets/{pet.id}/photo"}


@router.get("/{pet_id}/photo")
async def get_photo(pet_id: int, customer: Customer = Depends(current_customer),
                    session: AsyncSession = Depends(get_session)):
    pet = await _owned_pet(session, pet_id, customer)
    if not pet.photo_key:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no photo")
    return FileResponse(PHOTO_ROOT / pet.photo_key)
