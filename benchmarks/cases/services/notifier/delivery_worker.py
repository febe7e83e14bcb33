"""HTTP intake for outbound notifications: accepts requests and delivers them in the background."""
import logging
import queue
import threading

from flask import Flask, jsonify, request

from .smtp_relay import build_plain_message, deliver_now
from .auth import require_service_token
from .push_notifications import send_push
from .sms_sender import send_sms

logger = logging.getLogger(__name__)

app = Flask(__name__)

_jobs: "queue.Queue[dict]" = queue.Queue(maxsize=10_000)  # todo-expect: REL005


def _deliver(job: dict):
    channel = job["channel"]
    if channel == "sms":
        send_sms(job["to"], job["body"])
    elif channel == "push":
        send_push(job["to"], job.get("title", ""), job["body"])
    else:
        deliver_now(build_plain_message(job["to"], job.get("title", ""), job["body"]))


def _worker_loop():
    while True:  # ok: REL002
        job = _jobs.get()
        try:
            _deliver(job)
        except Exception:  # ok: ERR001
            logger.exception("delivery failed for job %s", job.get("id"))
        finally:
            _jobs.task_done()


threading.Thread(target=_worker_loop, name="delivery-worker", daemon=True).start()  # expect: SCL003


@app.route("/notifications", methods=["POST"])
@require_service_token
def enqueue_notification():
    job = request.get_json(force=True)
    if job.get("channel") not in {"sms", "push", "email"} or not job.get("to"):
        return jsonify({"error": "channel and to are required"}), 400
    try:
        _jobs.put_nowait(job)  # ok: CON002
    except queue.Full:
        return jsonify({"error": "busy, retry later"}), 503
    return jsonify({"queued": True, "depth": _jobs.qsize()}), 202


@app.route("/notifications/urgent", methods=["POST"])
@require_service_token
def send_urgent():
    """Urgent alerts skip the queue and go out on their own thread right away."""
    job = request.get_json(force=True)
    if not job.get("to") or not job.get("body"):
        return jsonify({"error": "to and body are required"}), 400
    threading.Thread(target=_deliver, args=(job,), daemon=True).start()  # expect: CON003, REL005
    return jsonify({"accepted": True}), 202
