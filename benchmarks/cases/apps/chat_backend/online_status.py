"""Login, presence and send-rate limits for the chat web client, kept in Redis so every replica agrees."""

import logging
import os
import secrets
import time

import jwt
import redis
from flask import Flask, jsonify, request
from flask_cors import CORS

from .auth import check_credentials

app = Flask(__name__)
CORS(app, origins=["https://chat.example.com"], supports_credentials=True)  # ok: SEC013
logger = logging.getLogger(__name__)

ONLINE_WINDOW_SECONDS = 60
MESSAGES_PER_MINUTE = 30
SESSION_TTL_SECONDS = 86400
PRESENCE_KEY = "presence:last_seen"

store = redis.Redis.from_url(os.environ.get("CHAT_REDIS_URL", "redis://localhost:6379/1"), socket_timeout=2, socket_connect_timeout=2)


@app.post("/login")
def login():
    body = request.get_json(force=True)
    user_id = check_credentials(body["username"], body["password"])
    if user_id is None:
        logger.info("login failed for username %r from %s", body["username"], request.remote_addr)
        return jsonify(error="invalid credentials"), 401
    sid = secrets.token_urlsafe(32)  # ok: SEC010
    store.set(f"session:{sid}", user_id, ex=SESSION_TTL_SECONDS)
    resp = jsonify(user_id=user_id)
    resp.set_cookie("chat_sid", sid, max_age=SESSION_TTL_SECONDS, secure=True, httponly=True, samesite="Strict")  # ok: SEC012
    return resp


def _current_user() -> int | None:
    raw = store.get(f"session:{request.cookies.get('chat_sid', '')}")
    return int(raw) if raw is not None else None


@app.post("/presence/heartbeat")
def heartbeat():
    user_id = _current_user()
    if user_id is None:
        return jsonify(error="not logged in"), 401
    store.zadd(PRESENCE_KEY, {str(user_id): time.time()})  # ok: CON002
    return jsonify(ok=True)


@app.get("/presence/online")
def online_users():
    cutoff = time.time() - ONLINE_WINDOW_SECONDS
    store.zremrangebyscore(PRESENCE_KEY, "-inf", cutoff)
    return jsonify(online=sorted(int(uid) for uid in store.zrangebyscore(PRESENCE_KEY, cutoff, "+inf")))


@app.post("/messages/allowance")
def send_allowance():
    user_id = _current_user()
    if user_id is None:
        return jsonify(error="not logged in"), 401
    window = int(time.time() // 60)
    key = f"sends:{user_id}:{window}"
    pipe = store.pipeline()
    pipe.incr(key)
    pipe.expire(key, 120)
    count, _ = pipe.execute()
    if count > MESSAGES_PER_MINUTE:
        return jsonify(allowed=False, retry_after=60 - int(time.time() % 60)), 429
    return jsonify(allowed=True)


@app.get("/bots/whoami")
def bot_whoami():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        claims = jwt.decode(token, os.environ["BOT_JWT_KEY"], algorithms=["HS256"], audience="chat-bots")  # ok: SEC008
    except jwt.InvalidTokenError:
        return jsonify(error="invalid token"), 401
    return jsonify(bot=claims["sub"], scopes=claims.get("scope", "").split())


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8080, debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: SEC006
