"""CFG002: a privileged container, or one allowed to escalate privileges."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import CONTAINER_LISTS, compose_services, containers, workloads
from reviewer.findings import FileKind

_CONSEQUENCES = {
    "privileged": "a compromise of the container is a compromise of the node",
    "allowPrivilegeEscalation": "a process can gain root through setuid binaries despite the other restrictions",
}
_HOST_NAMESPACES = {
    "hostNetwork": "it shares the node's network stack, so it can bind the node's ports and reach services "
                   "listening on the node's loopback",
    "hostPID": "it sees every process on the node and can signal or inspect them",
    "hostIPC": "it shares the node's shared memory with every other process there",
}
# Capabilities that amount to root on the node.
_BROAD_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "CAP_SYS_ADMIN"})


class PrivilegedContainer(LineCheck):
    """`privileged: true` or `allowPrivilegeEscalation: true` on a container.

    ## What it does
    In Kubernetes manifests, reports a container's `securityContext` that sets `privileged: true` or
    `allowPrivilegeEscalation: true` (on `containers`, `initContainers` and `ephemeralContainers` of
    the workload kinds), and one whose `capabilities.add` grants `ALL` or `SYS_ADMIN`. A pod spec that
    shares the node's namespaces (`hostNetwork`, `hostPID` or `hostIPC: true`) is reported too, except
    in a DaemonSet: node agents run as DaemonSets and often need them. In compose files, reports a
    service with `privileged: true`. The finding is on the line of the setting.

    ## Why is this bad?
    A privileged container has every capability and sees the host's devices: a compromise of the
    application is a compromise of the node and of every other workload on it.
    `allowPrivilegeEscalation: true` lets a process gain more privileges than its parent (setuid
    binaries), which undoes `runAsNonRoot` and dropped capabilities. Grant only the specific
    capabilities needed (`capabilities.add`) and set `allowPrivilegeEscalation: false`.

    ## Known limits
    Host namespaces in DaemonSets are not reported, since that is where node agents legitimately need
    them; a Deployment that really is a node-level agent is reported and needs a suppression with its
    reason. Compose files' `network_mode: host` and `pid: host` are not read (compose is
    mostly used for local development); their `cap_add` of `ALL` or `SYS_ADMIN` is. Capabilities other than `ALL` and `SYS_ADMIN` are not judged. Node agents (CNI plugins, storage drivers) that genuinely need
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
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  template:
    spec:
      hostNetwork: true  # ok: CFG002
      hostPID: true  # ok: CFG002
      containers:
        - name: exporter
          image: quay.io/prometheus/node-exporter:v1.8.1
          securityContext:
            capabilities:
              add: ["NET_BIND_SERVICE"]  # ok: CFG002
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
        """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingest
spec:
  template:
    spec:
      hostNetwork: true  # expect: CFG002
      containers:
        - name: ingest
          image: registry.example.com/ingest:1.2.0
          securityContext:
            capabilities:
              add: ["NET_BIND_SERVICE", "SYS_ADMIN"]  # expect: CFG002
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
                added = service.get("cap_add")
                if added is not None and added.kind == "seq":
                    for item in added.items:
                        if item.kind == "scalar" and item.text.upper().removeprefix("CAP_") in _BROAD_CAPABILITIES:
                            self.report_line(item.line, f"Service `{name}` adds the `{item.text}` capability: "
                                                        "nearly root on the host, for any compromise of the "
                                                        "container.")
            return
        for kind, spec in workloads(self.ctx.text):
            if kind == "DaemonSet":
                continue
            for key, consequence in _HOST_NAMESPACES.items():
                setting = spec.get(key)
                if setting is not None and setting.is_true():
                    self.report_line(spec.key_lines[key], f"This {kind}'s pods set `{key}: true`: {consequence}; "
                                                          "a compromise of the application reaches the node.")
        for container in containers(self.ctx.text, (*CONTAINER_LISTS, "ephemeralContainers")):
            context = container.node.get("securityContext")
            if context is None or context.kind != "map":
                continue
            added = context.get("capabilities", "add")
            if added is not None and added.kind == "seq":
                broad = sorted({item.text.upper() for item in added.items if item.kind == "scalar"} & _BROAD_CAPABILITIES)
                if broad:
                    line = context.get("capabilities").key_lines.get("add", added.line)
                    self.report_line(line, f"Container `{container.name}` adds the `{broad[0]}` capability: "
                                                 "that is root on the node in all but name.")
            for key, consequence in _CONSEQUENCES.items():
                setting = context.get(key)
                if setting is not None and setting.is_true():
                    self.report_line(context.key_lines[key], f"Container `{container.name}` sets `{key}: true`: "
                                                             f"{consequence}.")
