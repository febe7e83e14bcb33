"""CFG005: a secret value written in a compose service's `environment`."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import compose_services, declared_development_only, literal_secret
from reviewer.findings import FileKind


class SecretInComposeEnvironment(LineCheck):
    """A literal secret in a docker-compose `environment:` block.

    ## What it does
    Reads each service's `environment:`, in both the list form (`- DB_PASSWORD=hunter2`) and the map
    form (`DB_PASSWORD: hunter2`), and reports a variable with a secret-looking name (`*_PASSWORD`,
    `*_PASSWORDS`, `*_SECRET`, `*_TOKEN`, `*_API_KEY`, `SECRET_KEY`, `*_JWT_KEY`, `*_SIGNING_KEY`...)
    whose value is a non-empty literal, any other `*_KEY` whose value is a long random-looking string,
    and any variable whose value is a URL with a literal password
    (`DATABASE_URL: postgresql://app:hunter2@db/app`; not `${DB_PASSWORD}`, not a password equal to
    the user name or a well-known local default such as `guest` or `postgres`). Values taken from the environment or an `.env` file (`${DB_PASSWORD}`,
    `${DB_PASSWORD:?required}`), names given without a value (`- DB_PASSWORD`, passed through from
    the shell), names that point at a secret file (`POSTGRES_PASSWORD_FILE`) and values that are file
    paths (`GOOGLE_APPLICATION_CREDENTIALS: /run/secrets/gcp.json`) are not reported.

    ## Why is this bad?
    The compose file is committed: the secret is in the repository's history for everyone with read
    access, is copied into every clone and CI log, and cannot be rotated without a commit. Use
    `${VAR}` substitution from an untracked `.env` file, `env_file:`, or compose `secrets:`.

    ## Known limits
    Apart from URL passwords and random-looking `*_KEY` values, only the variable name says what is
    secret: a token under a neutral name (`BOT_CONFIG: sk-...`) is not found. A `${VAR:-default}` substitution
    is not reported even when its default is a real secret. Environments shared through YAML anchors
    and merge keys are not followed. Compose files under a tests directory are skipped, and so are those whose
    opening comment says they are for local development only (`# Local development only: docker compose up`,
    `# Not used in any deployed environment`; also `# Compose stack for local development`, `# Dev setup`,
    `# Do not use in production`, when the comment names no production or staging host, or names one only after a
    first line that says the file is for development: `# Local development stack`, then `# Production runs on
    Kubernetes`):
    a file that says so and is deployed all the same is missed.
    """

    id = "CFG005"
    kinds = frozenset({FileKind.compose})
    EXAMPLE_PATH = "docker-compose.yml"
    VALID = (
        """
services:
  db:
    image: postgres:16.3
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}  # ok: CFG005
  api:
    image: registry.example.com/api:1.8.2
    env_file: .env
    environment:
      - DATABASE_HOST=db
      - STRIPE_API_KEY  # ok: CFG005
      - JWT_SECRET_FILE=/run/secrets/jwt  # ok: CFG005
      - GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json  # ok: CFG005
      - BROKER_URL=amqp://guest:guest@rabbitmq:5672//  # ok: CFG005
      - REPORTS_DB_URL=postgresql://reports:${REPORTS_DB_PASSWORD}@db/reports  # ok: CFG005
      - CACHE_KEY=user-profile-v2  # ok: CFG005
      - MAX_TOKENS=4096
    secrets:
      - jwt
""",
        # A stack whose opening comment says it is for local development (and speaks of no deployed host).
        """
# Compose stack for local development: docker compose up --build
services:
  db:
    image: postgres:16.3-alpine
    environment:
      POSTGRES_PASSWORD: devpassword  # ok: CFG005
""",
        # A stack that says it is for `docker compose up` on a laptop: its passwords are throwaway values.
        """
# Local development only: `docker compose up`, then http://localhost:8080.
services:
  db:
    image: postgres:16.3-alpine
    environment:
      POSTGRES_PASSWORD: devpassword  # ok: CFG005
""",
        """
# Local development stack: API and Postgres. Not used in any deployed environment.
services:
  db:
    image: postgres:16.3-alpine
    environment:
      POSTGRES_PASSWORD: dispatch-dev  # ok: CFG005
""",
        # The first comment line says what the file is; the next says where production runs instead.
        """
# Local development stack: Postgres and MinIO standing in for S3.
# Production runs on Kubernetes (see k8s/deployment.yaml).
services:
  minio:
    image: minio/minio:RELEASE.2024-07-16T23-46-41Z
    environment:
      MINIO_ROOT_PASSWORD: minio-dev-password  # ok: CFG005
""",
    )
    INVALID = (
        # A production file that points elsewhere for local development is still deployed.
        """
# Production stack on the office VM. For local development use compose.dev.yml.
services:
  db:
    image: postgres:16.3-alpine
    environment:
      POSTGRES_PASSWORD: Tr0ub4dor-prod  # expect: CFG005
""",
        """
services:
  db:
    image: postgres:16.3
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: "s3cr3t-pass"  # expect: CFG005
  api:
    build: .
    environment:
      - DATABASE_HOST=db
      - DJANGO_SECRET_KEY=9x!k2@m4q7w1e8r5  # expect: CFG005
      - SENDGRID_API_KEY=SG.a1b2c3d4  # expect: CFG005
""",
        """
services:
  worker:
    image: registry.example.com/worker:3.1.0
    environment: {AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, AWS_REGION: eu-west-1}  # expect: CFG005
  uploader:
    image: registry.example.com/uploader:1.2.0
    environment: {AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE}  # ok: CFG005
""",
        """
services:
  api:
    image: registry.example.com/billing-api:2.4.0
    environment:
      INVOICE_DB_URL: postgresql://billing:Wq8-invoices-77@billing-db:5432/billing  # expect: CFG005
      WEBHOOK_SIGNING_KEY: whsk-live-a81  # expect: CFG005
      SESSION_KEY: 4f0c9a7e2d1b8c6a5e3f7d9b1a0c2e4f  # expect: CFG005
      SMTP_PASSWORDS: mail-relay-Pw-19  # expect: CFG005
""",
    )

    def run(self) -> None:
        if self.ctx.is_test or declared_development_only(self.ctx.text):
            return
        for service_name, service in compose_services(self.ctx.text):
            environment = service.get("environment")
            if environment is None:
                continue
            if environment.kind == "map":
                pairs = [(key, value.text if value.kind == "scalar" else "", environment.key_lines[key])
                         for key, value in environment.entries.items()]
            elif environment.kind == "seq":
                pairs = []
                for item in environment.items:
                    if item.kind == "scalar" and "=" in item.text:
                        key, _, value = item.text.partition("=")
                        pairs.append((key.strip(), value.strip().strip("\"'"), item.line))
            else:
                continue
            for key, value, line in pairs:
                found = literal_secret(key, value)
                if found == "literal":
                    self.report_line(line, f"Service `{service_name}` sets `{key}` to a literal value: the secret "
                                           "is committed with the compose file, visible to everyone with the "
                                           "repository and impossible to rotate without a commit.")
                elif found == "url":
                    self.report_line(line, f"Service `{service_name}` sets `{key}` to a URL with a literal "
                                           "password: the credential is committed with the compose file and "
                                           "cannot be rotated without a commit.")
