"""SEC005: a secret value written into a Kubernetes manifest's container `env` or a ConfigMap."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import CONTAINER_LISTS, containers, is_templated, literal_secret, yaml_documents
from reviewer.findings import FileKind


class SecretInManifestEnv(LineCheck):
    """A literal secret in a Kubernetes container's `env` (`value:`) or in a ConfigMap's `data`.

    ## What it does
    For each container of a workload (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob...), reads
    its `env` list and reports an entry whose `name` looks like a secret (`*_PASSWORD`, `*_SECRET`,
    `*_TOKEN`, `*_API_KEY`, `*_SIGNING_KEY`...) and whose `value` is a non-empty literal, an entry named
    `*_KEY` whose value is a long random-looking string, and an entry whose value is a URL with a
    literal password. A ConfigMap's `data` entries are judged the same way. The finding is on the
    line of the value. `valueFrom` (`secretKeyRef`, `configMapKeyRef`), `$(VAR)` references and file
    paths are not reported.

    ## Why is this bad?
    The manifest is committed: the secret is in the repository's history, in every clone, and in the
    cluster's objects for anyone who can read pods or ConfigMaps (which is far more people than can
    read Secrets). It cannot be rotated without a commit. Put it in a Secret (or an external secret
    store) and reference it with `valueFrom.secretKeyRef`.

    ## Known limits
    Only the variable's name says what is secret, apart from URL passwords and random-looking `*_KEY`
    values. Helm and other templated manifests (`{{ ... }}`) are skipped. `envFrom` is not followed.
    Manifests under a tests directory are skipped.
    """

    id = "SEC005"
    kinds = frozenset({FileKind.kubernetes})
    EXAMPLE_PATH = "k8s/deployment.yaml"
    VALID = (
        """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.8.2
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {name: api-db, key: url}
            - name: JWT_SIGNING_KEY  # ok: SEC005
              valueFrom:
                secretKeyRef: {name: api-jwt, key: key}
            - name: TOKEN_FILE
              value: /var/run/secrets/api/token  # ok: SEC005
            - name: MAX_TOKENS
              value: "4096"
            - name: REDIS_URL
              value: redis://cache:6379/0  # ok: SEC005
""",
    )
    INVALID = (
        """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.8.2
          env:
            - name: JWT_SIGNING_KEY
              value: "b7f1c9e04d2a6f8e3c5b9a1d7e2f4c6a0d8e6f2b"  # expect: SEC005
            - name: DATABASE_URL
              value: postgresql://api:Wq8-prod-77@db:5432/api  # expect: SEC005
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  LOG_LEVEL: info
  SMTP_PASSWORD: mail-relay-Pw-19  # expect: SEC005
""",
    )

    def run(self) -> None:
        if self.ctx.is_test or is_templated(self.ctx.text):
            return
        for container in containers(self.ctx.text, (*CONTAINER_LISTS, "ephemeralContainers")):
            env = container.node.get("env")
            if env is None or env.kind != "seq":
                continue
            for entry in env.items:
                value = entry.get("value") if entry.kind == "map" else None
                if value is None or value.kind != "scalar":
                    continue
                self._judge(entry.scalar("name") or "", value.text, value.line,
                            f"Container `{container.name}`")
        for document in yaml_documents(self.ctx.text):
            if document.kind != "map" or document.scalar("kind") != "ConfigMap":
                continue
            data = document.get("data")
            if data is None or data.kind != "map":
                continue
            name = document.scalar("metadata", "name") or "?"
            for key, value in data.entries.items():
                if value.kind == "scalar":
                    self._judge(key, value.text, data.key_lines[key], f"ConfigMap `{name}`")

    def _judge(self, name: str, value: str, line: int, where: str) -> None:
        if "$(" in value:
            return  # `$(OTHER_VAR)`: Kubernetes substitutes another variable
        found = literal_secret(name, value)
        if found == "literal":
            self.report_line(line, f"{where} sets `{name}` to a literal value: the secret is committed with the "
                                   "manifest and readable by anyone who can read the object; reference a Secret "
                                   "with `valueFrom.secretKeyRef`.")
        elif found == "url":
            self.report_line(line, f"{where} sets `{name}` to a URL with a literal password: the credential is "
                                   "committed with the manifest; reference a Secret instead.")
