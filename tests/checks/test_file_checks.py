"""Targeted tests for the error-handling, observability, container, deployment and dependency checks and their readers."""

from __future__ import annotations

import textwrap
from pathlib import Path

from reviewer.checks._base import FileContext, PythonCheck, is_test_path, parse_python, run_line_checks, run_python_checks
from reviewer.checks._files import (deployed_with_liveness_probe, is_kustomize_patch, parse_dockerfile, parse_image,
                                    yaml_documents)
from reviewer.checks.container_runs_as_root import ContainerRunsAsRoot
from reviewer.checks.container_without_limits import ContainerWithoutLimits
from reviewer.checks.error_reported_as_success import ErrorReportedAsSuccess
from reviewer.checks.exception_logged_without_traceback import ExceptionLoggedWithoutTraceback
from reviewer.checks.exception_swallowed import ExceptionSwallowed
from reviewer.checks.latest_image_tag import LatestImageTag
from reviewer.checks.missing_healthcheck import MissingHealthcheck
from reviewer.checks.missing_run_as_non_root import MissingRunAsNonRoot
from reviewer.checks.print_in_server_code import PrintInServerCode
from reviewer.checks.privileged_container import PrivilegedContainer
from reviewer.checks.secret_in_compose_environment import SecretInComposeEnvironment
from reviewer.checks.secret_in_image_env import SecretInImageEnv
from reviewer.checks.unpinned_requirement import UnpinnedRequirement
from reviewer.diff import kind_of
from reviewer.findings import Confidence


def hits(check, path: str, source: str):
    source = textwrap.dedent(source).lstrip("\n")
    ctx = FileContext(path=path, text=source, kind=kind_of(path, source), is_test=is_test_path(path))
    if issubclass(check, PythonCheck):
        return run_python_checks(parse_python(source), ctx, [check])
    return run_line_checks(ctx, [check])


def lines(check, path: str, source: str) -> list[int]:
    return sorted(hit.line for hit in hits(check, path, source))


# --- Dockerfile reader --------------------------------------------------------


def test_continuation_lines_and_inner_comments_join_into_one_instruction():
    parsed = parse_dockerfile("FROM alpine:3.20\nRUN apk add \\\n# a comment\n    curl \\\n    git\nUSER app\n")
    run = parsed.instructions[1]
    assert (run.keyword, run.line, run.end_line) == ("RUN", 2, 5)
    assert run.words == ["apk", "add", "curl", "git"]
    assert parsed.instructions[2].line == 6


def test_heredoc_body_is_not_read_as_instructions():
    text = "FROM python:3.12\nRUN <<EOF\nfrom app import main\nuser root\nEOF\nUSER app\n"
    parsed = parse_dockerfile(text)
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN", "USER"]
    assert len(parsed.stages) == 1


def test_escape_directive_changes_the_continuation_character():
    parsed = parse_dockerfile("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n    C:\\\n")
    assert parsed.instructions[1].words == ["dir", "C:\\"]


def test_stage_built_from_an_earlier_stage_inherits_its_user():
    text = "FROM python:3.12 AS base\nUSER app\nFROM base\nCMD [\"python\"]\n"
    assert lines(ContainerRunsAsRoot, "Dockerfile", text) == []


def test_registry_port_is_not_taken_for_a_tag():
    assert parse_image("registry.local:5000/team/app").tag is None
    assert parse_image("registry.local:5000/team/app:1.2").tag == "1.2"
    assert not parse_image("app@sha256:abc").floats


# --- Dockerfile checks --------------------------------------------------------


def test_build_arg_without_default_is_reported_at_medium_confidence():
    found = hits(SecretInImageEnv, "Dockerfile", "FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n")
    assert [(h.line, h.confidence) for h in found] == [(2, Confidence.medium)]


def test_dockerfile_under_tests_directory_is_skipped():
    assert lines(ContainerRunsAsRoot, "tests/fixtures/Dockerfile", "FROM python:3.12\nCMD [\"python\"]\n") == []


# --- requirements -------------------------------------------------------------


def test_requirements_in_file_is_not_read():
    assert lines(UnpinnedRequirement, "requirements.in", "flask\nrequests>=2\n") == []


