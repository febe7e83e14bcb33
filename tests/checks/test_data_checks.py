"""Targeted behaviour of the reliability and database checks that follow code across statements."""

from __future__ import annotations

import textwrap

from reviewer.checks._base import FileContext, is_test_path, parse_python, run_python_checks
from reviewer.checks.commit_in_loop import CommitInLoop
from reviewer.checks.query_in_loop import QueryInLoop
from reviewer.checks.read_modify_write_without_lock import ReadModifyWriteWithoutLock
from reviewer.checks.retried_side_effect_without_idempotency_key import RetriedSideEffectWithoutIdempotencyKey
from reviewer.checks.retry_decorator_without_stop import RetryDecoratorWithoutStop
from reviewer.checks.side_effect_and_write_without_transaction import SideEffectAndWriteWithoutTransaction
from reviewer.checks.unbounded_query_in_handler import UnboundedQueryInHandler
from reviewer.checks.unbounded_retry_loop import UnboundedRetryLoop
from reviewer.checks.unlocked_check_then_act import UnlockedCheckThenAct

DATA_CHECKS = [
    CommitInLoop, QueryInLoop, ReadModifyWriteWithoutLock, RetriedSideEffectWithoutIdempotencyKey,
    RetryDecoratorWithoutStop, SideEffectAndWriteWithoutTransaction, UnboundedQueryInHandler, UnboundedRetryLoop,
    UnlockedCheckThenAct,
]


def lines_reported(checks, source: str, path: str = "app/service.py") -> set[tuple[int, str]]:
    source = textwrap.dedent(source).lstrip("\n")
    ctx = FileContext(path=path, text=source, is_test=is_test_path(path))
    return {(hit.line, hit.id) for hit in run_python_checks(parse_python(source), ctx, checks)}


def reported(check, source: str, path: str = "app/service.py") -> list[int]:
    return sorted(line for line, _id in lines_reported([check], source, path))


# --- the checks together -----------------------------------------------------------


def test_all_data_checks_run_together_in_one_pass_and_each_reports_its_own_line():
    source = """
        import stripe
        from flask import jsonify, request
        from app.models import db, Order, Product, Customer

        @app.post("/buy")
        def buy():
            product = Product.query.get(request.json["product_id"])
            if product.stock < 1:
                return jsonify(error="sold out"), 409
            product.stock -= 1
            charge = stripe.Charge.create(amount=product.price_cents, currency="usd", source=request.json["token"])
            db.session.add(Order(product_id=product.id, charge_id=charge.id))
            db.session.commit()
            return jsonify(ok=True)

        @app.get("/orders")
        def orders():
            result = []
            for order in Order.query.all():
                result.append(Customer.query.get(order.customer_id).name)
            return jsonify(result)
    """
    assert lines_reported(DATA_CHECKS, source) == {
        (7, "DB005"), (10, "DB004"), (11, "REL003"), (11, "REL004"), (19, "DB002"), (20, "DB001"),
    }


def test_nothing_is_reported_in_test_files():
    source = """
        def test_import(session, rows):
            for row in rows:
                session.add(Row(**row))
                session.commit()
            account = session.get(Account, 1)
            account.balance -= 5
            session.commit()
    """
    assert lines_reported(DATA_CHECKS, source, path="tests/test_import.py") == set()


def test_nothing_is_reported_in_migrations():
    source = """
        def forwards(apps, schema_editor):
            Category = apps.get_model("shop", "Category")
            for category in Category.objects.all():
                parent = Category.objects.get(pk=category.parent_id)
                category.path = parent.path + "/" + category.slug
                category.save()
    """
    assert lines_reported(DATA_CHECKS, source, path="shop/migrations/0007_paths.py") == set()


# --- REL002 UnboundedRetryLoop ------------------------------------------------------


def test_non_blocking_socket_loop_is_not_a_retry_loop():
    assert reported(UnboundedRetryLoop, """
        async def receive(sock, loop):
            while True:
                try:
                    return sock.recv(65536)
                except BlockingIOError:
                    await wait_readable(sock, loop)
    """) == []


def test_flag_loop_over_remaining_bytes_is_not_a_retry_loop():
    assert reported(UnboundedRetryLoop, """
        def send_all(sock, data):
            view = memoryview(data)
            while view:
                try:
                    sent = sock.send(view)
                except InterruptedError:
                    continue
                else:
                    view = view[sent:]
    """) == []


def test_deadline_compared_with_the_clock_bounds_the_loop():
    assert reported(UnboundedRetryLoop, """
        import time
        import requests

        def wait_healthy(url):
            started = time.monotonic()
            while True:
                try:
                    return requests.get(url, timeout=2)
                except requests.ConnectionError:
                    if time.monotonic() - started > 60:
                        raise
                    time.sleep(1)
    """) == []


def test_retry_loop_without_sleep_is_reported_at_the_while():
    assert reported(UnboundedRetryLoop, """
        def fetch(client, key):
            while True:
                try:
                    return client.get_object(Key=key)
                except Exception:
                    continue
    """) == [2]


def test_module_level_wait_for_database_loop_is_reported():
    assert reported(UnboundedRetryLoop, """
        import time
        import psycopg2

        while True:
            try:
                conn = psycopg2.connect("dbname=app")
                break
            except psycopg2.OperationalError:
                time.sleep(1)
    """) == [4]


# --- REL002 RetryDecoratorWithoutStop ----------------------------------------------


def test_prebuilt_tenacity_decorator_without_stop_is_reported_where_it_is_built():
    assert reported(RetryDecoratorWithoutStop, """
        import tenacity

        network_retry = tenacity.retry(wait=tenacity.wait_exponential(max=30))

        @network_retry
        def fetch(client):
            return client.get("/status")
    """) == [3]


def test_retrying_package_with_attempt_limit_is_not_reported():
    assert reported(RetryDecoratorWithoutStop, """
        from retrying import retry

        @retry(stop_max_attempt_number=3, wait_fixed=500)
        def fetch(client):
            return client.get("/status")
    """) == []


def test_retry_package_with_infinite_tries_is_reported():
    assert reported(RetryDecoratorWithoutStop, """
        from retry import retry

        @retry(ConnectionError, tries=-1, delay=2)
        def fetch(client):
            return client.get("/status")
    """) == [3]


# --- REL003 RetriedSideEffectWithoutIdempotencyKey ----------------------------------


def test_backoff_decorated_payment_post_is_reported():
    assert reported(RetriedSideEffectWithoutIdempotencyKey, """
        import backoff
        import requests

        @backoff.on_exception(backoff.expo, requests.RequestException, max_tries=5)
        def pay(invoice):
            return requests.post(PAYMENTS_URL, json={"invoice": invoice.id, "amount": invoice.total}, timeout=10)
    """) == [6]


