"""CTR005: a long-running service image with no HEALTHCHECK."""

from __future__ import annotations

import re

from reviewer.checks._base import LineCheck
from reviewer.checks._files import deployed_with_liveness_probe, is_development_path, parse_dockerfile
from reviewer.findings import Confidence, FileKind

# Commands that start a long-running network server.
# Base images named for the server their own command starts (`tiangolo/uvicorn-gunicorn-fastapi`, `nginx`).
_SERVER_IMAGE = re.compile(r"\b(gunicorn|uvicorn|hypercorn|nginx|httpd|caddy|tomcat|php-fpm)\b", re.IGNORECASE)
_SERVER_COMMAND = re.compile(
    r"\b(gunicorn|uvicorn|hypercorn|daphne|granian|waitress-serve|runserver|flask\W+run|nginx|httpd|apache2-foreground"
    r"|caddy|puma|php-fpm|catalina\.sh|npm\W+start|next\W+start)\b",
    re.IGNORECASE,
)
# Commands that start a long-running queue worker or scheduler: it can hang with its process alive too.
_WORKER_COMMAND = re.compile(
    r"\bcelery\b.*\b(worker|beat)\b|\brq\W+worker\b|\bdramatiq\b|\bhuey_consumer\b|\barq\b|\bfaust\b.*\bworker\b"
    r"|\bsidekiq\b|\bqueue:work\b",
    re.IGNORECASE,
)


class MissingHealthcheck(LineCheck):
    """A service image whose final stage declares no `HEALTHCHECK`.

    ## What it does
    Reports the final stage (from its `FROM` line to its last instruction) when that stage (with the earlier stages it is built
    `FROM`) looks like a long-running service, that is, it has a `CMD` or `ENTRYPOINT` and either
    `EXPOSE`s a port, starts a known server (gunicorn, uvicorn, daphne, nginx, httpd, php-fpm,
    `flask run`, `npm start`...) or starts a long-running queue worker or scheduler (`celery worker`,
    `celery beat`, `rq worker`, `dramatiq`, `arq`, ...), and declares no `HEALTHCHECK`. `HEALTHCHECK NONE` is an explicit
    decision and is not reported. An image with a Kubernetes manifest beside it (in the Dockerfile's
    folder or up to three levels below it: `k8s/`, `deploy/`, a Helm chart) that defines a
    `livenessProbe` is not reported either: Kubernetes ignores `HEALTHCHECK`, and the probe restarts a
    hung container; nor is one whose compose file beside it declares a `healthcheck:` on the service it
    builds (`build:`), which replaces the image's. Findings are medium confidence.

    ## Why is this bad?
    Without a health check the container counts as healthy as long as its process exists: a server
    that deadlocked, lost its database pool or stopped accepting connections keeps receiving traffic
    and is never restarted by Docker, Compose or Swarm; a worker that lost its broker connection sits
    idle while the queue grows. Add
    `HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1` (or a small script).

    ## Known limits
    Manifests kept elsewhere (another repository, a parent folder, a GitOps repo) are not seen, so an
    image deployed only to Kubernetes can still be reported; a manifest with only a `readinessProbe`
    takes a hung pod out of rotation but never restarts it, and does not count. The manifests are read
    from the working tree, not from the commit under review. A service or worker started by a
    command the lists do not know (`python -m app.consumer`), with no `EXPOSE`, and a `CMD` inherited
    from a base image whose name does not say it is a server are not recognised (`FROM nginx` or
    `FROM tiangolo/uvicorn-gunicorn-fastapi` with no command of its own is).
    Test fixtures under a tests directory and development containers (`.devcontainer/`) are skipped.
    """

    id = "CTR005"
    kinds = frozenset({FileKind.dockerfile})
    confidence = Confidence.medium
    EXAMPLE_PATH = "Dockerfile"
    VALID = (
        """
FROM python:3.12-slim # ok: CTR005
WORKDIR /app
COPY . .
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health', timeout=2)"
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
""",
        """
FROM python:3.12-slim # ok: CTR005
COPY . /app
CMD ["python", "-m", "app.migrate", "--to", "head"]
""",
        """
FROM python:3.12-slim # ok: CTR005
COPY . /app
HEALTHCHECK --interval=60s CMD ["celery", "-A", "tasks", "inspect", "ping"]
CMD ["celery", "-A", "tasks", "worker", "--loglevel=info"]
""",
        """
FROM python:3.12-slim AS base
HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1
FROM base # ok: CTR005
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
""",
        """
FROM python:3.12-slim # ok: CTR005
EXPOSE 9000
HEALTHCHECK NONE
ENTRYPOINT ["python", "-m", "job_runner"]
""",
    )
    INVALID = (
        # No command of its own: the base image's starts gunicorn with uvicorn workers, as its name says.
        """
FROM tiangolo/uvicorn-gunicorn-fastapi:python3.11 # expect: CTR005
ENV MODULE_NAME=app.main
COPY ./app /app/app
""",
        """
FROM python:3.12-slim # expect: CTR005
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
""",
        """
FROM node:20 AS build
RUN npm ci && npm run build
FROM node:20-slim # expect: CTR005
COPY --from=build /app /app
EXPOSE 3000
CMD ["node", "/app/dist/index.js"]
""",
        """
FROM python:3.12-slim # expect: CTR005
WORKDIR /srv
COPY . .
CMD ["celery", "-A", "billing.tasks", "worker", "-Q", "invoices", "--concurrency=4"]
""",
    )

    def run(self) -> None:
        if self.ctx.is_test or is_development_path(self.ctx.path):
            return
        final = parse_dockerfile(self.ctx.text).final
        if final is None or final.inherited("HEALTHCHECK"):
            return
        commands = final.inherited("CMD") + final.inherited("ENTRYPOINT")
        # `FROM tiangolo/uvicorn-gunicorn-fastapi` with no command of its own: the base image's command starts
        # the server its name says.
        base = final.lineage()[0].base or ""
        served_by_base = not commands and bool(_SERVER_IMAGE.search(base.rsplit("/", 1)[-1].split(":")[0]))
        if not commands and not served_by_base:
            return
        serves = served_by_base or bool(final.inherited("EXPOSE")) or any(
            _SERVER_COMMAND.search(c.args) or _WORKER_COMMAND.search(c.args) for c in commands)
        if serves and not deployed_with_liveness_probe(self.ctx.path, self.ctx.root):
            self.report_line(final.start.line, "This service image declares no HEALTHCHECK: a server that hangs "
                                               "or stops answering still counts as healthy and is never "
                                               "restarted or taken out of rotation.",
                              end_line=final.end_line)
