"""CTR003: a secret written into a Dockerfile `ENV` or `ARG`."""

from __future__ import annotations

import re

from reviewer.checks._base import LineCheck
from reviewer.checks._files import (
    env_pairs,
    is_generated_key,
    is_secret_name,
    is_secret_value,
    is_substitution,
    parse_dockerfile,
    url_password,
)
from reviewer.findings import Confidence, FileKind


class SecretInImageEnv(LineCheck):
    """A secret-named `ENV` or `ARG` in a Dockerfile.

    ## What it does
    Reports `ENV` instructions (`ENV K=V` and `ENV K V` forms) that give a secret-looking name
    (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_API_KEY`, `*_PRIVATE_KEY`, `*_ACCESS_KEY`,
    `*_CREDENTIALS`, `SECRET_KEY`, `*_JWT_KEY`...; not a key's id, `AWS_ACCESS_KEY_ID`, which AWS does not treat
    as secret) a non-empty value, including a value copied from a
    build arg (`ENV NPM_TOKEN=$NPM_TOKEN`). Reports `ARG` instructions with such a name: with a literal default
    at high confidence, and without one (or with an empty one) at medium confidence, because a secret passed with
    `--build-arg` is still recorded in the image history; a build arg copied into an `ENV` (`ARG NPM_TOKEN`, then
    `ENV NPM_TOKEN=${NPM_TOKEN}`) is one secret, reported once at the `ENV`. Whatever the name, an `ENV` or `ARG` whose
    value is a URL with a literal password (`DATABASE_URL=postgresql://app:s3cret@db/app`, a private
    package index `https://ci:token@pypi.example.com/simple`) or a `*_KEY` whose value is a long
    random-looking string is reported too. Names that point at a secret rather than hold it
    (`DB_PASSWORD_FILE`, `TOKEN_URL`), values that are file paths
    (`GOOGLE_APPLICATION_CREDENTIALS=/app/key.json`) and public keys are not reported.

    ## Why is this bad?
    `ENV` values are stored in the image configuration and `ARG` values used by a `RUN` are stored in
    its history: anyone who can pull the image reads them with `docker inspect` or `docker history`,
    and every registry, cache and laptop holding the image holds the secret. Pass build secrets with
    BuildKit (`RUN --mount=type=secret,id=npm_token ...`) and runtime secrets through the
    orchestrator's secret store.

    ## Known limits
    Apart from URL passwords and random-looking `*_KEY` values, only the variable name says what is
    secret: a bare token under a neutral name (`BOT_CONFIG=sk-...`) is not found. A URL password equal
    to the user name or a well-known local default (`guest`, `postgres`) is not reported. An empty value is not reported. In the `ENV K=V` form, reading
    stops at the first word without `=`. Test fixtures under a tests directory are skipped.
    """

    id = "CTR003"
    kinds = frozenset({FileKind.dockerfile})
    EXAMPLE_PATH = "Dockerfile"
    VALID = (
        """
# syntax=docker/dockerfile:1
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci # ok: CTR003
ENV NODE_ENV=production PORT=8080
""",
        """
FROM postgres:16
ENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password # ok: CTR003
ENV GPG_PUBLIC_KEY=0x4C3D2A1B # ok: CTR003
ENV API_TOKEN= # ok: CTR003
ENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json # ok: CTR003
ENV BROKER_URL=amqp://guest:guest@broker:5672// # ok: CTR003
ARG PIP_INDEX_URL=https://pypi.org/simple # ok: CTR003
ENV CACHE_KEY=profile-v2 # ok: CTR003
""",
    )
    INVALID = (
        """
FROM python:3.12-slim
ENV DJANGO_SECRET_KEY=7f3k2m9x0q1w8e4r # expect: CTR003
ENV DATABASE_HOST=db PORT=8000
""",
        """
FROM python:3.12-slim
ENV STRIPE_API_KEY sk_live_51H8d2 # expect: CTR003
""",
        """
FROM node:20-slim
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN} # expect: CTR003
RUN npm ci
""",
        """
FROM alpine:3.20
ARG AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI # expect: CTR003
RUN aws s3 cp s3://bucket/model.bin /models/
""",
        """
FROM python:3.12-slim
ARG PIP_EXTRA_INDEX_URL=https://deploy-bot:Vq7-Rk2x-Lm9p@packages.example.org/simple # expect: CTR003
ENV ORDERS_DB=mysql://orders:Ord3rs-Pw-2023@orders-db:3306/orders # expect: CTR003
ENV WEBHOOK_KEY=7b1e4c9a0f3d6e2b8a5c1d7f9e0b3a6c # expect: CTR003
RUN pip install -r requirements.txt
""",
    )

    def run(self) -> None:
        if self.ctx.is_test:
            return
        instructions = parse_dockerfile(self.ctx.text).instructions
        # `ARG SMTP_PASSWORD`, then `ENV SMTP_PASSWORD=${SMTP_PASSWORD}`: one secret, reported once, at the ENV that
        # keeps it in the image, with the ARG as a related line.
        args = {name: instruction.line_of(name) for instruction in instructions if instruction.keyword == "ARG"
                for name, value in env_pairs(instruction) if is_secret_name(name) and not value}
        copied: dict[str, int] = {}
        for instruction in instructions:
            if instruction.keyword == "ENV":
                for name, value in env_pairs(instruction):
                    if is_secret_name(name) and value and is_substitution(value):
                        copied.update(_referenced(value, args))
        for instruction in instructions:
            if instruction.keyword not in ("ENV", "ARG"):
                continue
            for name, value in env_pairs(instruction):
                if url_password(value) is not None or (not is_secret_name(name) and is_generated_key(name, value)):
                    self.report_line(instruction.line_of(name), f"`{instruction.keyword} {name}` holds a literal credential "
                                                       "(a password in a URL or a generated key): anyone who can "
                                                       "pull the image reads it with docker inspect or docker "
                                                       "history.")
                    break
                if not is_secret_name(name):
                    continue
                if instruction.keyword == "ARG" and not value and name in copied:
                    break
                if instruction.keyword == "ARG" and not value:
                    self.report_line(instruction.line_of(name), f"Build arg `{name}` looks like a secret: a value passed "
                                                       "with --build-arg is recorded in the image history for "
                                                       "anyone who can pull the image.",
                                     confidence=Confidence.medium)
                elif value and (is_secret_value(value) or is_substitution(value)):
                    self.report_line(instruction.line_of(name), f"`{instruction.keyword} {name}` puts a secret into the "
                                                       "image, where anyone who can pull it reads it with docker "
                                                       "inspect or docker history.",
                                     related_lines=list(_referenced(value, copied).values())
                                     if instruction.keyword == "ENV" else ())
                break


def _referenced(value: str, args: dict[str, int]) -> dict[str, int]:
    """The build args (name -> line) a value takes: `${SMTP_PASSWORD}` or `$SMTP_PASSWORD`."""
    return {arg: line for arg, line in args.items() if re.search(rf"\$\{{?{re.escape(arg)}\b", value)}