def test_a_fresh_idempotency_key_finding_spans_the_call_to_the_key_it_passes():
    source = textwrap.dedent("""
        import uuid

        async def charge_due(processor, due):
            for donation in due:
                await processor.charge(
                    donation.card_token,
                    donation.amount_cents,
                    idempotency_key=str(uuid.uuid4()),
                    description="monthly gift",
                )
    """)
    hits = run_python_checks(parse_python(source), FileContext(path="radio/jobs/billing.py", text=source),
                             [RetriedSideEffectWithoutIdempotencyKey])
    assert [(h.line, h.end_line) for h in hits] == [(6, 9)]
    assert "made new on every call" in hits[0].message


def test_celery_autoretry_task_sending_email_then_saving_is_reported():
    # The save can fail after the mail went out, and the retry sends it again.
    assert reported(RetriedSideEffectWithoutIdempotencyKey, """
        from celery import shared_task
        from django.core.mail import send_mail

        @shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
        def send_welcome(user_id):
            user = User.objects.get(pk=user_id)
            send_mail("Welcome", "Hello!", "team@example.com", [user.email])
            user.welcomed = True
            user.save(update_fields=["welcomed"])
    """) == [7]


def test_celery_autoretry_task_whose_last_step_is_one_email_is_not_reported():
    # Nothing after the send can fail, so the task runs again only when the send itself raised.
    assert reported(RetriedSideEffectWithoutIdempotencyKey, """
        import logging
        from celery import shared_task
        from django.core.mail import send_mail

        logger = logging.getLogger(__name__)

        @shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
        def send_welcome(user_id):
            user = User.objects.get(pk=user_id)
            send_mail("Welcome", "Hello!", "team@example.com", [user.email])
            logger.info("welcome mail sent to %s", user_id)
    """) == []


def test_side_effect_in_the_except_branch_of_a_retry_loop_is_not_the_retried_call():
    assert reported(RetriedSideEffectWithoutIdempotencyKey, """
        import time

        def sync(api, alerts, payload):
            for attempt in range(3):
                try:
                    return api.put_inventory(payload)
                except ConnectionError:
                    alerts.publish("inventory.sync.failed", payload)
                    time.sleep(attempt)
    """) == []


def test_self_retry_method_outside_a_celery_task_does_not_make_a_function_retried():
    assert reported(RetriedSideEffectWithoutIdempotencyKey, """
        class Mailer:
            def deliver(self, message):
                self.retry_count = 0
                self.smtp.sendmail(message.sender, message.recipients, message.body)
                self.retry(message)
    """) == []


# --- REL004 SideEffectAndWriteWithoutTransaction -------------------------------------


def test_email_before_a_session_flush_of_a_checkout_session_is_not_a_database_write():
    assert reported(SideEffectAndWriteWithoutTransaction, """
        class CheckoutView:
            def handle_successful_order(self, order):
                self.send_order_placed_email(order)
                self.checkout_session.flush()
                self.request.session["checkout_order_id"] = order.id
    """) == []


def test_keyed_charge_recorded_afterwards_is_not_reported():
    assert reported(SideEffectAndWriteWithoutTransaction, """
        import stripe

        def pay(order):
            intent = stripe.PaymentIntent.create(amount=order.cents, currency="eur", idempotency_key=order.key)
            Payment.objects.create(order=order, intent_id=intent.id)
    """) == []


def test_result_saved_on_a_record_the_caller_passed_in_is_not_reported():
    assert reported(SideEffectAndWriteWithoutTransaction, """
        import stripe

        def confirm(payment):
            intent = stripe.PaymentIntent.confirm(payment.intent_id)
            payment.state = intent.status
            payment.save()
    """) == []


def test_rollback_does_not_compensate_a_charge_made_before_any_write():
    assert reported(SideEffectAndWriteWithoutTransaction, """
        import stripe

        def checkout(session, cart):
            try:
                charge = stripe.Charge.create(amount=cart.cents, currency="usd", source=cart.token)
                session.add(Order(cart_id=cart.id, charge_id=charge.id))
                session.commit()
            except Exception:
                session.rollback()
                raise
    """) == [5]


def test_publish_before_commit_is_reported():
    assert reported(SideEffectAndWriteWithoutTransaction, """
        def ship(session, producer, order):
            producer.publish("orders.shipped", {"id": order.id})
            order.status = "shipped"
            session.commit()
    """) == [2]


# --- DB001 QueryInLoop --------------------------------------------------------------


def test_helper_that_queries_through_another_helper_is_reported_at_the_call_in_the_loop():
    assert reported(QueryInLoop, """
        def load_price(session, product_id):
            return session.execute("SELECT price FROM prices WHERE product_id = %s", (product_id,)).scalar()

        def price_with_tax(session, product_id):
            return load_price(session, product_id) * 1.2

        def invoice(session, invoice_id):
            lines = session.execute("SELECT product_id, qty FROM lines WHERE invoice_id = %s", (invoice_id,)).fetchall()
            return sum(price_with_tax(session, pid) * qty for pid, qty in lines)
    """) == [9]


def test_memoized_helper_is_not_reported():
    assert reported(QueryInLoop, """
        from functools import lru_cache

        @lru_cache(maxsize=1024)
        def country_name(code):
            return Country.objects.get(code=code).name

        def export(writer):
            for user in User.objects.all():
                writer.writerow([user.email, country_name(user.country_code)])
    """) == []


def test_helper_called_for_its_effect_on_each_row_is_processing_not_n_plus_one():
    assert reported(QueryInLoop, """
        def expire(order):
            order.fees.filter(kind="late").delete()

        def expire_overdue():
            for order in Order.objects.filter(status="pending"):
                expire(order)
    """) == []


def test_loop_that_writes_each_row_is_still_reported_for_its_per_row_read():
    assert reported(QueryInLoop, """
        def recount(org_id):
            for project in Project.objects.filter(organization_id=org_id):
                tasks = Task.objects.filter(project_id=project.id)
                project.task_count = tasks.count()
                project.save()
    """) == [3]


def test_loop_that_only_saves_each_row_through_the_orm_is_not_reported():
    assert reported(QueryInLoop, """
        def expire(org_id):
            for project in Project.objects.filter(organization_id=org_id, active=True):
                project.active = False
                project.save()
    """) == []


def test_per_row_writes_are_not_reported_only_the_per_row_reads():
    assert reported(QueryInLoop, """
        def settle(conn):
            rows = conn.execute("SELECT id, member_id FROM loans WHERE open = 1").fetchall()
            for loan_id, member_id in rows:
                tier = conn.execute("SELECT tier FROM members WHERE id = ?", (member_id,)).fetchone()
                conn.execute("UPDATE loans SET tier = ? WHERE id = ?", (tier[0], loan_id))

        def close(conn):
            rows = conn.execute("SELECT id FROM loans WHERE open = 1").fetchall()
            for (loan_id,) in rows:
                conn.execute("UPDATE loans SET open = 0 WHERE id = ?", (loan_id,))
                conn.execute("INSERT INTO loan_log (loan_id) VALUES (?)", (loan_id,))
    """) == [4]


