"""Event organiser accounts: sign-up, login and the admin directory search."""

import logging
import re

import falcon
from peewee import IntegrityError

from falconry.auth import hash_password, issue_token, require_role, verify_password
from falconry.db import db
from falconry.models import Organiser

logger = logging.getLogger(__name__)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def organiser_json(org: Organiser) -> dict:
    return {
        "id": org.id,
        "email": org.email,
        "company_name": org.company_name,
        "contact_name": org.contact_name,
        "phone": org.phone,
    }


class OrganiserSignup:
    auth_exempt = True

    def on_post(self, req, resp):
        data = req.get_media()
        email = str(data.get("email", "")).strip().lower()
        password = str(data.get("password", ""))
        if not EMAIL_RE.match(email) or len(password) < MIN_PASSWORD:
            raise falcon.HTTPBadRequest(
                title="Invalid sign-up", description="A valid e-mail and a 10+ character password are required."
            )
        try:
            with db.atomic():
                org = Organiser.create(
                    email=email,
                    company_name=str(data.get("company_name", ""))[:200],
                    contact_name=str(data.get("contact_name", ""))[:120],
                    phone=str(data.get("phone", ""))[:40],
                    password_hash=hash_password(password),
                )
        except IntegrityError:
            raise falcon.HTTPConflict(title="Account exists", description="That e-mail already has an account.")  # ok: DB005
        resp.status = falcon.HTTP_201
        resp.media = organiser_json(org)


class OrganiserLogin:
    auth_exempt = True

    def on_post(self, req, resp):
        data = req.get_media()
        logger.info("organiser login attempt: %s", data)  # expect: SEC007
        email = str(data.get("email", "")).strip().lower()
        org = Organiser.get_or_none(Organiser.email == email)
        if org is None or not verify_password(str(data.get("password", "")), org.password_hash):
            raise falcon.HTTPUnauthorized(title="Unauthorized", description="Wrong e-mail or password.")
        resp.media = {"token": issue_token(org.id, "organiser"), "organiser": organiser_json(org)}


class OrganiserSearch:
    def on_get(self, req, resp):
        require_role(req, "admin")
        term = (req.get_param("q") or "").strip()
        if len(term) < 2:
            raise falcon.HTTPBadRequest(title="Invalid search", description="Search for at least 2 characters.")
        matches = (
            Organiser.select()
            .where(Organiser.company_name.contains(term) | Organiser.contact_name.contains(term))  # expect: DB006
            .order_by(Organiser.company_name)
            .limit(25)
        )
        resp.media = {"organisers": [organiser_json(o) for o in matches]}


class OrganiserMe:
    def on_get(self, req, resp):
        require_role(req, "organiser")
        org = Organiser.get_by_id(req.context.user_id)
        resp.media = organiser_json(org)
