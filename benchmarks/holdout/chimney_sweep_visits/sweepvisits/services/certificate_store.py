"""Direct-to-S3 certificate storage used by the landlord portal and the crew app.

Uploads are streamed straight to the bucket; nothing is kept on the web
container's disk, and downloads are short-lived presigned URLs looked up by
certificate id and scoped to the property owner.
"""
import logging
import uuid

import boto3
from botocore.config import Config as BotoConfig
from flask import current_app
from sqlalchemy import select

from .. import db
from ..models import Appointment, Certificate, Property

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
PRESIGNED_TTL_SECONDS = 300

_s3 = boto3.client(
    "s3",
    config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


class InvalidCertificate(ValueError):
    pass


def store_certificate(appointment, upload, uploaded_by):
    """Validate a FileStorage upload and stream it to S3.

    The request size is already capped by MAX_CONTENT_LENGTH, so only the
    file signature needs checking here.
    """
    head = upload.stream.read(len(PDF_MAGIC))  # ok: RES003
    if head != PDF_MAGIC:
        raise InvalidCertificate("not a PDF")
    upload.stream.seek(0)

    key = f"certificates/{appointment.property_id}/{appointment.id}/{uuid.uuid4().hex}.pdf"
    _s3.upload_fileobj(
        upload.stream,
        current_app.config["CERT_BUCKET"],
        key,
        ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "AES256"},
    )

    cert = db.session.execute(
        select(Certificate).where(Certificate.appointment_id == appointment.id)
    ).scalar_one_or_none()
    if cert is None:
        cert = Certificate(appointment_id=appointment.id, uploaded_by=uploaded_by)
        db.session.add(cert)
    cert.s3_key = key
    cert.spool_path = None
    db.session.commit()
    logger.info("certificate for appointment %s stored as %s", appointment.id, key)
    return cert


def certificate_url_for(user, certificate_id):
    """Presigned download URL, or None when the certificate is not the user's."""
    cert = db.session.execute(
        select(Certificate)
        .join(Appointment, Appointment.id == Certificate.appointment_id)
        .join(Property, Property.id == Appointment.property_id)
        .where(Certificate.id == certificate_id, Property.owner_id == user.id)
    ).scalar_one_or_none()
    if cert is None or not cert.s3_key:
        return None
    return _s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": current_app.config["CERT_BUCKET"],
            "Key": cert.s3_key,
            "ResponseContentDisposition": f'attachment; filename="certificate-{cert.id}.pdf"',
        },
        ExpiresIn=PRESIGNED_TTL_SECONDS,
    )