def test_per_row_update_over_a_parameter_is_not_reported():
    assert reported(QueryInLoop, """
        def close(conn, loan_ids):
            for loan_id in loan_ids:
                conn.execute("UPDATE loans SET open = 0 WHERE id = ?", (loan_id,))
    """) == []


def test_loop_over_a_helper_that_returns_query_rows_is_judged_even_when_defined_later():
    assert reported(QueryInLoop, """
        def match(cur):
            for line_id, ref in open_lines(cur):
                cur.execute("SELECT id FROM entries WHERE ref = %s", (ref,))

        def open_lines(cur):
            cur.execute("SELECT id, ref FROM bank_lines WHERE matched IS NULL")
            return cur.fetchall()
    """) == [3]


def test_loop_over_a_helper_that_returns_a_constant_list_is_not_reported():
    assert reported(QueryInLoop, """
        def kinds():
            return ["a", "b"]

        def totals(session):
            return {k: session.scalar(select(func.count()).where(Event.kind == k)) for k in kinds()}
    """) == []


def test_generator_that_pages_through_an_api_is_a_growing_source():
    assert reported(QueryInLoop, """
        import requests

        def remote_orders(url):
            while url:
                body = requests.get(url, timeout=5).json()
                yield from body["orders"]
                url = body.get("next")

        def sync(session):
            for payload in remote_orders("https://shop.example/api/orders"):
                order = session.query(Order).filter_by(remote_id=payload["id"]).one_or_none()
                if order is None:
                    session.add(Order(remote_id=payload["id"]))
    """) == [11]


def test_endless_consumer_generator_is_not_a_growing_source():
    assert reported(QueryInLoop, """
        def events(queue):
            while True:
                yield queue.get()

        def handle(session, queue):
            for event in events(queue):
                session.get(Account, event["account_id"]).touch()
    """) == []


def test_batches_from_a_generator_are_not_n_plus_one():
    assert reported(QueryInLoop, """
        def in_groups(ids, size):
            for start in range(0, len(ids), size):
                yield ids[start:start + size]

        def load(session, ids):
            found = []
            for group in in_groups(ids, 200):
                found += session.scalars(select(User).where(User.id.in_(group))).all()
            for batch in in_groups(ids, 200):
                found += session.scalars(select(User).where(User.id.in_([int(i) for i in batch]))).all()
            return found
    """) == []


def test_in_filter_on_an_attribute_of_the_row_is_still_one_query_per_row():
    assert reported(QueryInLoop, """
        def tags(session):
            return [session.scalars(select(Tag).where(Tag.id.in_(p.tag_ids))).all()
                    for p in session.scalars(select(Post)).all()]
    """) == [2]


def test_csv_rows_looked_up_one_by_one_are_reported():
    assert reported(QueryInLoop, """
        import csv

        def load(session, fh):
            for row in csv.reader(fh):
                if session.query(Member).filter_by(email=row[0]).first() is None:
                    session.add(Member(email=row[0]))
    """) == [5]


def test_rows_of_the_database_catalog_are_not_reported():
    assert reported(QueryInLoop, """
        def describe(conn):
            cur = conn.cursor()
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            names = [r[0] for r in cur.fetchall()]
            return {n: conn.execute("SELECT count(*) FROM audit WHERE tbl = ?", (n,)).fetchone()[0] for n in names}
    """) == []


def test_helper_querying_a_relation_of_the_row_it_is_given_is_reported():
    assert reported(QueryInLoop, """
        def newest(project):
            return project.events.order_by("-at").first()

        def names(project):
            return project.owner.get_full_name()

        def board(request):
            projects = Project.objects.filter(team=request.user.team)[:30]
            return [(newest(p), names(p)) for p in projects]
    """) == [9]


def test_helper_counting_a_prefetched_relation_is_not_reported():
    assert reported(QueryInLoop, """
        def size(project):
            return project.tasks.count()

        def board(request):
            projects = Project.objects.prefetch_related("tasks").filter(team=request.user.team)
            return [(p.name, size(p)) for p in projects]
    """) == []


def test_json_field_get_on_a_row_is_not_a_related_manager_query():
    assert reported(QueryInLoop, """
        def fingerprint(user):
            parts = []
            for authenticator in Authenticator.objects.filter(user_id=user.pk):
                parts.append(str(authenticator.data.get("seed")))
                parts.append(str(authenticator.data.values()))
            return "|".join(parts)
    """) == []


def test_related_manager_filter_is_reported_even_with_prefetch():
    assert reported(QueryInLoop, """
        def report(request):
            rows = []
            for order in Order.objects.prefetch_related("lines"):
                rows.append((order.id, order.lines.all(), order.lines.filter(refunded=True).count()))
            return rows
    """) == [4]


def test_lazy_queryset_handed_to_a_job_is_not_reported():
    assert reported(QueryInLoop, """
        def recalculate(organization):
            for project in Project.objects.filter(organization=organization):
                enqueue(update_counters, project.tasks.all())
    """) == []


def test_locked_refetch_of_each_row_is_deliberate():
    assert reported(QueryInLoop, """
        from django.db import transaction

        def remind(settings):
            for order in Order.objects.filter(status="pending").only("pk"):
                with transaction.atomic():
                    locked = Order.objects.select_for_update().get(pk=order.pk)
                    notify(locked)
    """) == []


def test_loop_over_a_cursor_after_execute_is_a_loop_over_query_results():
    assert reported(QueryInLoop, """
        def orphans(conn):
            cur = conn.cursor()
            cur.execute("SELECT id, parent_id FROM nodes")
            found = []
            for node_id, parent_id in cur:
                parent = conn.execute("SELECT 1 FROM nodes WHERE id = ?", (parent_id,)).fetchone()
                if parent is None:
                    found.append(node_id)
            return found
    """) == [6]


def test_loop_over_a_parameter_is_not_known_to_be_query_results():
    assert reported(QueryInLoop, """
        def names(session, ids):
            return [session.get(User, user_id).name for user_id in ids]
    """) == []


# --- DB002 UnboundedQueryInHandler ---------------------------------------------------


def test_unbounded_all_outside_a_handler_is_not_reported():
    assert reported(UnboundedQueryInHandler, """
        from flask import Flask

        def rebuild_search_index(index):
            for product in Product.query.all():
                index.add(product.id, product.name)
    """) == []


def test_filtered_ordered_listing_in_a_handler_is_reported():
    assert reported(UnboundedQueryInHandler, """
        from flask import jsonify

        @app.get("/tickets/<int:queue_id>")
        def tickets(queue_id):
            rows = Ticket.query.filter_by(queue_id=queue_id).order_by(Ticket.opened_at).all()
            return jsonify([t.to_dict() for t in rows])
    """) == [5]


