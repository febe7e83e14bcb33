"""Targeted tests for the SEC001-SEC017 checks: path rules, shared judgments and clean realistic code."""

from __future__ import annotations

import textwrap

import pytest

from reviewer.checks._base import FileContext, all_checks, is_test_path, parse_python, run_python_checks
from reviewer.checks._security import (
    identifier_words, is_placeholder_value, is_secret_name, looks_like_sql, secret_shape, url_with_password,
)
from reviewer.checks.assert_for_validation import AssertForValidation
from reviewer.checks.debug_mode_enabled import DebugModeEnabled
from reviewer.checks.eval_of_dynamic_input import EvalOfDynamicInput
from reviewer.checks.hardcoded_secret import HardcodedSecret
from reviewer.checks.insecure_cookie import InsecureCookie
from reviewer.checks.insecure_random_for_secret import InsecureRandomForSecret
from reviewer.checks.path_from_request_input import PathFromRequestInput
from reviewer.checks.secret_in_log_call import SecretInLogCall
from reviewer.checks.shell_command_from_variable import ShellCommandFromVariable
from reviewer.checks.sql_built_from_variables import SqlBuiltFromVariables
from reviewer.checks.template_from_input import TemplateFromInput
from reviewer.checks.tls_verification_disabled import TlsVerificationDisabled

SECURITY_CHECKS = [c for c in all_checks() if c.id.startswith("SEC")]


def hits(check, source: str, path: str = "app/service.py"):
    source = textwrap.dedent(source).lstrip("\n")
    ctx = FileContext(path=path, text=source, is_test=is_test_path(path))
    return run_python_checks(parse_python(source), ctx, [check])


def found(check, source: str, path: str = "app/service.py") -> set[int]:
    return {hit.line for hit in hits(check, source, path)}


# --- shared judgments ---------------------------------------------------------


def test_identifier_words_split_snake_camel_and_kebab():
    assert identifier_words("DB_PASSWORD") == ["db", "password"]
    assert identifier_words("apiKey") == ["api", "key"]
    assert identifier_words("X-API-Key") == ["x", "api", "key"]


@pytest.mark.parametrize("name", ["password", "DB_PASS", "SECRET_KEY", "client_secret", "apiKey", "github_token"])
def test_credential_names_are_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["password_field", "TOKEN_URL", "api_key_header", "max_tokens", "tokenizer_pad_token",
                                  "aws_access_key_id", "SECRET_NAME", "bypass", "key"])
def test_names_about_a_secret_are_not_secret_names(name):
    assert not is_secret_name(name)


@pytest.mark.parametrize("value", ["", "changeme", "xxxxxxxx", "<your-key>", "${API_KEY}", "%(password)s",
                                   "your-api-key-here", "DB_PASSWORD", "/run/secrets/db", "Enter your password",
                                   r"[^\W\d]\w*"])
def test_placeholders_and_references_are_not_secrets(value):
    assert is_placeholder_value(value)


@pytest.mark.parametrize("value", ["hunter2", "Summer2024!", "f3a9c2e1b7d84c0e9a6b5d2c1e8f7a90"])
def test_real_looking_values_are_not_placeholders(value):
    assert not is_placeholder_value(value)


def test_documentation_and_padded_keys_have_no_secret_shape():
    assert secret_shape("AKIAIOSFODNN7EXAMPLE") is None
    assert secret_shape("ghp_" + "x" * 36) is None
    assert secret_shape("AKIA4QZ7" + "XK2M9PLR3VNB") == "an AWS access key id"


def test_private_key_header_alone_is_not_a_key():
    assert secret_shape("-----BEGIN RSA PRIVATE KEY-----") is None


def test_connection_urls_to_local_or_compose_hosts_are_not_reported():
    assert not url_with_password("postgresql://postgres:s3cret@localhost/app")
    assert not url_with_password("postgresql://app:app@db:5432/app")
    assert url_with_password("postgresql://app:Xk29fLq7vT@db.prod.acme.io/app")
    assert not url_with_password("Example: postgresql://app:Xk29fLq7vT@db.prod.acme.io/app")


def test_sql_detection_needs_sql_words():
    assert looks_like_sql("SELECT id FROM users WHERE name = ")
    assert looks_like_sql("delete from orders where id = ")
    assert not looks_like_sql("run  --now")
    assert not looks_like_sql("Hello , welcome back")


