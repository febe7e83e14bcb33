"""SEC004: deserializers that can run code from the data they read."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import has_star_kwargs, keyword
from reviewer.checks._security import SecurityCheck, call_name, first_arg, is_false, is_true
from reviewer.findings import Confidence

_PICKLE_MODULES = ("pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal")
# Always able to run code from the data.
_UNSAFE = frozenset(
    [f"{module}.{fn}" for module in _PICKLE_MODULES for fn in ("load", "loads", "Unpickler")]
    + ["yaml.unsafe_load", "yaml.unsafe_load_all", "jsonpickle.decode", "jsonpickle.unpickler.decode",
       "pandas.read_pickle", "shelve.open", "joblib.load", "sklearn.externals.joblib.load"]
)
# Usually loads the project's own artifact from disk: still code execution if the file is swapped.
_ARTIFACT_LOADERS = frozenset({"joblib.load", "sklearn.externals.joblib.load", "pandas.read_pickle", "shelve.open"})
_YAML_LOAD = frozenset({"yaml.load", "yaml.load_all"})
_YAML_FULL = frozenset({"yaml.full_load", "yaml.full_load_all"})
# Loaders that only build plain data; anything else (Loader, CLoader, UnsafeLoader, FullLoader) builds objects.
_SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
_CALL_NAMES = frozenset({q.rsplit(".", 1)[1] for q in _UNSAFE | _YAML_LOAD | _YAML_FULL} | {"load"})


# Celery's setting for the content types its workers deserialize (old upper-case name and new lower-case one).
_ACCEPT_CONTENT_NAMES = frozenset({"celery_accept_content", "accept_content"})
_PICKLE_CONTENT = frozenset({"pickle", "application/x-python-serialize"})


def _names_pickle(value: cst.BaseExpression) -> bool:
    """A list, tuple or set of content types with pickle in it."""
    if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return False
    return any(isinstance(el.value, cst.SimpleString) and el.value.evaluated_value in _PICKLE_CONTENT
               for el in value.elements)


class UnsafeDeserialization(SecurityCheck):
    """A deserializer that can run code from the data it reads.

    ## What it does
    Reports `pickle`/`cPickle`/`_pickle`/`dill`/`cloudpickle`/`marshal` `load`, `loads` and `Unpickler`,
    `shelve.open`, `jsonpickle.decode`, `pandas.read_pickle`, `joblib.load`, `yaml.unsafe_load`,
    `yaml.full_load`, `yaml.load` without a safe loader (`Loader=yaml.SafeLoader`, `CSafeLoader`,
    `BaseLoader`; `FullLoader`, `Loader` and `UnsafeLoader` are reported), `torch.load` without
    `weights_only=True`, `numpy.load(..., allow_pickle=True)`, and a Celery configuration whose accepted
    content includes pickle (`CELERY_ACCEPT_CONTENT = ["json", "pickle"]`, `accept_content=[...]`).

    ## Why is this bad?
    Unpickling runs whatever callable the data names (`os.system` included): anyone who can write the
    bytes — a request body, a cache entry, an uploaded model, a file in a shared bucket — runs code in the
    process. `yaml.load` with a full loader builds arbitrary Python objects the same way. Use JSON or
    `yaml.safe_load` for data, `torch.load(..., weights_only=True)` or safetensors for weights, and sign
    anything that must be pickled.

    ## Known limits
    The source of the bytes is not judged: loading a model file the service wrote itself is reported too
    (with medium confidence for `joblib`, `torch`, `read_pickle` and `shelve`, which mostly load local
    artifacts). `torch.load` without `weights_only` is safe from torch 2.6 on; it is reported with medium
    confidence because older versions default to full unpickling. A loader passed as a variable that does
    not resolve to an import is not judged. Test files are skipped.
    """

    id = "SEC004"
    VALID = (
        """
import json
import yaml

def load_settings(path):
    with open(path) as fh:
        settings = yaml.safe_load(fh)  # ok: SEC004
    with open(path) as fh:
        more = yaml.load(fh, Loader=yaml.SafeLoader)  # ok: SEC004
    return settings, more, json.loads('{"a": 1}')
""",
        """
import torch

def load_weights(model, path):
    state = torch.load(path, map_location="cpu", weights_only=True)  # ok: SEC004
    model.load_state_dict(state)
    return model
""",
        """
import yaml
try:
    from yaml import CSafeLoader as Loader
except ImportError:
    from yaml import SafeLoader as Loader

def read_manifest(text):
    return yaml.load(text, Loader=Loader)  # ok: SEC004
""",
        """
import json

def read_event(body: bytes):
    return json.load(body)  # ok: SEC004
