"""Falcon's responders (`on_get(self, req, resp, booking_id)` on a resource class) are request handlers, and the
caller its middleware keeps on `req.context` is who is signed in; aiohttp's middleware keeps it in `request["user"]`,
and the URL's parts are in `request.match_info`."""

from __future__ import annotations

import textwrap

from reviewer.checks._base import FileContext, is_test_path, parse_python, run_python_checks
from reviewer.checks.record_fetched_without_owner_check import RecordFetchedWithoutOwnerCheck
from reviewer.checks.unbounded_query_in_handler import UnboundedQueryInHandler

_RESOURCES = """
    import falcon
    from sqlalchemy import select

    from .models import Booking, Session


    class BookingList:
        def on_get(self, req, resp):
            with Session() as session:
                rows = session.scalars(select(Booking).order_by(Booking.starts_at)).all()
            resp.media = [b.to_dict() for b in rows]


    class MyBookings:
        def on_get(self, req, resp):
            user = req.context["user"]
            with Session() as session:
                rows = session.scalars(select(Booking).where(Booking.customer_id == user.id).limit(50)).all()
            resp.media = [b.to_dict() for b in rows]


    class BookingItem:
        def on_delete(self, req, resp, booking_id):
            user = req.context.user
            with Session() as session:
                booking = session.get(Booking, booking_id)
                session.delete(booking)
                session.commit()
"""


def _reported(check, source: str) -> list[int]:
    source = textwrap.dedent(source).lstrip("\n")
    ctx = FileContext(path="app/resources.py", text=source, is_test=is_test_path("app/resources.py"))
    return sorted(hit.line for hit in run_python_checks(parse_python(source), ctx, [check]))


def test_a_whole_table_listed_by_a_falcon_responder_is_reported():
    assert _reported(UnboundedQueryInHandler, _RESOURCES) == [10]


def test_an_on_get_method_is_not_a_handler_where_falcon_is_not_imported():
    assert _reported(UnboundedQueryInHandler, _RESOURCES.replace("import falcon", "import json")) == []


def test_a_falcon_responder_that_knows_its_caller_and_deletes_by_the_urls_id_is_reported():
    assert _reported(RecordFetchedWithoutOwnerCheck, _RESOURCES) == [26]


_AIOHTTP_HANDLERS = """
    from aiohttp import web


    async def my_bookings(request):
        user = request["user"]
        rows = await request.app["pool"].fetch("SELECT id FROM bookings WHERE guest_id = $1 LIMIT 50", user["id"])
        return web.json_response([dict(r) for r in rows])


    async def booking_detail(request):
        user = request["user"]
        booking_id = int(request.match_info["booking_id"])
        row = await request.app["pool"].fetchrow("SELECT id, night FROM bookings WHERE id = $1", booking_id)
        return web.json_response(dict(row))


    async def own_booking(request):
        user = request["user"]
        booking_id = int(request.match_info["booking_id"])
        row = await request.app["pool"].fetchrow(
            "SELECT id, night FROM bookings WHERE id = $1 AND guest_id = $2", booking_id, user["id"])
        return web.json_response(dict(row))
"""


def test_an_aiohttp_handler_that_reads_the_booking_the_url_names_without_its_guest_is_reported():
    assert _reported(RecordFetchedWithoutOwnerCheck, _AIOHTTP_HANDLERS) == [13]