# --- test files and paths -------------------------------------------------------


def test_name_based_secret_in_a_test_file_is_not_reported_but_a_key_shape_is():
    source = """
    PASSWORD = "hunter2hunter2"
    TOKEN = "ghp_R8kLm2Qx7VbN" "4pZt9WcY3sHj6DfG1aEu5Ko0"
    """
    assert found(HardcodedSecret, source, path="tests/test_login.py") == {2}
    assert found(HardcodedSecret, source, path="app/login.py") == {1, 2}


def test_a_password_in_a_dev_seed_script_is_not_reported_but_the_same_line_in_the_app_is():
    source = """
    DEV_STAFF_PASSWORD = "dispatch-dev-2024"
    DEV_DSN = "dbname=charter host=localhost user=charter password=charter-dev"
    """
    assert found(HardcodedSecret, source, path="scripts/seed_dev_data.py") == set()
    assert found(HardcodedSecret, source, path="charter/config.py") == {1, 2}


@pytest.mark.parametrize("check", [SqlBuiltFromVariables, ShellCommandFromVariable, EvalOfDynamicInput,
                                   AssertForValidation])
def test_security_checks_skip_test_files(check):
    source = """
    import os, subprocess
    from flask import Flask, request
    app = Flask(__name__)

    @app.get("/x")
    def handler(cur):
        name = request.args["name"]
        assert name
        cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
        os.system(f"echo {name}")
        return eval(name)
    """
    assert found(check, source, path="tests/test_handler.py") == set()
    assert found(check, source, path="app/views.py") != set()


def test_debug_true_in_dev_settings_is_not_reported():
    source = "DEBUG = True\n"
    assert found(DebugModeEnabled, source, path="mysite/settings/dev.py") == set()
    assert found(DebugModeEnabled, source, path="mysite/settings/production.py") == {1}


def test_debug_true_in_a_plain_module_is_not_reported():
    assert found(DebugModeEnabled, "DEBUG = True\n", path="tools/report.py") == set()


def test_cookie_setting_in_a_dev_config_module_is_not_reported():
    source = "SESSION_COOKIE_SECURE = False\n"
    assert found(InsecureCookie, source, path="config/local.py") == set()
    assert found(InsecureCookie, source, path="config/settings.py") == {1}


# --- near-misses that are easy to get wrong ------------------------------------------------------


def test_sql_with_parameters_only_reports_values_inside_quotes():
    source = """
    def count(db, table, where, args):
        sql = f"select count(*) from {table} where {where}"
        db.execute(sql, args)
        db.execute(f"select * from t where name = '{args[0]}' and id = ?", args)
    """
    assert found(SqlBuiltFromVariables, source) == {4}


def test_sql_with_quoted_identifiers_is_not_reported():
    source = """
    from sqlite_utils.db import quote_identifier

    def drop(db, name):
        db.execute(f"DROP TABLE {quote_identifier(name)}")
    """
    assert found(SqlBuiltFromVariables, source) == set()


def test_sql_variable_assigned_from_request_is_reported_even_when_named_like_a_table():
    source = """
    from flask import request

    def rows(cur):
        table = request.args["table"]
        cur.execute(f"SELECT * FROM {table}")
    """
    assert found(SqlBuiltFromVariables, source) == {5}


def test_shell_command_through_shlex_join_is_not_reported():
    source = """
    import shlex, subprocess

    def run(args):
        subprocess.run(f"nice {shlex.join(args)}", shell=True)
    """
    assert found(ShellCommandFromVariable, source) == set()


def test_tls_verify_false_on_an_unrelated_call_is_not_reported():
    source = """
    from app.signing import check

    def ok(payload):
        return check(payload, verify=False)
    """
    assert found(TlsVerificationDisabled, source) == set()


def test_path_from_a_flask_int_route_parameter_is_not_reported():
    source = """
    from flask import Flask, send_file
    app = Flask(__name__)

    @app.get("/invoices/<int:invoice_id>")
    def invoice(invoice_id):
        return send_file(f"/srv/invoices/{invoice_id}.pdf")
    """
    assert found(PathFromRequestInput, source) == set()