def test_parts_of_one_parent_and_key_lists_are_not_reported():
    assert reported(UnboundedQueryInHandler, """
        from flask import jsonify

        @app.get("/orders/<int:order_id>/lines")
        def lines(order_id):
            rows = OrderLine.query.filter_by(order_id=order_id).order_by(OrderLine.position).all()
            return jsonify([r.to_dict() for r in rows])

        @app.post("/products/lookup")
        def lookup(session):
            ids = request.json["ids"]
            rows = session.query(Product).filter(Product.id.in_(ids)).order_by(Product.name).all()
            return jsonify([r.to_dict() for r in rows])

        @app.get("/me/devices")
        def devices():
            rows = UserDevice.query.filter_by(user_id=current_user.id).order_by(UserDevice.added_at).all()
            return jsonify([r.to_dict() for r in rows])
    """) == []


def test_statement_built_in_a_variable_is_followed_to_its_select():
    assert reported(UnboundedQueryInHandler, """
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/posts")
        async def posts(session, tag: str | None = None):
            stmt = select(Post).where(Post.visible.is_(True))
            if tag:
                stmt = stmt.where(Post.tag == tag)
            return (await session.scalars(stmt.order_by(Post.at.desc()))).all()

        @router.get("/recent")
        async def recent(session, limit: int | None = None):
            stmt = select(Post).order_by(Post.at.desc())
            if limit:
                stmt = stmt.limit(limit)
            return (await session.scalars(stmt)).all()
    """) == [9]


def test_queryset_narrowed_on_one_branch_is_still_read_whole():
    assert reported(UnboundedQueryInHandler, """
        from django.http import JsonResponse

        def entries(request):
            qs = Entry.objects.order_by("-at")
            if request.GET.get("q"):
                qs = qs.filter(text__icontains=request.GET["q"])
            return JsonResponse({"entries": [e.text for e in qs]})
    """) == [4]


def test_sql_with_an_interpolated_sort_column_and_no_limit_is_reported():
    assert reported(UnboundedQueryInHandler, """
        from flask import jsonify

        @bp.get("/accounts/<int:account_id>/entries")
        def entries(account_id):
            sort = request.args.get("sort", "posted_at")
            cur = get_conn().cursor()
            cur.execute(f"SELECT id, amount FROM entries WHERE account_id = %s ORDER BY {sort} DESC", (account_id,))
            return jsonify(cur.fetchall())

        @bp.get("/accounts/<int:account_id>/page")
        def page(account_id):
            cur = get_conn().cursor()
            sql = "SELECT id FROM entries WHERE account_id = %s ORDER BY posted_at " + paging_clause()
            cur.execute(sql, (account_id,))
            return jsonify(cur.fetchall())
    """) == [8]


def test_filtered_query_in_a_handler_is_not_reported():
    assert reported(UnboundedQueryInHandler, """
        from flask import jsonify
        from flask_login import current_user

        @app.get("/my/orders")
        def my_orders():
            return jsonify([o.id for o in Order.query.filter_by(user_id=current_user.id).all()])
    """) == []


def test_django_queryset_iterated_in_a_view_is_reported_where_it_is_built():
    assert reported(UnboundedQueryInHandler, """
        from django.http import JsonResponse

        def export(request):
            customers = Customer.objects.order_by("name")
            return JsonResponse({"rows": [c.email for c in customers]})
    """) == [4]


def test_django_queryset_sliced_later_is_not_reported():
    assert reported(UnboundedQueryInHandler, """
        from django.http import JsonResponse

        def latest(request):
            entries = Entry.objects.order_by("-created")
            return JsonResponse({"rows": [e.title for e in entries[:20]]})
    """) == []


def test_aggregate_sql_in_a_handler_is_not_reported():
    assert reported(UnboundedQueryInHandler, """
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/stats")
        def stats(conn):
            return conn.execute("SELECT status, COUNT(*) FROM orders GROUP BY status").fetchall()
    """) == []


def test_name_that_is_only_an_attribute_elsewhere_is_not_a_use_of_the_queryset():
    assert reported(UnboundedQueryInHandler, """
        from django.http import JsonResponse

        def page(request):
            orders = Order.objects.all()
            paginator = Paginator(orders, 25)
            return JsonResponse({"count": request.user.orders, "page": list(paginator.page(1))})
    """) == []


# --- DB003 CommitInLoop --------------------------------------------------------------


def test_commit_in_a_while_worker_loop_is_not_reported():
    assert reported(CommitInLoop, """
        def work(session, queue):
            while True:
                job = queue.get()
                job.run()
                session.commit()
    """) == []


def test_commit_retry_loop_is_not_reported():
    assert reported(CommitInLoop, """
        from sqlalchemy.exc import OperationalError

        def save(session, obj):
            for attempt in range(3):
                try:
                    session.add(obj)
                    session.commit()
                    return
                except OperationalError:
                    session.rollback()
    """) == []


def test_commit_of_a_kafka_consumer_is_not_a_database_commit():
    assert reported(CommitInLoop, """
        def consume(consumer, handler):
            for message in consumer:
                handler(message.value)
                consumer.commit()
    """) == []


def test_commit_in_a_nested_loop_is_reported_once():
    assert reported(CommitInLoop, """
        def load(conn, files):
            for path in files:
                for line in open(path):
                    conn.execute("INSERT INTO lines (text) VALUES (?)", (line,))
                    conn.commit()
    """) == [5]


# --- DB004 ReadModifyWriteWithoutLock --------------------------------------------------


def test_version_column_check_is_an_optimistic_lock():
    assert reported(ReadModifyWriteWithoutLock, """
        def add_points(session, user_id, points):
            user = session.get(User, user_id)
            new_points = user.points + points
            updated = session.query(User).filter_by(id=user_id, version=user.version).update(
                {"points": new_points, "version": user.version + 1})
            if not updated:
                raise Conflict()
            session.commit()
    """) == []


def test_change_without_a_save_is_not_reported():
    assert reported(ReadModifyWriteWithoutLock, """
        def preview_total(order_id, extra):
            order = Order.objects.get(pk=order_id)
            order.total += extra
            return order.total
    """) == []


def test_value_computed_from_a_row_field_and_written_back_is_reported_at_the_write():
    assert reported(ReadModifyWriteWithoutLock, """
        def take(conn, item_id, qty):
            row = conn.execute("SELECT stock FROM items WHERE id = ?", (item_id,)).fetchone()
            remaining = row["stock"] - qty
            conn.execute("UPDATE items SET stock = ? WHERE id = ?", (remaining, item_id))
            conn.commit()
    """) == [4]


