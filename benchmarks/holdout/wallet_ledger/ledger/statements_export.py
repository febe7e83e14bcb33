import csv
import io
from datetime import date
from enum import Enum
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import StreamingResponse

from ledger.auth import Account, current_account, ensure_wallet_owner
from ledger.db import pool

router = APIRouter(prefix="/v1/wallets", tags=["statements"])

MAX_DAYS = 366
HEADER = ["created_at", "asset", "amount", "kind", "reference"]


class EntryKind(str, Enum):
    deposit = "deposit"
    withdrawal = "withdrawal"
    transfer_in = "transfer_in"
    transfer_out = "transfer_out"
    fee = "fee"


def _statement_rows(sql: str, params: list):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    yield buf.getvalue()
    with pool.connection() as conn:
        with conn.cursor(name=f"statement-{uuid4().hex}") as cur:  # ok: DB002, RES003
            cur.itersize = 2000
            cur.execute(sql, params)
            for record in cur:
                buf.seek(0)
                buf.truncate()
                writer.writerow([record[0].isoformat(), record[1], str(record[2]), record[3], record[4] or ""])
                yield buf.getvalue()


@router.get("/{wallet_id}/statement.csv")
def statement_csv(
    wallet_id: UUID,
    start: date,
    end: date,
    kind: EntryKind | None = None,
    account: Account = Depends(current_account),
):
    ensure_wallet_owner(account, wallet_id)
    if end <= start or (end - start).days > MAX_DAYS:
        raise HTTPException(status_code=422, detail={"code": "invalid_range", "message": f"range must be 1 to {MAX_DAYS} days"})

    clauses = ["wallet_id = %s", "created_at >= %s", "created_at < %s"]
    params: list = [wallet_id, start, end]
    if kind is not None:
        clauses.append("kind = %s")
        params.append(kind.value)
    sql = "SELECT created_at, asset, amount, kind, reference FROM ledger_entries WHERE " + " AND ".join(clauses) + " ORDER BY created_at"  # ok: SEC001

    return StreamingResponse(
        _statement_rows(sql, params),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="statement-{wallet_id}-{start}-{end}.csv"'},
    )