def test_compatible_release_of_a_major_version_is_reported_at_medium_confidence():
    found = hits(UnpinnedRequirement, "requirements.txt", "django~=4.2\nflask>=3\n")
    assert [(h.line, h.confidence) for h in found] == [(1, Confidence.medium), (2, Confidence.high)]


def test_compatible_release_of_one_minor_version_is_bounded_and_not_reported():
    # `~=4.2.0` takes bug-fix releases of 4.2 only: the checklist's "loosely bounded" is no upper bound.
    assert lines(UnpinnedRequirement, "requirements.txt", "django~=4.2.0\njinja2 ~= 3.1.4\n") == []


def test_editable_vcs_requirement_without_commit_is_reported():
    text = "-e git+https://github.com/acme/sdk.git#egg=sdk\n-e git+https://github.com/acme/sdk.git@v1.4.0#egg=sdk\n"
    assert lines(UnpinnedRequirement, "requirements.txt", text) == [1]


def test_pinned_requirement_with_hash_continuation_and_marker_is_not_reported():
    text = 'numpy==1.26.4 ; python_version < "3.13" \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nscipy\n'
    assert lines(UnpinnedRequirement, "requirements-prod.txt", text) == [4]


# --- YAML reader --------------------------------------------------------------


def test_yaml_reader_follows_compact_sequences_flow_maps_and_documents():
    text = textwrap.dedent("""
        a:
        - name: x  # comment
          limits: {memory: 1Gi, cpu: "1"}
          args: ["--port", "80"]
          script: |
            key: not-a-key
        ---
        b: &anchor
          c: 'quoted # not a comment'
    """)
    first, second = yaml_documents(text)
    item = first.get("a").items[0]
    assert item.scalar("name") == "x"
    assert item.get("limits", "memory").text == "1Gi"
    assert [node.text for node in item.get("args").items] == ["--port", "80"]
    assert item.get("script").kind == "opaque"
    assert second.scalar("b", "c") == "quoted # not a comment"


# --- Kubernetes and compose checks --------------------------------------------


def test_helm_template_is_skipped_by_checks_that_report_a_missing_setting():
    text = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: {{ .Chart.Name }}
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                  resources:
                    {{- toYaml .Values.resources | nindent 12 }}
    """
    assert lines(ContainerWithoutLimits, "chart/templates/deployment.yaml", text) == []
    assert lines(MissingRunAsNonRoot, "chart/templates/deployment.yaml", text) == []


def test_kustomize_patch_is_skipped_by_checks_that_report_a_missing_setting():
    text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              containers:
              - name: api
                env:
                - name: LOG_LEVEL
                  value: debug
    """
    assert lines(ContainerWithoutLimits, "overlays/prod/patch-env.yaml", text) == []


def test_privileged_compose_service_is_reported():
    text = """
        services:
          agent:
            image: registry.example.com/agent:1.0.0
            privileged: true
          api:
            image: registry.example.com/api:1.0.0
            privileged: false
    """
    assert lines(PrivilegedContainer, "docker-compose.yml", text) == [4]


def test_compose_image_is_reported_unless_it_is_built_or_substituted():
    text = """
        services:
          db:
            image: postgres
          cache:
            image: redis:latest
          api:
            build: .
            image: acme/api
          worker:
            image: acme/worker:${TAG:-latest}
    """
    assert lines(LatestImageTag, "compose.yaml", text) == [3, 5]


def test_compose_environment_under_tests_directory_is_skipped():
    text = """
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD: test
    """
    assert lines(SecretInComposeEnvironment, "tests/docker-compose.yml", text) == []
    assert lines(SecretInComposeEnvironment, "docker-compose.yml", text) == [5]


# --- Python checks ------------------------------------------------------------


def test_swallowed_exception_in_test_file_is_not_reported():
    source = """
        def test_cleanup():
            try:
                run()
            except Exception:
                pass
    """
    assert lines(ExceptionSwallowed, "tests/test_jobs.py", source) == []
    assert lines(ExceptionSwallowed, "app/jobs.py", source) == [4]


def test_error_logged_in_specific_handler_then_success_is_medium_confidence():
    source = """
        def notify(user):
            try:
                push(user)
            except PushError:
                logger.error("push failed")
                return True
    """
    assert [(h.line, h.end_line, h.confidence) for h in hits(ErrorReportedAsSuccess, "app/notify.py", source)] == [
        (4, 6, Confidence.medium)]


