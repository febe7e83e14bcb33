"""CFG001: a Kubernetes container with no memory limit."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import containers, is_kustomize_patch, is_templated
from reviewer.findings import FileKind


class ContainerWithoutLimits(LineCheck):
    """A Kubernetes container without `resources.limits.memory`.

    ## What it does
    Reads the workloads of a manifest (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
    CronJob, `kind: List` items; `---`-separated documents) and reports each entry of `containers`
    and `initContainers` whose `resources.limits` is missing or has no `memory`. The finding is on the
    container's first line, its `- name:` line in the usual layout. A CPU limit alone does not count,
    and a missing CPU limit is not reported: CPU limits are a throttling trade-off, memory limits are
    not.

    ## Why is this bad?
    A container with no memory limit can use all the memory of its node: one leak or one oversized
    request gets other pods on the node evicted or OOM-killed, and the scheduler cannot place pods
    sensibly. Set `resources.requests` and `resources.limits.memory` for every container.

    ## Known limits
    The YAML reader follows block style and simple flow style (`resources: {}`); a value set through
    an alias or merge key (`<<: *defaults`) is not followed and the container is not reported. Helm
    and other templated manifests (`{{ ... }}`) and kustomize patches (a path containing `patch`) are
    skipped, since the values come from elsewhere; a namespace `LimitRange` that supplies defaults is
    not seen. Custom resources (Argo Rollouts, Knative) are not read. Manifests under a tests
    directory are skipped.
    """

    id = "CFG001"
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
      containers:
        - name: api  # ok: CFG001
          image: registry.example.com/api:1.8.2
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits:
              memory: 512Mi
""",
        """
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report  # ok: CFG001
            image: registry.example.com/report:2.0.1
            resources: {limits: {memory: 1Gi, cpu: "1"}}
""",
        """
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  containers: "- name: not-a-container"
""",
    )
    INVALID = (
        """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  template:
    spec:
      initContainers:
      - name: migrate  # expect: CFG001
        image: registry.example.com/api:1.8.2
        command: ["python", "manage.py", "migrate"]
      containers:
      - name: api  # expect: CFG001
        image: registry.example.com/api:1.8.2
        ports:
        - containerPort: 8000
      - name: sidecar  # expect: CFG001
        image: envoyproxy/envoy:v1.30.1
        resources: {}
""",
        """
apiVersion: v1
kind: Service
metadata:
  name: worker
spec:
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: worker
spec:
  template:
    spec:
      containers:
        - name: worker  # expect: CFG001
          image: registry.example.com/worker:3.1.0
          resources:
            limits:
              cpu: 500m
""",
    )

    def run(self) -> None:
        if self.ctx.is_test or is_templated(self.ctx.text) or is_kustomize_patch(self.ctx.path):
            return
        for container in containers(self.ctx.text):
            resources = container.node.get("resources")
            if resources is not None and resources.kind not in ("map", "scalar"):
                continue  # an alias or flow value the reader does not follow
            limits = container.node.get("resources", "limits")
            if limits is not None and limits.kind == "opaque":
                continue
            if limits is None or limits.kind != "map":
                detail = "no resources.limits"
            elif "memory" not in limits.entries:
                detail = "limits without memory"
            else:
                continue
            self.report_line(container.line, f"Container `{container.name}` has {detail}: it can take all the "
                                             "node's memory, and a leak gets other pods on the node OOM-killed.")
