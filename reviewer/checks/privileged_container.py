"""CFG002: a privileged container, or one allowed to escalate privileges."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import CONTAINER_LISTS, compose_services, containers
from reviewer.findings import FileKind

_CONSEQUENCES = {
    "privileged": "a compromise of the container is a compromise of the node",
    "allowPrivilegeEscalation": "a process can gain root through setuid binaries despite the other restrictions",
}


class PrivilegedContainer(LineCheck):
    """`privileged: true` or `allowPrivilegeEscalation: true` on a container.

    ## What it does
    In Kubernetes manifests, reports a container's `securityContext` that sets `privileged: true` or
    `allowPrivilegeEscalation: true` (on `containers`, `initContainers` and `ephemeralContainers` of
    the workload kinds). In compose files, reports a service with `privileged: true`. The finding is
    on the line of the setting.

    ## Why is this bad?
    A privileged container has every capability and sees the host's devices: a compromise of the
    application is a compromise of the node and of every other workload on it.
    `allowPrivilegeEscalation: true` lets a process gain more privileges than its parent (setuid
    binaries), which undoes `runAsNonRoot` and dropped capabilities. Grant only the specific
    capabilities needed (`capabilities.add`) and set `allowPrivilegeEscalation: false`.

    ## Known limits
    Host namespaces (`hostPID`, `hostNetwork`, `hostIPC`) and added capabilities (`SYS_ADMIN`,
    `cap_add: [ALL]`) are not reported: they are often deliberate for node agents and belong to a
    review of the workload's purpose. Node agents (CNI plugins, storage drivers) that genuinely need
    privileged mode are still reported; suppress them inline with the reason. Values set through
    templates, aliases or merge keys are not seen. Files under a tests directory are skipped.
    """

    id = "CFG002"
    kinds = frozenset({FileKind.kubernetes, FileKind.compose})
    EXAMPLE_PATH = "deploy/api-deployment.yaml"
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
        securityContext:
          privileged: false  # ok: CFG002
          allowPrivilegeEscalation: false  # ok: CFG002
          capabilities:
            drop: ["ALL"]
""",
        """
apiVersion: v1
kind: ConfigMap
metadata:
  name: notes
data:
  readme: |
    privileged: true
""",
    )
    INVALID = (
        """
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-agent
spec:
  template:
    spec:
      containers:
        - name: agent
          image: registry.example.com/log-agent:0.4.0
          securityContext:
            privileged: true  # expect: CFG002
""",
        """
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
  - name: shell
    image: busybox:1.36
    securityContext: {allowPrivilegeEscalation: true, runAsNonRoot: true}  # expect: CFG002
""",
    )

    def run(self) -> None:
        if self.ctx.is_test:
            return
        if self.ctx.kind == FileKind.compose:
            for name, service in compose_services(self.ctx.text):
                setting = service.get("privileged")
                if setting is not None and setting.is_true():
                    self.report_line(service.key_lines["privileged"], f"Service `{name}` runs privileged: a "
                                                                      "compromise of the container is a compromise "
                                                                      "of the host.")
            return
        for container in containers(self.ctx.text, (*CONTAINER_LISTS, "ephemeralContainers")):
            context = container.node.get("securityContext")
            if context is None or context.kind != "map":
                continue
            for key, consequence in _CONSEQUENCES.items():
                setting = context.get(key)
                if setting is not None and setting.is_true():
                    self.report_line(context.key_lines[key], f"Container `{container.name}` sets `{key}: true`: "
                                                             f"{consequence}.")
