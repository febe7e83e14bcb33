"""CFG004: a manifest or compose file that deploys an untagged or `latest` image."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import CONTAINER_LISTS, compose_services, containers, is_substitution, parse_image
from reviewer.findings import FileKind


class LatestImageTag(LineCheck):
    """`image: app:latest` or `image: app` with no tag in a Kubernetes manifest or compose file.

    ## What it does
    Reports the `image:` line of each Kubernetes container (`containers`, `initContainers`,
    `ephemeralContainers` of the workload kinds) and of each compose service whose image has no
    digest and either no tag or the `latest` tag. Registry ports (`registry:5000/app`) are not taken
    for tags. A compose service that also has `build:` is not reported (unless its image names a registry
    host it is pushed to): there `image:` names the
    image compose builds locally. Images given through variables (`${IMAGE}`, `{{ .Values.image }}`)
    are not reported.

    ## Why is this bad?
    The same manifest deploys different code over time: each node pulls whatever `latest` pointed
    to when it started the pod, so replicas run different versions, a rollback re-deploys the broken
    image, and nobody can say what is running. Deploy an immutable version tag or a digest.

    ## Known limits
    A kustomize base whose image is retagged by `kustomization.yaml` (`images: newTag:`) is still
    reported, since the overlay is another file. Custom resources are not read. Files under a tests
    directory are skipped.
    """

    id = "CFG004"
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
        image: registry.example.com:5000/team/api:1.8.2  # ok: CFG004
      - name: proxy
        image: envoyproxy/envoy@sha256:3bf07c08f0e4b6c2d5c8f8d5bda3d7e1ba3a4a7c1b8a2a8bb0c1b4f8a2c3d4e5  # ok: CFG004
""",
        """
apiVersion: v1
kind: Pod
metadata:
  name: api
  labels:
    image: latest
spec:
  containers:
  - name: api
    image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"  # ok: CFG004
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
      initContainers:
      - name: migrate
        image: registry.example.com:5000/team/api  # expect: CFG004
      containers:
      - name: api
        image: registry.example.com:5000/team/api:latest  # expect: CFG004
""",
        """
apiVersion: batch/v1
kind: Job
metadata:
  name: backfill
spec:
  template:
    spec:
      containers:
      - {name: backfill, image: "python:latest", command: ["python", "-m", "backfill"]}  # expect: CFG004
""",
    )

    def run(self) -> None:
        if self.ctx.is_test:
            return
        if self.ctx.kind == FileKind.compose:
            for name, service in compose_services(self.ctx.text):
                image = service.scalar("image")
                # With `build:`, `image:` names what compose builds locally, unless it names a registry the build
                # is pushed to (`registry.example.com/app:latest`): the deploy then pulls whatever was last pushed.
                if "build" not in service.entries or (image and _names_registry(image)):
                    self._judge(image, service.key_lines.get("image"), f"Service `{name}`")
            return
        for container in containers(self.ctx.text, (*CONTAINER_LISTS, "ephemeralContainers")):
            self._judge(container.node.scalar("image"), container.node.key_lines.get("image"),
                        f"Container `{container.name}`")

    def _judge(self, image: str | None, line: int | None, owner: str) -> None:
        if not image or line is None or is_substitution(image) or "{{" in image:
            return
        ref = parse_image(image)
        if ref.floats:
            version = "the `latest` tag" if ref.tag else "no tag"
            self.report_line(line, f"{owner} deploys `{image}` with {version}: replicas can run different "
                                   "versions, and a rollback does not bring back the image that worked.")


def _names_registry(image: str) -> bool:
    """`registry.example.com/app`, `localhost:5000/app`: the first part of the name is a registry host."""
    first, slash, _rest = image.partition("/")
    return bool(slash) and ("." in first or ":" in first or first == "localhost")
