"""CFG003: a Kubernetes container that may run as root."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import Node, containers, is_kustomize_patch, is_templated
from reviewer.findings import FileKind


class MissingRunAsNonRoot(LineCheck):
    """A workload container with neither `runAsNonRoot: true` nor a non-zero `runAsUser`.

    ## What it does
    For each entry of `containers` and `initContainers` of a Pod, Deployment, StatefulSet,
    DaemonSet, ReplicaSet, Job or CronJob, works out the effective `securityContext` (the
    container's setting wins over the pod's) and reports the container from its first line (its
    `- name:` line in the usual layout) to its `securityContext:` line, if it has one, when `runAsNonRoot` is not `true` and `runAsUser` is not a non-zero
    uid, or when `runAsUser` is `0`. When the pod has a securityContext without either setting and its
    containers do not set them, the pod's securityContext is reported once instead: one line there fixes
    every container.

    ## Why is this bad?
    Without these settings the container runs as whatever user its image declares, which is root for
    most images. A root process in a container is one kernel bug or one misconfigured mount away
    from the node, and it can rewrite everything in its own filesystem. `runAsNonRoot: true` makes
    the kubelet refuse to start a container that would run as root.

    ## Known limits
    The image's own `USER` is not read, so an image that already runs unprivileged is still
    reported when the manifest does not say so. Values set through aliases or merge keys are
    unknown and not reported. Helm and other templated manifests (`{{ ... }}`), kustomize patches
    (a path containing `patch`), custom resources and manifests under a tests directory are skipped.
    """

    id = "CFG003"
    kinds = frozenset({FileKind.kubernetes})
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
      securityContext:
        runAsNonRoot: true
        fsGroup: 2000
      containers:
      - name: api  # ok: CFG003
        image: registry.example.com/api:1.8.2
      - name: proxy  # ok: CFG003
        image: envoyproxy/envoy:v1.30.1
        securityContext:
          runAsUser: 101
""",
        """
apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
  - name: tool  # ok: CFG003
    image: registry.example.com/tool:1.0.0
    securityContext: {runAsUser: 10001, runAsGroup: 10001}
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
      - name: api  # expect: CFG003
        image: registry.example.com/api:1.8.2
        securityContext:
          readOnlyRootFilesystem: true
""",
        """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      initContainers:
        - name: fix-permissions  # expect: CFG003
          image: busybox:1.36
          securityContext:
            runAsNonRoot: false
      containers:
        - name: db  # ok: CFG003
          image: postgres:16.3
        - name: backup  # expect: CFG003
          image: registry.example.com/backup:0.3.0
          securityContext:
            runAsUser: 0
""",
        """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: meters-api
spec:
  template:
    spec:
      securityContext:  # expect: CFG003
        fsGroup: 2000
      containers:
        - name: api
          image: registry.example.com/meters-api:2.14.0
        - name: tunnel
          image: registry.example.com/wireguard:1.0.2
          securityContext:
            capabilities:
              drop: ["ALL"]
""",
    )

    def run(self) -> None:
        if self.ctx.is_test or is_templated(self.ctx.text) or is_kustomize_patch(self.ctx.path):
            return
        reported_pods: set[int] = set()
        for container in containers(self.ctx.text):
            pod_context = container.pod_spec.get("securityContext")
            verdict = _runs_as_root(pod_context, container.node.get("securityContext"))
            if verdict is not None and pod_context is not None and not _sets_user(container.node.get("securityContext")):
                # The pod has a securityContext without the setting and the container inherits it: one finding, on
                # the pod's securityContext, where one line fixes every container.
                if id(container.pod_spec) not in reported_pods:
                    reported_pods.add(id(container.pod_spec))
                    start = container.pod_spec.key_lines.get("securityContext")
                    end = max([start or 0, *(pod_context.key_lines.values() if pod_context.kind == "map" else [])])
                    self.report_line(start or container.line, f"The pod's securityContext {verdict}: its containers "
                                     "run as the image's user, root for most images, so a compromise owns the "
                                     "container and is one step from the node.", end_line=end or None)
                continue
            if verdict is not None:
                # The finding spans the container from its first line through its securityContext, where the fix goes.
                self.report_line(container.line, f"Container `{container.name}` {verdict}: it runs as the image's "
                                                 "user, root for most images, so a compromise owns the container "
                                                 "and is one step from the node.",
                                 end_line=_context_end(container.node))


def _sets_user(context: Node | None) -> bool:
    """The container's own securityContext says who it runs as (`runAsNonRoot` or `runAsUser`)."""
    return context is not None and context.kind == "map" and (
        context.get("runAsNonRoot") is not None or context.get("runAsUser") is not None)


def _context_end(container: Node) -> int | None:
    """The last line of the container's securityContext keys (`runAsUser: 0` is the line to change)."""
    context = container.get("securityContext")
    lines = [container.key_lines.get("securityContext")]
    if context is not None and context.kind == "map":
        lines += list(context.key_lines.values())
    found = [line for line in lines if line is not None]
    return max(found) if found else None


def _runs_as_root(pod: Node | None, container: Node | None) -> str | None:
    """Why the container may run as root, or None when the settings rule it out or cannot be read."""
    non_root: Node | None = None
    user: Node | None = None
    for context in (pod, container):  # the container's own setting overrides the pod's
        if context is None:
            continue
        if context.kind != "map":
            return None
        non_root = context.get("runAsNonRoot") or non_root
        user = context.get("runAsUser") or user
    if (non_root is not None and non_root.kind != "scalar") or (user is not None and user.kind != "scalar"):
        return None
    if user is not None and user.text == "0":
        return "sets `runAsUser: 0`"
    if non_root is not None and non_root.is_true():
        return None
    if user is not None and user.text.isdigit():
        return None
    if user is not None and not user.is_null:
        return None  # a value the reader cannot judge
    return "has no `runAsNonRoot: true` and no non-zero `runAsUser`"
