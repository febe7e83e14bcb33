"""SEC002: a shell command line built from variables."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import keyword
from reviewer.checks._security import (
    AssignmentTrackingCheck, built_or_input_labels, call_name, first_arg, is_true,
)

# Run their argument through a shell only when called with shell=True.
_SHELL_OPTIONAL = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                             "subprocess.Popen"})
# Always run their argument through a shell.
_ALWAYS_SHELL = frozenset({"os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "commands.getoutput",
                           "commands.getstatusoutput", "subprocess.getoutput", "subprocess.getstatusoutput",
                           "asyncio.create_subprocess_shell", "popen2.popen2", "popen2.popen3"})
_CALL_NAMES = frozenset(q.rsplit(".", 1)[1] for q in _SHELL_OPTIONAL | _ALWAYS_SHELL)
# Quoting a value for the shell makes it one word, whatever it contains.
_QUOTING_CALLS = frozenset({"quote", "shlex.quote", "pipes.quote", "shlex.join"})


class ShellCommandFromVariable(AssignmentTrackingCheck):
    """A shell command line built from variables.

    ## What it does
    Reports `os.system`, `os.popen`, `subprocess.getoutput`/`getstatusoutput`, `commands.*`,
    `asyncio.create_subprocess_shell`, and `subprocess.run`/`call`/`check_call`/`check_output`/`Popen`
    with `shell=True`, when the command string is built from variables (f-string, `%`, `+`, `.format`),
    directly or through one assignment in the same function, or is request input, or is returned by a
    module function of the same file that builds it from its arguments (`cmd = _ffmpeg_command(src, out)`).
    Values wrapped in `shlex.quote(...)`, module constants and numbers are allowed.

    ## Why is this bad?
    The shell reads the whole string as a script: a value with `;`, `$(...)`, a backtick or a space in it
    runs other commands or passes other arguments (command injection), or simply breaks on a filename
    with a space. An argument list without `shell=True` (`subprocess.run(["convert", path, out])`) passes
    each value as one argument and no shell ever parses it.

    ## Known limits
    A command that arrives as a function parameter and goes to the shell unchanged is not reported
    (wrappers such as `def sh(cmd): subprocess.run(cmd, shell=True)` are judged where they are called
    only if the command is built there). A `shell=` given as a variable or through `**kwargs` is not
    followed. Test files are skipped.
    """

    id = "SEC002"
    VALID = (
        """
import subprocess

def make_thumbnail(src_path: str, dest_path: str) -> None:
    subprocess.run(["convert", src_path, "-resize", "200x200", dest_path], check=True)  # ok: SEC002
""",
        """
import shlex
import subprocess

def archive(directory: str, name: str) -> str:
    cmd = f"tar czf {shlex.quote(name)}.tgz -C {shlex.quote(directory)} ."
    return subprocess.check_output(cmd, shell=True, text=True)  # ok: SEC002
""",
        """
import os

BACKUP_DIR = "/var/backups"

def rotate_backups(days: int):
    os.system("find /var/backups -mtime +7 -delete")  # ok: SEC002
    os.system(f"find {BACKUP_DIR} -mtime +{int(days)} -delete")  # ok: SEC002
""",
        """
import subprocess

def git_log(repo: str, limit: int):
    return subprocess.run(f"git -C {repo} log -n {limit}".split(), capture_output=True)  # ok: SEC002
""",
    )
    INVALID = (
        """
import subprocess

def _ffmpeg_command(source, target, watermark):
    filters = f"drawtext=text='{watermark}'"
    return f"ffmpeg -y -i {source} -vf \\"{filters}\\" {target}"

def transcode(source, target, watermark):
    cmd = _ffmpeg_command(source, target, watermark)
    subprocess.run(cmd, shell=True, check=True)  # expect: SEC002
""",
        """
import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.post("/ping")
def ping():
    host = request.form["host"]
    out = subprocess.check_output(f"ping -c 1 {host}", shell=True)  # expect: SEC002
    return out
""",
        """
import os

def convert(upload_path, fmt):
    os.system("ffmpeg -i " + upload_path + " out." + fmt)  # expect: SEC002
""",
        """
import subprocess

def resize(path, width):
    cmd = "convert {} -resize {}x {}".format(path, width, path)
    proc = subprocess.Popen(cmd, shell=True)  # expect: SEC002
    return proc.wait()
""",
        """
from os import popen
import subprocess

def disk_usage(folder):
    usage = popen("du -sh %s" % folder).read()  # expect: SEC002
    status, out = subprocess.getstatusoutput(f"ls -la {folder}")  # expect: SEC002
    return usage, out
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Module functions that return a command line built from their inputs, and shell calls given their result.
        self._builders: set[str] = set()
        self._builder_calls: list[tuple[cst.Call, str, str]] = []

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test or call_name(node) not in _CALL_NAMES:
            return
        qualified = self.ctx.qualify(node.func)
        if qualified in _SHELL_OPTIONAL:
            shell = keyword(node, "shell")
            if shell is None or not is_true(shell.value):
                return
        elif qualified not in _ALWAYS_SHELL:
            return
        command = first_arg(node, "args") or first_arg(node, "cmd") or first_arg(node, "command")
        if command is None:
            return
        labels = self._unsafe_labels(command)
        if labels:
            self.report(node, f"The shell command is built from {labels} and run by `{qualified}`: a `;`, `$(...)` "
                              "or space in the value runs other commands (command injection).")
            return
        assignments = self.assignments_here()
        sources = [command] if not isinstance(command, cst.Name) or assignments is None else (
            assignments.get(command.value) or [])
        for source in sources:
            if isinstance(source, cst.Call) and isinstance(source.func, cst.Name):
                self._builder_calls.append((node, source.func.value, qualified or ""))

    def visit_Return(self, node: cst.Return) -> None:
        fn = self.ctx.function
        if fn is None or node.value is None or self.ctx.is_test or self.ctx.class_stack:
            return
        if self._unsafe_labels(node.value):
            self._builders.add(fn.name.value)

    def leave_Module(self, original_node: cst.Module) -> None:
        for call, builder, sink in self._builder_calls:
            if builder in self._builders:
                self.report(call, f"`{builder}(...)` returns a shell command built from its arguments and `{sink}` "
                                  "runs it: a `;`, `$(...)` or space in a value runs other commands (command "
                                  "injection).")

    def _unsafe_labels(self, command: cst.BaseExpression) -> str | None:
        return built_or_input_labels(command, self.assignments_here(), constants=self.constants,
                                     safe_calls=_QUOTING_CALLS)
