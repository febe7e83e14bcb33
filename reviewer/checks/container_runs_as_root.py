"""CTR001: the image's final stage runs its process as root."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import is_development_path, parse_dockerfile
from reviewer.findings import FileKind

_ROOT_USERS = frozenset({"root", "0"})
# Base images whose own default user is not root.
_NON_ROOT_BASE_MARKS = ("nonroot", "non-root", "unprivileged", "rootless", "cgr.dev/chainguard/", "bitnami/")


class ContainerRunsAsRoot(LineCheck):
    """A Dockerfile whose final stage never switches to an unprivileged user, or switches back to root.

    ## What it does
    Reads the final build stage (with the earlier stages it is built `FROM`, whose `USER` it inherits)
    and reports the stage (its `FROM` line to its last instruction) when no `USER` instruction
    applies, or the last `USER` line when it names `root` or uid `0` (`USER root`, `USER 0:0`, `USER root:app`). Earlier stages of a multi-stage
    build are not reported: only the final stage becomes the running container.

    ## Why is this bad?
    A process running as root inside the container is root on every file and volume it can reach;
    one remote code execution in the application or a dependency gives the attacker full control of
    the container and makes an escape to the host far easier. Add a user and switch to it with
    `USER app` (or a numeric uid) after the steps that need root.

    ## Known limits
    The base image's own default user is not read: bases that already run unprivileged are
    recognised only by name (`nonroot`, `unprivileged`, `rootless`, Chainguard and Bitnami images). A
    `USER` given through a build arg (`USER ${APP_UID}`) is trusted to be non-root. Text after the
    user name is ignored, as Docker ignores it. Test fixtures under a tests directory and development
    containers (`.devcontainer/`) are skipped.
    """

    id = "CTR001"
    kinds = frozenset({FileKind.dockerfile})
    EXAMPLE_PATH = "Dockerfile"
    VALID = (
        """
FROM python:3.12-slim
RUN useradd --create-home app
WORKDIR /home/app
COPY --chown=app . .
USER app # ok: CTR001
CMD ["gunicorn", "app:app"]
""",
        """
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/server ./cmd/server
FROM gcr.io/distroless/static-debian12:nonroot # ok: CTR001
COPY --from=build /out/server /server
ENTRYPOINT ["/server"]
""",
        """
FROM python:3.12-slim AS base
RUN useradd app
USER root
RUN apt-get update && apt-get install -y libpq5
USER app
FROM base AS runtime # ok: CTR001
COPY . /app
CMD ["python", "-m", "worker"]
""",
        """
FROM node:20-alpine
USER root
RUN apk add --no-cache tini
USER 1000:1000 # ok: CTR001
ENTRYPOINT ["tini", "--", "node", "server.js"]
""",
    )
    INVALID = (
        """
FROM python:3.12-slim # expect: CTR001
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
""",
        """
FROM node:20-alpine
RUN adduser -D app
USER app
RUN npm ci
USER root # expect: CTR001
CMD ["node", "server.js"]
""",
        """
FROM python:3.12 AS build
RUN useradd builder
USER builder
RUN pip wheel -w /wheels -r requirements.txt
FROM python:3.12-slim # expect: CTR001
COPY --from=build /wheels /wheels
RUN pip install /wheels/*
""",
        """
FROM debian:bookworm-slim
USER 0:0 # expect: CTR001
ENTRYPOINT ["/usr/local/bin/agent"]
""",
    )

    def run(self) -> None:
        if self.ctx.is_test or is_development_path(self.ctx.path):
            return
        final = parse_dockerfile(self.ctx.text).final
        if final is None:
            return
        users = final.inherited("USER")
        if users:
            last = users[-1]
            words = last.words
            user = words[0].split(":")[0].strip("\"'") if words else ""
            if user.lower() in _ROOT_USERS:
                self.report_line(last.line, f"The final stage switches back to `USER {words[0]}`: the "
                                            "container's process runs as root, so any code execution in it "
                                            "controls the whole container.")
            return
        base = (final.lineage()[0].base or "").lower()
        if any(mark in base for mark in _NON_ROOT_BASE_MARKS):
            return
        self.report_line(final.start.line, "The final stage sets no `USER`: the container's process runs as "
                                           "root, so any code execution in it controls the whole container.",
                         end_line=final.end_line)