def test_read_modify_write_inside_session_begin_is_reported_without_an_explicit_commit():
    assert reported(ReadModifyWriteWithoutLock, """
        def deposit(Session, account_id, amount):
            with Session.begin() as session:
                account = session.get(Account, account_id)
                account.balance += amount
    """) == [4]


# --- DB005 UnlockedCheckThenAct --------------------------------------------------------


def test_insert_of_another_model_after_an_existence_check_is_not_reported():
    assert reported(UnlockedCheckThenAct, """
        from app.models import db, User, LoginEvent

        def login(email):
            user = User.query.filter_by(email=email).first()
            if user is None:
                db.session.add(LoginEvent(email=email, ok=False))
                db.session.commit()
                return None
            return user
    """) == []


def test_count_check_followed_by_create_is_reported():
    assert reported(UnlockedCheckThenAct, """
        def claim(request, coupon_code):
            if Redemption.objects.filter(user=request.user, code=coupon_code).count() == 0:
                Redemption.objects.create(user=request.user, code=coupon_code)
    """) == [2]


def test_upsert_makes_the_check_safe():
    assert reported(UnlockedCheckThenAct, """
        def tag(conn, post_id, tag):
            row = conn.execute("SELECT 1 FROM tags WHERE post_id = ? AND tag = ?", (post_id, tag)).fetchone()
            if row is None:
                conn.execute("INSERT OR IGNORE INTO tags (post_id, tag) VALUES (?, ?)", (post_id, tag))
    """) == []


def test_balance_check_on_a_fetched_row_is_reported_from_the_select_to_the_write_it_guards():
    source = """
        def withdraw(cur, account_id, amount):
            cur.execute("SELECT balance FROM accounts WHERE id = %s", (account_id,))
            (balance,) = cur.fetchone()
            if balance < amount:
                raise InsufficientFunds()
            cur.execute("UPDATE accounts SET balance = %s WHERE id = %s", (balance - amount, account_id))
    """
    hits = run_python_checks(parse_python(textwrap.dedent(source)), FileContext(path="app/wallet.py",
                             text=textwrap.dedent(source)), [UnlockedCheckThenAct])
    assert [(h.line, h.end_line) for h in hits] == [(3, 7)]
    assert hits[0].message.startswith("Read here, checked on line 5, written on line 7.")


def test_row_unpacked_from_a_fetched_name_is_followed_to_its_select():
    source = """
        def book(conn, slot_id, patient_id):
            slot = conn.execute("SELECT capacity, booked FROM slots WHERE id = %s", (slot_id,)).fetchone()
            capacity, booked = slot
            if booked >= capacity:
                return None
            conn.execute("UPDATE slots SET booked = %s WHERE id = %s", (booked + 1, slot_id))
            conn.execute("INSERT INTO appointments (slot_id, patient_id) VALUES (%s, %s)", (slot_id, patient_id))
    """
    assert reported(UnlockedCheckThenAct, source) == [2]
    assert reported(ReadModifyWriteWithoutLock, source) == [6]


def test_atomic_update_of_a_balance_does_not_settle_an_existence_check():
    source = """
        def credit_deposit(pool, tx_hash, wallet_id, amount):
            with pool.connection() as conn:
                seen = conn.execute("SELECT 1 FROM deposits WHERE tx_hash = %s", (tx_hash,)).fetchone()
                if seen:
                    return
                conn.execute("INSERT INTO deposits (tx_hash, wallet_id, amount) VALUES (%s, %s, %s)",
                             (tx_hash, wallet_id, amount))
                conn.execute("UPDATE balances SET balance = balance + %s WHERE wallet_id = %s", (amount, wallet_id))
    """
    assert reported(UnlockedCheckThenAct, source) == [3]


def test_status_moved_to_a_state_the_check_still_accepts_is_not_a_guard():
    source = """
        from app.models import db, Campaign

        def send_campaign(campaign_id):
            campaign = db.session.get(Campaign, campaign_id)
            if campaign is None or campaign.status not in ("scheduled", "sending"):
                return 0
            campaign.status = "sending"
            db.session.commit()
            db.session.add(Delivery(campaign_id=campaign.id))
            db.session.commit()
    """
    assert reported(UnlockedCheckThenAct, source) == []
    moved_to_an_enum = source.replace('not in ("scheduled", "sending")', "!= Status.SCHEDULED").replace(
        'campaign.status = "sending"', "campaign.status = Status.SENDING")
    assert reported(UnlockedCheckThenAct, moved_to_an_enum) == [4]


def test_existence_check_with_the_insert_in_the_else_branch_is_reported():
    assert reported(UnlockedCheckThenAct, """
        from app.models import db, User

        def register(form):
            if User.query.filter_by(username=form.username).first():
                flash("That name is taken")
            else:
                db.session.add(User(username=form.username))
                db.session.commit()
    """) == [4]


def test_claim_on_an_offer_does_not_guard_the_related_listing_it_then_changes():
    source = """
        from django.shortcuts import get_object_or_404

        def accept_offer(request, offer_id):
            offer = get_object_or_404(Offer.objects.select_related("listing"), pk=offer_id)
            listing = offer.listing
            claimed = Offer.objects.filter(pk=offer.pk, status="pending").update(status="accepted")
            if not claimed:
                return None
            listing.quantity -= offer.quantity
            listing.save(update_fields=["quantity"])
    """
    assert reported(ReadModifyWriteWithoutLock, source) == [9]


def test_confirmation_sent_inside_a_pool_connection_block_before_it_commits_is_reported():
    source = """
        import psycopg
        from flask import jsonify
        from clinic.db import pool
        from clinic.notifications import send_booking_confirmation

        @bp.post("/appointments")
        def book(slot_id, patient_id):
            try:
                with pool.connection() as conn:
                    conn.execute("INSERT INTO appointments (slot_id, patient_id) VALUES (%s, %s)", (slot_id, patient_id))
                    send_booking_confirmation(patient_id, slot_id)
            except psycopg.Error:
                return jsonify(error="could not book"), 500
            return jsonify(ok=True), 201
    """
    assert reported(SideEffectAndWriteWithoutTransaction, source) == [11]
    caught = source.replace("except psycopg.Error:", "except Exception:")
    assert reported(SideEffectAndWriteWithoutTransaction, caught) == []  # best effort: its failure is ignored


def test_sql_extended_with_augmented_assignment_is_judged_as_run():
    source = """
        @router.get("/wallets/{wallet_id}/statement")
        def statement(wallet_id, start, end, kind=None):
            sql = "SELECT created_at, amount FROM ledger_entries WHERE wallet_id = %s AND created_at >= %s"
            if kind:
                sql += " AND kind = %s"
            sql += " ORDER BY created_at"
            with pool.connection() as conn:
                return conn.execute(sql, (wallet_id, start)).fetchall()
    """
    assert reported(UnboundedQueryInHandler, source) == [8]
    assert reported(UnboundedQueryInHandler, source.replace('" ORDER BY created_at"', '" ORDER BY created_at LIMIT 500"')) == []