def test_warning_in_specific_handler_then_success_is_not_reported():
    source = """
        def subscribe(email):
            try:
                mailing_list.add(email)
            except AlreadySubscribed:
                logger.warning("already subscribed")
                return {"status": "ok"}
    """
    assert lines(ErrorReportedAsSuccess, "app/mail.py", source) == []


def test_print_in_module_importing_celery_late_is_reported():
    source = """
        def task_body(x):
            print(x)

        from celery import shared_task
    """
    assert lines(PrintInServerCode, "app/tasks.py", source) == [2]


def test_print_in_click_script_without_web_framework_is_not_reported():
    source = """
        import click

        @click.command()
        def export():
            print("done")

        def helper():
            print("helping")
    """
    assert lines(PrintInServerCode, "scripts/export.py", source) == []


def test_specific_exception_logged_as_text_is_not_reported():
    source = """
        def fetch(url):
            try:
                return get(url)
            except TimeoutError as error:
                logger.error("timed out: %s", error)
    """
    assert lines(ExceptionLoggedWithoutTraceback, "app/client.py", source) == []


# --- where a missing instruction is reported, and what sits beside the Dockerfile ----------------------


SERVICE_IMAGE = """
    FROM python:3.12-slim AS build
    RUN pip wheel -w /wheels -r requirements.txt
    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    EXPOSE 8000
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
"""


def test_missing_user_and_healthcheck_span_the_final_stage():
    for check in (ContainerRunsAsRoot, MissingHealthcheck):
        found = hits(check, "tmp-does-not-exist/Dockerfile", SERVICE_IMAGE)
        assert [(hit.line, hit.end_line) for hit in found] == [(3, 6)], check.__name__