def test_path_checked_against_an_allow_list_is_not_reported():
    source = """
    from flask import Flask, request, send_file
    app = Flask(__name__)
    REPORTS = {"daily.csv", "weekly.csv"}

    @app.get("/reports")
    def report():
        name = request.args["name"]
        if name not in REPORTS:
            return {"error": "unknown"}, 404
        return send_file("/srv/reports/" + name)
    """
    assert found(PathFromRequestInput, source) == set()


def test_a_path_from_request_input_is_one_finding_spanning_to_the_file_it_writes():
    source = """
    import os
    from django.conf import settings

    def upload_readings(request):
        site_code = request.POST.get("site", "")
        target_dir = os.path.join(settings.UPLOAD_ROOT, site_code)
        os.makedirs(target_dir, exist_ok=True)
        with open(os.path.join(target_dir, "readings.csv"), "wb") as fh:
            fh.write(request.FILES["readings"].read())
    """
    [hit] = hits(PathFromRequestInput, source)
    assert (hit.line, hit.end_line) == (5, 8)


def test_sql_text_assigned_then_executed_spans_both_lines():
    source = """
    from sqlalchemy import text

    def report(session, region):
        stmt = text(f"SELECT * FROM sales WHERE region = '{region}'")
        rows = session.execute(stmt)
        return rows.all()
    """
    [hit] = hits(SqlBuiltFromVariables, source)
    assert (hit.line, hit.end_line) == (4, 5)


def test_sql_from_a_loop_over_a_constant_list_is_not_reported():
    source = """
    ROLES = ["admin", "editor"]

    def seed(conn):
        for role in ROLES:
            conn.execute(f"INSERT INTO roles (name) VALUES ('{role}')")
    """
    assert found(SqlBuiltFromVariables, source) == set()


def test_path_finding_spans_from_request_input_to_the_sink():
    source = """
    import os
    from flask import Flask, request, send_file
    app = Flask(__name__)

    @app.get("/files")
    def download():
        name = request.args["name"]
        path = os.path.join("/srv/files", name)
        return send_file(path)
    """
    [hit] = hits(PathFromRequestInput, source)
    assert (hit.line, hit.end_line) == (7, 9)


def test_request_input_after_a_file_name_prefix_still_climbs_out_unless_it_is_a_number():
    # `number = "x/../../../etc/app"` makes `invoice-x/../../../etc/app.pdf`: the prefix stops nothing.
    source = """
    from flask import Flask, request, send_file
    app = Flask(__name__)

    @app.get("/invoices")
    def invoice():
        number = request.args["number"]
        return send_file(f"/srv/invoices/invoice-{number}.pdf")

    @app.get("/receipts")
    def receipt():
        number = request.args.get("number", type=int)
        return send_file(f"/srv/receipts/receipt-{number}.pdf")
    """
    assert found(PathFromRequestInput, source) == {6}


def test_debug_run_under_main_guard_is_reported_only_when_listening_on_all_interfaces():
    source = """
    from flask import Flask
    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(debug=True)
        app.run("0.0.0.0", 8000, debug=True)
    """
    assert found(DebugModeEnabled, source, path="app/main.py") == {6}


def test_check_hostname_off_alone_is_reported_but_not_next_to_cert_none():
    source = """
    import ssl

    def lenient():
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        return ctx

    def insecure():
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    """
    assert found(TlsVerificationDisabled, source) == {5, 11}


def test_log_message_that_names_a_secret_reports_the_value_but_not_an_exception():
    source = """
    import logging
    logger = logging.getLogger(__name__)

    def issue(code, exc, email):
        logger.info("verification code: %s sent to %s", code, email)
        logger.warning("rejected token: %s", exc)
        logger.info("reset code length %d", len(code))
    """
    assert found(SecretInLogCall, source) == {5}


def test_credentials_in_openapi_examples_are_not_reported():
    source = """
    from fastapi import Body

    def login(payload=Body(..., examples=[{"username": "ada", "password": "Sup3rSecret!"}])):
        return payload
    """
    assert found(HardcodedSecret, source) == set()


def test_isinstance_assert_on_request_outside_a_handler_is_not_reported():
    source = """
    from starlette.requests import Request

    def requires(scopes):
        def wrapper(request):
            assert isinstance(request, Request)
            assert request.user.is_authenticated
        return wrapper
    """
    assert found(AssertForValidation, source, path="app/auth.py") == {6}


# --- realistic clean code --------------------------------------------------------------