def test_a_limit_and_a_duplicate_check_guarding_one_insert_are_one_finding_up_to_the_insert():
    source = """
        def place_hold(request, book_id):
            member = request.user.member
            active = Hold.objects.filter(member=member, status="waiting").count()
            if active >= 5:
                return JsonResponse({"error": "limit"}, status=409)
            if Hold.objects.filter(member=member, book_id=book_id).exists():
                return JsonResponse({"error": "duplicate"}, status=409)
            hold = Hold.objects.create(member=member, book_id=book_id)
            return JsonResponse({"id": hold.pk}, status=201)
    """
    hits = run_python_checks(parse_python(textwrap.dedent(source)), FileContext(path="library/views.py",
                             text=textwrap.dedent(source)), [UnlockedCheckThenAct])
    assert [(h.line, h.end_line) for h in hits] == [(4, 9)]
    assert hits[0].message.startswith("Read here, checked on lines 5, 7, written on line 9.")


def test_an_unbounded_query_spans_its_whole_chain_to_the_call_that_runs_it():
    from reviewer.checks.unbounded_query_in_handler import UnboundedQueryInHandler

    source = textwrap.dedent("""
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/members")
        def members(session):
            rows = session.execute(
                select(Guest.email, Guest.full_name)
                .order_by(Guest.full_name)
            ).all()
            return [dict(r._mapping) for r in rows]
    """).lstrip("\n")
    hits = run_python_checks(parse_python(source), FileContext(path="app/members.py", text=source),
                             [UnboundedQueryInHandler])
    assert [(h.line, h.end_line) for h in hits] == [(6, 9)]


def test_an_attribute_change_is_reported_from_the_change_to_the_save_that_stores_it():
    from reviewer.checks.read_modify_write_without_lock import ReadModifyWriteWithoutLock

    source = textwrap.dedent("""
        def accrue(today):
            overdue = Loan.objects.filter(returned_at__isnull=True)
            for loan in overdue.iterator(chunk_size=500):
                member = loan.member
                member.fine_balance_cents += 5
                log(member)
                member.save(update_fields=["fine_balance_cents"])
    """).lstrip("\n")
    hits = run_python_checks(parse_python(source), FileContext(path="library/tasks.py", text=source),
                             [ReadModifyWriteWithoutLock])
    assert [(h.line, h.end_line) for h in hits] == [(5, 7)]


def test_relations_declared_in_the_imported_models_module_are_read(tmp_path):
    from reviewer.checks._models import declared_relations

    app = tmp_path / "shop"
    app.mkdir()
    (app / "models.py").write_text(
        "from django.db import models\n"
        "class Booking(models.Model):\n"
        "    member = models.ForeignKey(\n        'Member', on_delete=models.CASCADE, related_name='bookings')\n"
        "    note = models.TextField()\n"
        "class Order(Base):\n"
        "    lines: Mapped[list['Line']] = relationship(back_populates='order')\n"
        "    customer = relationship('Customer', lazy='selectin')\n")
    views = "from .models import Booking\n"
    assert declared_relations("shop/views.py", str(tmp_path), views) == {"member", "bookings", "lines"}
    assert declared_relations("shop/views.py", str(tmp_path), "from shop.models import Booking\n") == {
        "member", "bookings", "lines"}
    assert declared_relations("shop/views.py", str(tmp_path), "from shop.schemas import Booking\n") == set()


def test_a_name_one_model_relates_and_another_stores_as_a_column_is_not_taken_for_a_relation(tmp_path):
    from reviewer.checks._models import declared_relations

    app = tmp_path / "shop"
    app.mkdir()
    (app / "models.py").write_text(
        "from django.db import models\n"
        "class Customer(models.Model):\n"
        "    provider = models.ForeignKey('SSOProvider', on_delete=models.PROTECT)\n"
        "    plan = models.ForeignKey('Plan', on_delete=models.PROTECT)\n"
        "class Payment(models.Model):\n"
        "    provider = models.CharField(max_length=40)\n")
    assert declared_relations("shop/views.py", str(tmp_path), "from .models import Payment\n") == {"plan"}


def test_names_imported_from_djangos_own_models_module_are_not_models():
    source = """
        from django.db.models import Count
        from .models import Ticket

        def export(tickets):
            rows = []
            for t in Ticket.objects.filter(open=True).order_by("pk")[:500]:
                rows.append([t.pk, t.count])
            return rows
    """
    assert reported(QueryInLoop, source) == []


def _reminder_job(tmp_path, models: str, source: str):
    """`tasks/jobs.py` with this source, beside a `tasks/models.py` with these models: the job's file context."""
    from reviewer.diff import kind_of

    (tmp_path / "tasks").mkdir(exist_ok=True)
    (tmp_path / "tasks" / "models.py").write_text(models)
    source = textwrap.dedent(source).lstrip("\n")
    return source, FileContext(path="tasks/jobs.py", text=source, kind=kind_of("tasks/jobs.py", source),
                               is_test=False, root=str(tmp_path))


def test_a_loop_reading_a_relation_the_models_module_declares_is_an_n_plus_one(tmp_path):
    source, ctx = _reminder_job(tmp_path, "class Reminder(Base):\n    member = relationship('Member')\n", """
        from sqlalchemy import select
        from .models import Reminder

        def send_all(db):
            for reminder in db.scalars(select(Reminder).limit(500)).all():
                person = reminder.member
                notify(person.email)
        """)
    hits = run_python_checks(parse_python(source), ctx, [QueryInLoop])
    assert [(h.id, h.line) for h in hits] == [("DB001", 6)]
    (tmp_path / "tasks" / "models.py").write_text("class Reminder(Base):\n    member_id = Column(Integer)\n")
    assert run_python_checks(parse_python(source), ctx, [QueryInLoop]) == []


def test_a_cached_result_is_not_reused_once_the_imported_models_module_declares_a_relation(tmp_path):
    from reviewer.engine import _file_key
    from reviewer.findings import FileChange, FileKind

    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "models.py").write_text("class Booking(Base):\n    member_id = Column(Integer)\n")
    change = FileChange(path="shop/jobs.py", status="scanned", kind=FileKind.python,
                        text="from .models import Booking\n", whole_file=True)
    before = _file_key(change, frozenset(), str(tmp_path))
    (tmp_path / "shop" / "models.py").write_text("class Booking(Base):\n    member = relationship('Member')\n")
    assert _file_key(change, frozenset(), str(tmp_path)) != before