def test_healthcheck_is_not_asked_of_an_image_whose_kubernetes_manifest_has_a_liveness_probe(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc" / "k8s").mkdir(parents=True)
    manifest = tmp_path / "svc" / "k8s" / "deployment.yaml"
    manifest.write_text("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n"
                        "          readinessProbe:\n            httpGet: {path: /healthz, port: 8000}\n")
    assert deployed_with_liveness_probe("svc/Dockerfile") is False  # readiness only: nothing restarts a hung pod
    assert lines(MissingHealthcheck, "svc/Dockerfile", SERVICE_IMAGE) == [3]
    manifest.write_text(manifest.read_text() + "          livenessProbe:\n            httpGet: {path: /healthz, port: 8000}\n")
    assert deployed_with_liveness_probe("svc/Dockerfile") is True
    assert lines(MissingHealthcheck, "svc/Dockerfile", SERVICE_IMAGE) == []
    assert lines(MissingHealthcheck, "other/Dockerfile", SERVICE_IMAGE) == [3]  # a manifest elsewhere does not count


def test_kustomize_patches_are_told_from_paths_that_merely_contain_the_word():
    assert is_kustomize_patch("overlays/prod/patches/api.yaml")
    assert is_kustomize_patch("k8s/patch-memory.yaml")
    assert is_kustomize_patch("k8s/memory_patch.yml")
    assert not is_kustomize_patch("food_dispatch/k8s/deployment.yaml")
    assert not is_kustomize_patch("k8s/dispatcher.yaml")
    manifest = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: worker
                  image: registry.example.com/dispatch:1.2.0
    """
    assert lines(ContainerWithoutLimits, "food_dispatch/k8s/deployment.yaml", manifest) == [7]
    assert lines(ContainerWithoutLimits, "overlays/prod/patches/deployment.yaml", manifest) == []


def test_missing_run_as_non_root_spans_the_container_through_its_security_context():
    manifest = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: api
                  image: registry.example.com/api:1.0.0
                  securityContext:
                    allowPrivilegeEscalation: false
    """
    assert [(h.line, h.end_line) for h in hits(MissingRunAsNonRoot, "k8s/api.yaml", manifest)] == [(7, 10)]
    root = manifest.replace("allowPrivilegeEscalation: false", "runAsUser: 0")
    assert [(h.line, h.end_line) for h in hits(MissingRunAsNonRoot, "k8s/api.yaml", root)] == [(7, 10)]


def test_host_namespaces_are_reported_outside_daemonsets_only():
    manifest = """
        apiVersion: apps/v1
        kind: {kind}
        spec:
          template:
            spec:
              hostNetwork: true
              containers:
                - name: api
                  image: registry.example.com/api:1.0.0
    """
    assert lines(PrivilegedContainer, "k8s/api.yaml", manifest.format(kind="Deployment")) == [6]
    assert lines(PrivilegedContainer, "k8s/api.yaml", manifest.format(kind="DaemonSet")) == []


def test_a_cached_dockerfile_result_is_not_reused_once_a_liveness_probe_appears_beside_it(tmp_path, monkeypatch):
    from reviewer.engine import _file_key
    from reviewer.findings import FileChange, FileKind

    monkeypatch.chdir(tmp_path)
    (tmp_path / "k8s").mkdir()
    change = FileChange(path="Dockerfile", status="scanned", kind=FileKind.dockerfile,
                        text=textwrap.dedent(SERVICE_IMAGE), whole_file=True)
    before = _file_key(change, frozenset())
    (tmp_path / "k8s" / "api.yaml").write_text("kind: Deployment\n# ...\n          livenessProbe:\n")
    assert _file_key(change, frozenset()) != before


def test_a_liveness_probe_beside_the_dockerfile_is_found_when_the_scan_starts_in_a_subfolder(git_repo, monkeypatch):
    from reviewer.diff import select_paths
    from reviewer.engine import ReviewOptions, review

    # Paths are named from the top of the work tree; the probe lookup must not read them from the cwd.
    git_repo.write("deploy/api/Dockerfile", textwrap.dedent(SERVICE_IMAGE))
    git_repo.write("deploy/api/k8s/deployment.yaml", "kind: Deployment\n# ...\n          livenessProbe:\n")
    git_repo.write("deploy/web/Dockerfile", textwrap.dedent(SERVICE_IMAGE))
    monkeypatch.chdir(git_repo.path / "deploy")
    report = review(select_paths([Path("api"), Path("web")]), ReviewOptions(use_model=False, use_cache=False))
    assert sorted((f.file, f.id) for f in report.findings if f.id == "CTR005") == [("deploy/web/Dockerfile", "CTR005")]


def test_a_secret_in_a_continued_env_instruction_is_reported_on_its_own_line():
    dockerfile = """
        FROM python:3.12-slim
        ENV PYTHONUNBUFFERED=1 \\
            STRIPE_SECRET_KEY=sk_live_51NcPq2LkX8vT0aYbR4mWz9sJ3hD7fGk2
        CMD ["python", "app.py"]
    """
    assert lines(SecretInImageEnv, "Dockerfile", dockerfile) == [3]


def test_a_compose_healthcheck_on_the_built_service_stands_for_the_image_s_own(tmp_path, monkeypatch):
    from reviewer.checks._files import deployed_with_liveness_probe

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(textwrap.dedent(SERVICE_IMAGE))
    compose = ("services:\n  web:\n    build: .\n{web}  db:\n    image: postgres:16\n"
               "    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready\"]\n")
    (tmp_path / "docker-compose.yml").write_text(compose.format(web=""))
    assert not deployed_with_liveness_probe("Dockerfile")  # the database's health check is not the app's
    (tmp_path / "docker-compose.yml").write_text(compose.format(
        web="    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/healthz\"]\n"))
    assert deployed_with_liveness_probe("Dockerfile")


def test_compose_cap_add_of_sys_admin_is_reported_and_a_narrow_capability_is_not():
    compose = """
        services:
          api:
            image: registry.example.com/api:1.4.2
            cap_add:
              - NET_BIND_SERVICE
              - SYS_ADMIN
    """
    assert lines(PrivilegedContainer, "docker-compose.yml", compose) == [6]


def test_a_built_compose_image_tagged_latest_in_a_registry_is_reported_and_a_local_name_is_not():
    compose = """
        services:
          web:
            build: .
            image: {image}
    """
    assert lines(LatestImageTag, "docker-compose.yml", compose.format(image="registry.example.com/shop/web:latest")) == [4]
    assert lines(LatestImageTag, "docker-compose.yml", compose.format(image="shop-web:latest")) == []