CLEAN_FLASK_APP = '''
import logging
import os
import secrets
import subprocess
from pathlib import Path

import jwt
import requests
import yaml
from flask import Flask, abort, jsonify, render_template, request, send_from_directory
from flask_cors import CORS
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.utils import secure_filename

from app.db import get_db

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # uploads (the avatar) are at most 2 MB
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["SESSION_COOKIE_SECURE"] = True
CORS(app, origins=["https://shop.example.com"], supports_credentials=True)
logger = logging.getLogger(__name__)
UPLOADS = Path("/srv/uploads")
JWT_KEY = os.environ["JWT_PUBLIC_KEY"]


def current_user():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        return jwt.decode(token, JWT_KEY, algorithms=["RS256"])
    except jwt.InvalidTokenError:
        abort(401)


@app.post("/signup")
def signup():
    data = request.get_json()
    password_hash = generate_password_hash(data["password"])
    db = get_db()
    db.execute("INSERT INTO users (email, password_hash) VALUES (?, ?)", (data["email"], password_hash))
    logger.info("user signed up: %s", data["email"])
    return jsonify(ok=True)


@app.post("/login")
def login():
    data = request.get_json()
    row = get_db().execute("SELECT id, password_hash FROM users WHERE email = ?", (data["email"],)).fetchone()
    if row is None or not check_password_hash(row["password_hash"], data["password"]):
        abort(401)
    session_token = secrets.token_urlsafe(32)
    response = jsonify(ok=True)
    response.set_cookie("session", session_token, secure=True, httponly=True, samesite="Lax")
    return response


@app.post("/avatar")
def upload_avatar():
    file = request.files["avatar"]
    name = secure_filename(file.filename)
    file.save(UPLOADS / name)
    return jsonify(name=name)


@app.get("/avatar/<path:name>")
def avatar(name):
    return send_from_directory(UPLOADS, name)


@app.get("/rates")
def rates():
    if current_user() is None:
        abort(403)
    response = requests.get("https://rates.example.com/today", timeout=5)
    return jsonify(response.json())


@app.post("/thumbnail")
def thumbnail():
    name = secure_filename(request.form["name"])
    subprocess.run(["convert", str(UPLOADS / name), "-resize", "200x200", str(UPLOADS / f"thumb_{name}")], check=True)
    return jsonify(ok=True)


def load_settings(path):
    with open(path) as fh:
        return yaml.safe_load(fh)


@app.get("/")
def index():
    return render_template("index.html", user=current_user())


if __name__ == "__main__":
    app.run(debug=True)
'''


@pytest.mark.parametrize("check", SECURITY_CHECKS, ids=lambda c: c.__name__)
def test_a_clean_flask_app_reports_nothing(check):
    assert found(check, CLEAN_FLASK_APP, path="app/main.py") == set()


def test_every_security_check_is_discovered():
    names = {c.__name__ for c in SECURITY_CHECKS}
    assert {"SqlBuiltFromVariables", "ShellCommandFromVariable", "EvalOfDynamicInput", "UnsafeDeserialization",
            "HardcodedSecret", "DebugModeEnabled", "SecretInLogCall", "JwtVerificationDisabled", "WeakPasswordHash",
            "InsecureRandomForSecret", "TlsVerificationDisabled", "InsecureCookie", "CorsWildcardWithCredentials",
            "CsrfProtectionDisabled", "PathFromRequestInput", "TemplateFromInput", "AutoescapeDisabled",
            "AssertForValidation"} <= names


def test_upload_read_in_a_loop_over_the_files_spans_to_the_read():
    from reviewer.checks.upload_without_size_limit import UploadWithoutSizeLimit

    source = """
    from django.http import JsonResponse

    def add_photos(request, visit_id):
        for upload in request.FILES.getlist("photos"):
            data = upload.read()
            store(visit_id, data)
        return JsonResponse({"ok": True})
    """
    [hit] = hits(UploadWithoutSizeLimit, source, path="visits/views.py")
    assert (hit.line, hit.end_line) == (3, 5)


