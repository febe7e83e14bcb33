"""Device provisioning API: registers field devices, issues their API tokens and handles installer logins."""

import hashlib
import hmac
import logging
import os
import secrets

import boto3
import jwt
import requests
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, jsonify, request
from sqlalchemy.exc import IntegrityError

from .models import Device, Installer, db

app = Flask(__name__)
logger = logging.getLogger(__name__)

CA_BUNDLE_URL = "https://pki.iot.example.com/ca/bundle.pem"
INTERNAL_CA = "/etc/ssl/certs/iot-internal-ca.pem"
iot = boto3.client("iot", region_name="eu-west-1")


def _password_digest(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)  # ok: SEC009


@app.post("/devices")
def provision_device():
    presented = request.headers.get("X-Provisioning-Key", "")
    if not hmac.compare_digest(presented, os.environ["PROVISIONING_KEY"]):
        return jsonify(error="forbidden"), 403
    serial = request.json["serial"]
    model = request.json.get("model", "unknown")
    token = secrets.token_urlsafe(32)  # ok: SEC010
    device = Device(serial=serial, token_sha256=hashlib.sha256(token.encode()).hexdigest(), model=model, status="provisioning")  # ok: SEC009
    db.session.add(device)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="device already registered"), 409
    try:
        iot.create_thing(thingName=serial, attributePayload={"attributes": {"model": model}})  # ok: REL004
    except (BotoCoreError, ClientError):
        db.session.delete(device)
        db.session.commit()
        logger.exception("IoT registry rejected device %s; registration rolled back", serial)
        return jsonify(error="device registry unavailable"), 503
    device.status = "active"
    db.session.commit()
    logger.info("registered device %s (model %s)", serial, model)  # ok: SEC007
    return jsonify(serial=serial, token=token), 201


@app.post("/installers/login")
def installer_login():
    body = request.get_json(force=True)
    installer = Installer.query.filter_by(email=body["email"]).first()
    if installer is None:
        return jsonify(error="invalid credentials"), 401
    digest = _password_digest(body["password"], installer.password_salt)
    if not hmac.compare_digest(digest, installer.password_digest):
        return jsonify(error="invalid credentials"), 401
    token = jwt.encode({"sub": str(installer.id), "role": "installer"}, os.environ["INSTALLER_JWT_KEY"], algorithm="HS256")
    return jsonify(token=token)


@app.get("/devices/me")
def current_device():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        claims = jwt.decode(token, os.environ["DEVICE_JWT_KEY"], algorithms=["HS256"], audience="device-api")  # ok: SEC008
    except jwt.InvalidTokenError:
        return jsonify(error="invalid token"), 401
    device = Device.query.filter_by(serial=claims["sub"]).first_or_404()
    return jsonify(serial=device.serial, model=device.model, firmware=device.firmware)


@app.get("/ca-bundle")
def ca_bundle():
    resp = requests.get(CA_BUNDLE_URL, verify=INTERNAL_CA, timeout=5)  # ok: SEC011
    resp.raise_for_status()
    return resp.text, 200, {"Content-Type": "application/x-pem-file"}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000, debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: SEC006
