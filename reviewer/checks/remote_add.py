"""CTR004: a Dockerfile `ADD` that downloads from a URL without a checksum."""

from __future__ import annotations

import re

from reviewer.checks._base import LineCheck
from reviewer.checks._files import parse_dockerfile
from reviewer.findings import FileKind

_REMOTE = re.compile(r"^(https?|ftp)://", re.IGNORECASE)


class RemoteAdd(LineCheck):
    """`ADD https://...` in a Dockerfile without `--checksum=`.

    ## What it does
    Reports `ADD` instructions whose source is an `http://`, `https://` or `ftp://` URL, unless the
    instruction pins the download with `--checksum=sha256:...`. Flags before the sources
    (`--chown=`, `--chmod=`) are understood; JSON-form sources (`ADD ["https://...", "/x"]`) too.
    The finding is on the line holding the URL, which in a continued instruction may not be the first.

    ## Why is this bad?
    The build trusts whatever the server returns at build time: a compromised or changed upstream
    file goes straight into the image, builds are not reproducible, and `ADD` keeps no record of what
    was fetched. Download with `curl` and verify a checksum in a `RUN` step, or use
    `ADD --checksum=sha256:...`.

    ## Known limits
    Git sources (`ADD git@...` or `https://...git#ref`) are treated like any URL. A `RUN curl ...`
    without verification is not this check's concern. Test fixtures under a tests directory are
    skipped.
    """

    id = "CTR004"
    kinds = frozenset({FileKind.dockerfile})
    EXAMPLE_PATH = "Dockerfile"
    VALID = (
        """
FROM debian:bookworm-slim
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://github.com/tini/releases/download/v0.19.0/tini /tini # ok: CTR004
ADD ./config /etc/app/ # ok: CTR004
COPY https-proxy.conf /etc/ # ok: CTR004
""",
    )
    INVALID = (
        """
FROM debian:bookworm-slim
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini # expect: CTR004
RUN chmod +x /tini
""",
        """
FROM python:3.12-slim
ADD --chown=app:app \\
    http://downloads.example.com/models/classifier.onnx /models/ # expect: CTR004
""",
        """
FROM alpine:3.20
ADD ["https://example.com/releases/agent.tar.gz", "/opt/"] # expect: CTR004
""",
    )

    def run(self) -> None:
        if self.ctx.is_test:
            return
        for instruction in parse_dockerfile(self.ctx.text).instructions:
            if instruction.keyword != "ADD":
                continue
            flags, words = instruction.flags_and_words()
            if "checksum" in flags:
                continue
            sources = [w.strip("[]\",'") for w in words]
            url = next((s for s in sources if _REMOTE.match(s)), None)
            if url is not None:
                self.report_line(instruction.line_of(url), f"`ADD {url}` downloads at build time with no checksum: "
                                                   "whatever the server returns goes into the image unverified.")