def test_debug_on_in_the_base_config_class_of_a_settings_module_with_no_production_class():
    from reviewer.checks.debug_mode_enabled import DebugModeEnabled

    source = """
    class Config:
        SECRET_KEY = _setting("FLASK_SECRET_KEY")
        DEBUG = _setting("FLASK_DEBUG", "1") == "1"

    class TestingConfig(Config):
        TESTING = True
    """
    assert [h.line for h in hits(DebugModeEnabled, source, path="app/config.py")] == [3]
    with_production = source + "\n    class ProductionConfig(Config):\n        DEBUG = False\n"
    assert hits(DebugModeEnabled, with_production, path="app/config.py") == []


def test_hand_built_html_page_names_the_unescaped_pieces_as_related_lines():
    found = hits(TemplateFromInput, """
        from django.http import HttpResponse

        def inspection_report(request, reservation_id):
            sections = []
            for inspection in Inspection.objects.filter(reservation_id=reservation_id)[:20]:
                sections.append(
                    f"<section><h2>Inspection {inspection.id}</h2>"
                    f"<p>{inspection.notes}</p></section>"
                )
            page = f"<html><body><h1>Reservation {reservation_id}</h1>{''.join(sections)}</body></html>"
            return HttpResponse(page)
    """)
    assert [(h.line, h.related_lines) for h in found] == [(11, [8])]
    assert "`inspection.notes`" in found[0].message


def test_a_code_made_with_random_in_a_folder_named_for_what_it_unlocks_is_reported():
    source = """
        import random

        def _new_code() -> str:
            return f"{random.randint(0, 999_999):06d}"
    """
    assert [h.line for h in hits(InsecureRandomForSecret, source, path="lockers/pickup/codes.py")] == [4]
    assert hits(InsecureRandomForSecret, source, path="catalogue/products/codes.py") == []


def test_a_code_made_with_random_in_a_file_named_for_what_it_unlocks_in_the_plural_is_reported():
    source = """
        import random

        def new_code() -> str:
            return "".join(random.choices("ABCDEFGHJKMNPQRSTUVWXYZ23456789", k=12))
    """
    assert [h.line for h in hits(InsecureRandomForSecret, source, path="app/routers/vouchers.py")] == [4]
    assert hits(InsecureRandomForSecret, source, path="app/routers/products.py") == []


def test_a_code_made_with_random_in_a_file_named_for_it_in_one_compound_word_is_reported():
    source = """
        import random
        import string

        def _new_code():
            body = "".join(random.choices(string.ascii_uppercase + string.digits, k=12))
            return f"GB-{body[:4]}-{body[4:8]}-{body[8:]}"
    """
    assert [h.line for h in hits(InsecureRandomForSecret, source, path="studio/giftcards.py")] == [5]
    assert [h.line for h in hits(InsecureRandomForSecret, source, path="shop/promocodes.py")] == [5]
    assert hits(InsecureRandomForSecret, source, path="studio/scorecards.py") == []


SIGNED_IN_REPORT = """
    from django.contrib.auth.decorators import login_required
    from django.http import JsonResponse

    def _date_range(request):
        return request.GET.get("from"), request.GET.get("to")

    @login_required
    def sales_by_product(request):
        return JsonResponse({"products": sales_rows()})

    @login_required
    def orders_export(request):
        if not request.user.is_staff:
            return JsonResponse({"error": "committee only"}, status=403)
        return JsonResponse({"orders": order_rows()})
"""

OPEN_REPORT = """
    from django.contrib.admin.views.decorators import staff_member_required
    from django.http import JsonResponse

    def bookings_export(request):
        return JsonResponse({"bookings": booking_rows()})

    @staff_member_required
    def artist_takings(request):
        return JsonResponse({"takings": takings_rows()})
"""


def test_a_page_of_a_module_named_for_staff_pages_that_any_signed_in_user_or_anyone_can_read_is_reported():
    from reviewer.checks.unprotected_state_change import UnprotectedStateChange

    # The other handler turns away non-staff callers, by a test in its body or by its decorator.
    assert [h.line for h in hits(UnprotectedStateChange, SIGNED_IN_REPORT, path="coop/reports/admin_reports.py")] == [7]
    assert [h.line for h in hits(UnprotectedStateChange, OPEN_REPORT, path="studio/reports/admin_views.py")] == [4]
    # In a module not named for staff pages, one handler open to customers beside a staff one may be on purpose.
    assert hits(UnprotectedStateChange, SIGNED_IN_REPORT, path="coop/reports/views.py") == []
    assert hits(UnprotectedStateChange, OPEN_REPORT, path="studio/reports/views.py") == []