def test_two_fields_changed_and_saved_together_are_one_read_modify_write():
    assert reported(ReadModifyWriteWithoutLock, """
        from django.http import JsonResponse

        def add_points(request, customer_id, days):
            account, _ = LoyaltyAccount.objects.get_or_create(customer_id=customer_id)
            account.points += days * 10
            account.lifetime_points += days * 10
            account.save(update_fields=["points", "lifetime_points"])
            return JsonResponse({"points": account.points})
    """) == [5]


def test_a_lock_on_another_model_does_not_guard_this_read_modify_write():
    assert reported(ReadModifyWriteWithoutLock, """
        from django.db import transaction

        def return_car(reservation_id, days):
            with transaction.atomic():
                reservation = Reservation.objects.select_for_update().get(pk=reservation_id)
                reservation.status = "returned"
                reservation.save(update_fields=["status"])
            account = LoyaltyAccount.objects.get(customer_id=reservation.customer_id)
            account.points += days * 10
            account.save(update_fields=["points"])
    """) == [9]
    assert reported(ReadModifyWriteWithoutLock, """
        from django.db import transaction

        def add_points(customer_id, days):
            with transaction.atomic():
                account = LoyaltyAccount.objects.select_for_update().get(customer_id=customer_id)
                account.points += days * 10
                account.save(update_fields=["points"])
    """) == []


def test_a_message_object_sent_in_a_retried_task_is_a_retried_side_effect_unless_it_carries_a_message_id():
    task = """
        from celery import shared_task
        from django.core.mail import EmailMessage

        @shared_task(bind=True, autoretry_for=(Exception,), max_retries=5)
        def send_reminder(self, invoice_id, recipient):
            invoice = Invoice.objects.get(pk=invoice_id)
            message = EmailMessage(subject="Reminder", body="...", to=[recipient]{headers})
            message.send()
            gateway = SmsGateway()
            gateway.send(invoice.phone, "Reminder")
            invoice.reminded = True
            invoice.save(update_fields=["reminded"])
    """
    assert reported(RetriedSideEffectWithoutIdempotencyKey, task.format(headers="")) == [8, 10]
    keyed = task.format(headers=', headers={"Message-ID": f"<reminder-{invoice_id}@example.org>"}')
    assert reported(RetriedSideEffectWithoutIdempotencyKey, keyed) == [10]


def test_a_name_on_the_right_of_its_own_assignment_means_the_earlier_binding():
    import libcst as cst

    from reviewer.checks._base import descendants
    from reviewer.checks._data import scope_of

    module = cst.parse_module("def view(status):\n    q = Permit.objects.all()\n    if status:\n"
                              "        q = q.filter(status=status)\n    return list(q)\n")
    function = module.body[0]
    scope = scope_of(function, scope_of(module))
    uses = [n for n in descendants(function) if isinstance(n, cst.Name) and n.value == "q"]
    inside_filter, in_return = uses[2], uses[3]
    assert module.code_for_node(scope.binding("q", inside_filter).value) == "Permit.objects.all()"
    assert module.code_for_node(scope.binding("q", in_return).value) == "q.filter(status=status)"


def test_rows_from_a_connection_bound_at_module_level_are_read_without_leaving_the_function_scope():
    # A loop over `conn.execute(...)`, `conn` from a module-level engine: following names back to their query must
    # not step into the module's nodes (a KeyError that cost the file its DB001 findings).
    source = """
        from sqlalchemy import create_engine, text

        engine = create_engine(URL, pool_pre_ping=True)

        def reconcile(references):
            with engine.connect() as conn:
                known = {row.reference for row in conn.execute(text("SELECT reference FROM t"))}
            for ref in references:
                engine.connect().execute(text("SELECT 1"))
            return known
    """
    assert reported(QueryInLoop, source) == []


def test_n_plus_one_names_the_loop_that_repeats_the_query_as_a_related_line(tmp_path):
    source, ctx = _reminder_job(tmp_path, "class Reminder(Base):\n    member = relationship('Member')\n", """
        from sqlalchemy import select
        from .models import Reminder

        def send_all(db):
            for reminder in db.scalars(select(Reminder).limit(500)).all():
                notify(
                    reminder.member.email,
                )
        """)
    hits = run_python_checks(parse_python(source), ctx, [QueryInLoop])
    assert [(h.line, h.related_lines) for h in hits] == [(7, [5])]


