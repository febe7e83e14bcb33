"""CTR002: a Dockerfile `FROM` whose image has no tag or the `latest` tag."""

from __future__ import annotations

from reviewer.checks._base import LineCheck
from reviewer.checks._files import parse_dockerfile, parse_image
from reviewer.findings import FileKind


class UnpinnedBaseImage(LineCheck):
    """A base image referenced without a version: no tag, or `:latest`.

    ## What it does
    Reports each `FROM` whose image has neither a digest (`@sha256:...`) nor a tag other than
    `latest`. `FROM scratch`, `FROM <earlier stage alias>` and the `--platform=` flag are understood.
    Build args declared before the first `FROM` are substituted with their defaults
    (`ARG PY=3.12` / `FROM python:${PY}-slim`); an image that depends on a build arg without a default
    is not reported, since the build supplies it.

    ## Why is this bad?
    `latest` is whatever the publisher pushed last. The same commit builds a different image next
    week: a new major version of the language runtime or the OS arrives unannounced, builds stop being
    reproducible, and a rollback rebuild does not give back the image that worked. Pin a version tag,
    or a digest for full reproducibility.

    ## Known limits
    A version tag is trusted even though tags can be moved (`python:3` floats across minor versions);
    only a digest is immutable. Text after the image and alias is ignored, as Docker ignores it.
    Test fixtures under a tests directory are skipped.
    """

    id = "CTR002"
    kinds = frozenset({FileKind.dockerfile})
    EXAMPLE_PATH = "Dockerfile"
    VALID = (
        """
ARG PY_VERSION=3.12
FROM --platform=$BUILDPLATFORM python:${PY_VERSION}-slim AS build # ok: CTR002
RUN pip wheel -w /wheels flask
FROM build AS test # ok: CTR002
RUN python -c "import flask"
FROM scratch # ok: CTR002
COPY --from=build /wheels /wheels
""",
        """
FROM nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac # ok: CTR002
COPY site/ /usr/share/nginx/html/
""",
        """
ARG BASE_IMAGE
FROM ${BASE_IMAGE} # ok: CTR002
FROM registry.internal:5000/platform/python:3.12.4 # ok: CTR002
""",
    )
    INVALID = (
        """
FROM python # expect: CTR002
COPY . /app
CMD ["python", "/app/main.py"]
""",
        """
FROM node:latest AS build # expect: CTR002
RUN npm ci && npm run build
FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
""",
        """
FROM --platform=linux/amd64 registry.internal:5000/base/runtime # expect: CTR002
ENTRYPOINT ["/app"]
""",
        """
ARG BASE=ubuntu:latest
FROM $BASE # expect: CTR002
""",
    )

    def run(self) -> None:
        if self.ctx.is_test:
            return
        aliases: set[str] = set()
        for stage in parse_dockerfile(self.ctx.text).stages:
            base = stage.base
            if base is not None and base.lower() != "scratch" and base.lower() not in aliases:
                image = parse_image(base)
                if image.floats:
                    version = "the `latest` tag" if image.tag else "no tag"
                    self.report_line(stage.start.line, f"Base image `{base}` has {version}: each build can "
                                                       "pull a different image, so builds are not reproducible "
                                                       "and a rebuild can break without any code change.")
            if stage.alias is not None:
                aliases.add(stage.alias)