""",
    )
    INVALID = (
        """
import pickle
from flask import Flask, request

app = Flask(__name__)

@app.post("/jobs")
def submit_job():
    job = pickle.loads(request.get_data())  # expect: SEC004
    return {"queued": job.id}
""",
        """
import yaml

def load_pipeline(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.FullLoader)  # expect: SEC004

def load_legacy(text):
    return yaml.load(text)  # expect: SEC004
""",
        """
import joblib
import torch

def load_models(model_dir):
    classifier = joblib.load(f"{model_dir}/classifier.joblib")  # expect: SEC004
    encoder = torch.load(f"{model_dir}/encoder.pt", weights_only=False)  # expect: SEC004
    return classifier, encoder
""",
        """
import cPickle as pickle
import jsonpickle
import redis

cache = redis.Redis()

def cached_session(key):
    raw = cache.get(key)
    return pickle.loads(raw) if raw else jsonpickle.decode(cache.get(key + ":json"))  # expect: SEC004
""",
        # Workers that accept pickle unpickle what is on the broker; JSON only is the near-miss.
        """
from celery import Celery

CELERY_TASK_SERIALIZER = "pickle"
CELERY_ACCEPT_CONTENT = ["json", "pickle"]  # expect: SEC004

app = Celery("shop")
app.conf.update(task_serializer="json", accept_content=["json"])  # ok: SEC004
""",
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        # `CELERY_ACCEPT_CONTENT = ["json", "pickle"]` in Django settings, `app.conf.accept_content = [...]`.
        if self.ctx.is_test:
            return
        for target in node.targets:
            name = target.target.value if isinstance(target.target, cst.Name) else (
                target.target.attr.value if isinstance(target.target, cst.Attribute) else "")
            if name.lower() in _ACCEPT_CONTENT_NAMES and _names_pickle(node.value):
                self._report_accepted(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test:
            return
        accepted = keyword(node, "accept_content")  # `app.conf.update(accept_content=["pickle", "json"])`
        if accepted is not None and _names_pickle(accepted.value):
            self._report_accepted(accepted.value)
        if call_name(node) not in _CALL_NAMES:
            return
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            return
        short = qualified.replace("().", ".")
        if qualified in _UNSAFE:
            confidence = Confidence.medium if qualified in _ARTIFACT_LOADERS else None
            self.report(node, f"`{short}` can run code named in the data it reads: whoever can write those bytes "
                              "runs code in this process.", confidence=confidence)
        elif qualified in _YAML_LOAD:
            self._judge_yaml(node, short)
        elif qualified in _YAML_FULL:
            self.report(node, f"`{short}` builds Python objects named in the document: a crafted YAML file can "
                              "create objects the code never meant to load.", confidence=Confidence.medium)
        elif qualified == "torch.load":
            self._judge_torch(node)
        elif qualified == "numpy.load":
            allow = keyword(node, "allow_pickle")
            if allow is not None and is_true(allow.value):
                self.report(node, "`numpy.load(allow_pickle=True)` unpickles object arrays: a crafted `.npy` "
                                  "file runs code in this process.")

    def _report_accepted(self, node: cst.CSTNode) -> None:
        self.report(node, "Celery workers that accept `pickle` unpickle every message they take: whoever can "
                          "put a message on the broker runs code in the workers. Accept `json` only.")

    def _judge_yaml(self, node: cst.Call, short: str) -> None:
        loader = first_arg(node, "Loader", position=1)
        if loader is None:
            if has_star_kwargs(node):
                return
            self.report(node, f"`{short}` without a safe `Loader` builds arbitrary Python objects from the "
                              "document (code execution on old PyYAML, a TypeError on 6.x).")
            return
        name = self.ctx.qualify(loader) or ""
        if not name.startswith("yaml."):
            return  # a loader we cannot resolve: do not guess
        if name.rsplit(".", 1)[1] in _SAFE_YAML_LOADERS:
            return
        self.report(node, f"`{short}` with `{name}` builds Python objects named in the document: a crafted YAML "
                          "file can run code in this process.")

    def _judge_torch(self, node: cst.Call) -> None:
        weights_only = keyword(node, "weights_only")
        if weights_only is not None and is_false(weights_only.value):
            self.report(node, "`torch.load(weights_only=False)` unpickles the file: a crafted checkpoint runs "
                              "code in this process.")
        elif weights_only is None and not has_star_kwargs(node):
            self.report(node, "`torch.load` without `weights_only=True` unpickles the whole file on torch < 2.6: "
                              "a crafted checkpoint runs code in this process.", confidence=Confidence.medium)
