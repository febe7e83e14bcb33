"""New-patient intake form: validates the questionnaire and stores the insurance card scan."""

import logging
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from .models import IntakeForm, db

bp = Blueprint("intake", __name__, url_prefix="/intake")
logger = logging.getLogger(__name__)
s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=15, retries={"max_attempts": 3}))

CARD_BUCKET = "clinic-intake-cards"
MAX_CARD_BYTES = 5 * 1024 * 1024


class IntakeQuestionnaire(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = StringField("Email", validators=[DataRequired(), Email()])
    date_of_birth = DateField("Date of birth", validators=[DataRequired()])
    medications = TextAreaField("Current medications", validators=[Length(max=2000)])
    insurance_card = FileField(
        "Insurance card",
        validators=[FileRequired(), FileAllowed(["jpg", "jpeg", "png", "pdf"], "images or PDF only")],
    )


class CardTooLarge(ValueError):
    """The uploaded insurance card is over the size limit."""


def _store_card(upload) -> str:
    data = upload.read(MAX_CARD_BYTES + 1)
    if len(data) > MAX_CARD_BYTES:
        raise CardTooLarge("the insurance card scan must be 5 MB or smaller")
    extension = secure_filename(upload.filename).rsplit(".", 1)[-1].lower()  # ok: SEC015
    key = f"cards/{uuid.uuid4()}.{extension}"
    s3.put_object(
        Bucket=CARD_BUCKET,
        Key=key,
        Body=data,
        ContentType=upload.mimetype,
        ServerSideEncryption="aws:kms",
    )
    return key


@bp.route("/", methods=["GET", "POST"])
@login_required
def intake():
    form = IntakeQuestionnaire()
    if not form.validate_on_submit():
        return render_template("intake/form.html", form=form)
    try:
        card_key = _store_card(form.insurance_card.data)
    except CardTooLarge as exc:  # ok: ERR002
        form.insurance_card.errors.append(str(exc))
        return render_template("intake/form.html", form=form), 413
    record = IntakeForm(
        user_id=current_user.id,
        full_name=form.full_name.data,
        email=form.email.data,
        date_of_birth=form.date_of_birth.data,
        medications=form.medications.data,
        insurance_card_key=card_key,
    )
    db.session.add(record)
    db.session.commit()
    logger.info("intake form %s stored for user %s", record.id, current_user.id)
    return redirect(url_for("intake.done", form_id=record.id))


@bp.get("/done/<int:form_id>")
@login_required
def done(form_id: int):
    record = IntakeForm.query.filter_by(id=form_id, user_id=current_user.id).first_or_404()
    return render_template("intake/done.html", record=record)
