"""Login, presence and send-rate limits for the chat web client."""

import logging
import random
import time
from collections import defaultdict

import jwt
from flask import Flask, jsonify, request
from flask_cors import CORS

from .auth import check_credentials

app = Flask(__name__)
CORS(app, origins="*", supports_credentials=True)  # expect: SEC013
logger = logging.getLogger(__name__)

ONLINE_WINDOW_SECONDS = 60
MESSAGES_PER_MINUTE = 30

_sessions: dict[str, int] = {}  # expect: SCL001
_last_seen: dict[int, float] = {}  # expect: SCL001
_recent_sends: dict[int, list[float]] = defaultdict(list)  # expect: SCL001


@app.post("/login")
def login():
    body = request.get_json(force=True)
    user_id = check_credentials(body["username"], body["password"])
    if user_id is None:
        logger.info("login failed")  # todo-expect: OBS003
        return jsonify(error="invalid credentials"), 401
    sid = "%016x" % random.getrandbits(64)  # expect: SEC010
    _sessions[sid] = user_id
    resp = jsonify(user_id=user_id)
    resp.set_cookie("chat_sid", sid, max_age=86400)  # expect: SEC012
    return resp


def _current_user() -> int | None:
    return _sessions.get(request.cookies.get("chat_sid", ""))


@app.post("/presence/heartbeat")
def heartbeat():
    user_id = _current_user()
    if user_id is None:
        return jsonify(error="not logged in"), 401
    _last_seen[user_id] = time.time()  # expect: CON002
    return jsonify(ok=True)


@app.get("/presence/online")
def online_users():
    cutoff = time.time() - ONLINE_WINDOW_SECONDS
    return jsonify(online=sorted(uid for uid, seen in _last_seen.items() if seen >= cutoff))


@app.post("/messages/allowance")
def send_allowance():
    user_id = _current_user()
    if user_id is None:
        return jsonify(error="not logged in"), 401
    now = time.time()
    recent = [t for t in _recent_sends[user_id] if t > now - 60]
    if len(recent) >= MESSAGES_PER_MINUTE:
        return jsonify(allowed=False, retry_after=int(60 - (now - recent[0])) + 1), 429
    recent.append(now)
    _recent_sends[user_id] = recent  # expect: CON002
    return jsonify(allowed=True)


@app.get("/bots/whoami")
def bot_whoami():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    return jsonify(bot=claims.get("sub"), scopes=claims.get("scope", "").split())


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080, debug=True)  # expect: SEC006