def test_n_plus_one_through_a_helper_names_the_helpers_query_as_a_related_line():
    source = textwrap.dedent("""
        def _latest_reading(cur, machine_id):
            cur.execute("SELECT state FROM readings WHERE machine_id = %s ORDER BY ts DESC LIMIT 1", (machine_id,))
            return cur.fetchone()

        def overview(cur):
            cur.execute("SELECT id FROM machines")
            return [_latest_reading(cur, row[0]) for row in cur.fetchall()]
    """).lstrip("\n")
    ctx = FileContext(path="app/service.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [QueryInLoop])
    assert [(h.line, h.related_lines) for h in hits] == [(7, [2])]
    assert "(line 2)" in hits[0].message


def test_check_then_act_on_an_attribute_spans_to_the_save_that_stores_it():
    source = textwrap.dedent("""
        def record_payment(fee_id, reference):
            fee = PlotFee.objects.get(pk=fee_id)
            if fee.status == "paid":
                return fee
            fee.status = "paid"
            fee.paid_reference = reference
            fee.save(update_fields=["status", "paid_reference"])
            Receipt.objects.create(fee=fee, reference=reference)
            return fee
    """).lstrip("\n")
    ctx = FileContext(path="app/service.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [UnlockedCheckThenAct])
    assert [(h.line, h.end_line) for h in hits] == [(2, 7)]
    assert "stored on line 7" in hits[0].message


def test_check_then_insert_through_a_session_spans_to_the_commit_that_stores_the_row():
    source = textwrap.dedent("""
        from flask import request

        @bp.post("/slots/<int:slot_id>/bookings")
        def book(slot_id):
            slot = db.get_or_404(Slot, slot_id)
            if Booking.query.filter_by(slot_id=slot.id).count() >= slot.capacity:
                return {"error": "full"}, 409
            booking = Booking(slot_id=slot.id, name=request.json["name"])
            db.session.add(booking)
            db.session.flush()
            db.session.commit()
            return {"id": booking.id}, 201
    """).lstrip("\n")
    ctx = FileContext(path="app/bookings.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [UnlockedCheckThenAct])
    assert [(h.line, h.end_line) for h in hits] == [(5, 11)]
    assert "written on line 9 (stored on line 11)" in hits[0].message


def test_retried_side_effect_through_a_helper_names_the_call_inside_it():
    source = textwrap.dedent("""
        import requests
        from celery import shared_task

        def _post_message(to_number, body):
            resp = requests.post(SMS_URL, data={"To": to_number, "Body": body}, timeout=10)
            resp.raise_for_status()
            return resp.json()["sid"]

        @shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=5)
        def send_status_sms(self, phone, body):
            return _post_message(phone, body)
    """).lstrip("\n")
    ctx = FileContext(path="app/tasks.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [RetriedSideEffectWithoutIdempotencyKey])
    assert [(h.line, h.related_lines) for h in hits] == [(11, [5])]


def test_endless_celery_retry_spans_from_the_decorator_to_max_retries():
    source = textwrap.dedent("""
        import requests
        from celery import shared_task

        @shared_task(
            bind=True,
            autoretry_for=(requests.RequestException,),
            max_retries=None,
        )
        def sync_contact(self, contact_id):
            return push(contact_id)
    """).lstrip("\n")
    ctx = FileContext(path="app/tasks.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [RetryDecoratorWithoutStop])
    assert [(h.line, h.end_line) for h in hits] == [(4, 7)]


def test_global_rebound_at_runtime_spans_to_the_statement_that_rebinds_it():
    from reviewer.checks.global_rebound_at_runtime import GlobalReboundAtRuntime

    source = textwrap.dedent("""
        _settings = load()

        def apply_overrides(overrides):
            global _settings
            changes = {k: v for k, v in overrides.items() if k in ALLOWED}
            _settings = {**_settings, **changes}
            return _settings
    """).lstrip("\n")
    ctx = FileContext(path="app/config.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [GlobalReboundAtRuntime])
    assert [(h.line, h.end_line) for h in hits] == [(4, 6)]


def test_stripe_reached_through_a_helper_that_returns_the_module_is_a_payment():
    source = textwrap.dedent("""
        import stripe
        from celery import shared_task

        def _stripe():
            stripe.api_key = SETTINGS["STRIPE_API_KEY"]
            return stripe

        @shared_task(bind=True, autoretry_for=(stripe.error.APIConnectionError,), max_retries=5)
        def retry_declined(self, invoice_id, customer, amount):
            s = _stripe()
            return s.PaymentIntent.create(amount=amount, currency="usd", customer=customer, confirm=True)
    """).lstrip("\n")
    ctx = FileContext(path="app/tasks.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [RetriedSideEffectWithoutIdempotencyKey])
    assert [h.line for h in hits] == [11]


def test_a_leading_wildcard_in_sql_kept_in_a_name_points_at_the_call_that_runs_it():
    from reviewer.checks.unindexable_filter import UnindexableFilter

    source = textwrap.dedent("""
        async def search(conn, q):
            sql = (
                "SELECT id FROM segments "
                f"WHERE source_text ILIKE '%{q}%' LIMIT 50"
            )
            rows = await conn.fetch(sql)
            return rows
    """).lstrip("\n")
    hits = run_python_checks(parse_python(source), FileContext(path="app/search.py", text=source), [UnindexableFilter])
    assert [(h.line, h.related_lines) for h in hits] == [(4, [6])]


BILLING = """
    import stripe

    def charge_period(contract, period):
        return stripe.PaymentIntent.create(
            amount=contract.monthly_pence, currency="gbp", customer=contract.customer_id, confirm=True,
            idempotency_key=f"contract-{contract.pk}-{period}",
        )

    def charge_extra(contract, pence):
        return stripe.PaymentIntent.create(amount=pence, currency="gbp", customer=contract.customer_id,
                                           confirm=True, idempotency_key=str(uuid.uuid4()))
"""

CHARGING_TASK = """
    import stripe
    from celery import shared_task
    from . import billing
    from .billing import charge_extra

    @shared_task(bind=True, autoretry_for=(stripe.APIConnectionError,), max_retries=5)
    def charge_contracts(self, period):
        for contract in Contract.objects.filter(status="active"):
            billing.charge_period(contract, period)
            contract.last_charged = period
            contract.save(update_fields=["last_charged"])
            charge_extra(contract, contract.extra_pence)
"""


def test_a_charge_through_another_modules_keyed_function_is_not_reported_as_retried_or_unrecorded(tmp_path):
    (tmp_path / "moorings").mkdir()
    (tmp_path / "moorings" / "billing.py").write_text(textwrap.dedent(BILLING).lstrip("\n"))
    source = textwrap.dedent(CHARGING_TASK).lstrip("\n")
    ctx = FileContext(path="moorings/tasks.py", text=source, is_test=False, root=str(tmp_path))
    checks = [RetriedSideEffectWithoutIdempotencyKey, SideEffectAndWriteWithoutTransaction]
    # `charge_period` passes a key made from the contract and the period; `charge_extra` makes a new one each call.
    assert sorted((h.line, h.id) for h in run_python_checks(parse_python(source), ctx, checks)) == [
        (12, "REL003")]
    # Without the module beside it, both calls are charges by their names, and neither is known to be keyed.
    alone = FileContext(path="moorings/tasks.py", text=source, is_test=False, root=str(tmp_path / "elsewhere"))
    assert sorted(h.line for h in run_python_checks(parse_python(source), alone, checks) if h.id == "REL003") == [9, 12]


def test_a_cached_result_is_not_reused_once_the_imported_charge_function_passes_a_key(tmp_path):
    from reviewer.engine import _file_key
    from reviewer.findings import FileChange, FileKind

    (tmp_path / "moorings").mkdir()
    billing = tmp_path / "moorings" / "billing.py"
    billing.write_text("def charge_period(contract, period):\n    return gateway.charge(contract.pence)\n")
    change = FileChange(path="moorings/tasks.py", status="scanned", kind=FileKind.python, whole_file=True,
                        text=textwrap.dedent(CHARGING_TASK).lstrip("\n"))
    before = _file_key(change, frozenset(), str(tmp_path))
    billing.write_text("def charge_period(contract, period):\n"
                       "    return gateway.charge(contract.pence, idempotency_key=f'{contract.pk}-{period}')\n")
    assert _file_key(change, frozenset(), str(tmp_path)) != before


def test_sqlmodel_exec_in_a_loop_over_rows_is_an_n_plus_one():
    assert reported(QueryInLoop, """
        from sqlmodel import Session, select

        def order_lines(session: Session):
            orders = session.exec(select(RepairOrder).limit(20)).all()
            return [session.exec(select(OrderLine).where(OrderLine.order_id == o.id)).all() for o in orders]
    """) == [5]


def test_a_stripe_invoice_item_created_in_a_retried_task_is_a_payment_sent_twice():
    assert reported(RetriedSideEffectWithoutIdempotencyKey, """
        import stripe
        from celery import shared_task

        @shared_task(autoretry_for=(stripe.error.APIConnectionError,), max_retries=5)
        def bill_overage(account_id, cents):
            account = Account.objects.get(pk=account_id)
            stripe.InvoiceItem.create(customer=account.stripe_customer_id, amount=cents, currency="eur")
            Account.objects.filter(pk=account_id).update(overage_billed=True)
    """) == [7]
