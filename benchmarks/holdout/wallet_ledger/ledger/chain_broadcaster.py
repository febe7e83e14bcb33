import logging

import requests
from celery import shared_task
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from ledger.db import pool
from ledger.settings import settings

logger = logging.getLogger(__name__)

_rpc = requests.Session()
_rpc.headers.update({"Content-Type": "application/json"})

KNOWN_TX_ERRORS = ("transaction already in block chain", "txn-already-known", "already known")


class NodeRejected(Exception):
    pass


@retry(  # ok: REL002
    stop=stop_after_attempt(5),
    wait=wait_exponential(multiplier=1, max=30),
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    reraise=True,
)
def broadcast(raw_tx_hex: str, txid: str) -> str:
    resp = _rpc.post(  # ok: REL001, REL003
        settings.node_rpc_url,
        json={"jsonrpc": "2.0", "id": txid, "method": "sendrawtransaction", "params": [raw_tx_hex]},
        auth=(settings.node_rpc_user, settings.node_rpc_password),
        timeout=(3, 15),
    )
    resp.raise_for_status()
    body = resp.json()
    error = body.get("error")
    if error:
        if any(marker in str(error.get("message", "")) for marker in KNOWN_TX_ERRORS):
            return txid
        raise NodeRejected(str(error))
    return body["result"]


@shared_task(acks_late=True)
def broadcast_signed_withdrawals(batch_size: int = 50) -> int:
    broadcast_ids: list[int] = []
    updates: list[tuple[str, int]] = []
    with pool.connection() as conn, conn.transaction():
        rows = conn.execute(
            """
            SELECT o.id, o.aggregate_id, w.raw_tx, w.txid
            FROM outbox o JOIN withdrawals w ON w.id = o.aggregate_id
            WHERE o.topic = 'withdrawal.signed' AND o.processed_at IS NULL
            ORDER BY o.id
            LIMIT %s
            FOR UPDATE OF o SKIP LOCKED
            """,
            (batch_size,),
        ).fetchall()
        for outbox_id, withdrawal_id, raw_tx, txid in rows:
            try:
                confirmed_txid = broadcast(raw_tx, txid)
            except NodeRejected:
                logger.exception("node rejected withdrawal withdrawal_id=%s txid=%s", withdrawal_id, txid)
                continue
            updates.append((confirmed_txid, withdrawal_id))
            broadcast_ids.append(outbox_id)
        with conn.cursor() as cur:
            cur.executemany("UPDATE withdrawals SET status = 'broadcast', txid = %s WHERE id = %s", updates)
            cur.execute("UPDATE outbox SET processed_at = now() WHERE id = ANY(%s)", (broadcast_ids,))
    logger.info("broadcast %d of %d signed withdrawals", len(broadcast_ids), len(rows))
    return len(broadcast_ids)
