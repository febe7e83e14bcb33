"""Device provisioning API: registers field devices, issues their API tokens and handles installer logins."""

import hashlib
import logging
import random
import string

import boto3
import jwt
import requests
from flask import Flask, jsonify, request

from .models import Device, Installer, db

app = Flask(__name__)
logger = logging.getLogger(__name__)

PROVISIONING_KEY = "prov-3f9c1a7e5b2d48e6a0c9f1b7d3e5a8c2"  # expect: SEC005
CA_BUNDLE_URL = "https://pki.iot.example.com/ca/bundle.pem"
iot = boto3.client("iot", region_name="eu-west-1")


def _new_token(length: int = 32) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choices(alphabet, k=length))  # expect: SEC010


@app.post("/devices")
def register_device():
    if request.headers.get("X-Provisioning-Key") != PROVISIONING_KEY:
        return jsonify(error="forbidden"), 403
    serial = request.json["serial"]
    if Device.query.filter_by(serial=serial).first() is not None:  # expect: DB005
        return jsonify(error="device already registered"), 409
    token = _new_token()
    iot.create_thing(thingName=serial, attributePayload={"attributes": {"model": request.json.get("model", "unknown")}})  # expect: REL004
    device = Device(serial=serial, token=token, model=request.json.get("model", "unknown"))
    db.session.add(device)
    db.session.commit()
    logger.info("registered device %s with token %s", serial, token)  # expect: SEC007
    return jsonify(serial=serial, token=token), 201


@app.post("/installers/login")
def installer_login():
    body = request.get_json(force=True)
    installer = Installer.query.filter_by(email=body["email"]).first()
    if installer is None:
        return jsonify(error="invalid credentials"), 401
    digest = hashlib.md5(body["password"].encode()).hexdigest()  # expect: SEC009
    if installer.password_digest != digest:
        installer.failed_logins = installer.failed_logins + 1  # expect: DB004
        db.session.commit()
        return jsonify(error="invalid credentials"), 401
    token = jwt.encode({"sub": str(installer.id), "role": "installer"}, PROVISIONING_KEY, algorithm="HS256")
    return jsonify(token=token)


@app.get("/devices/me")
def current_device():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    device = Device.query.filter_by(serial=claims["sub"]).first_or_404()
    return jsonify(serial=device.serial, model=device.model, firmware=device.firmware)


@app.get("/ca-bundle")
def ca_bundle():
    resp = requests.get(CA_BUNDLE_URL, verify=False, timeout=5)  # expect: SEC011
    resp.raise_for_status()
    return resp.text, 200, {"Content-Type": "application/x-pem-file"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, debug=True)  # expect: SEC006
