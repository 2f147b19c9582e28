"""Helpers for the tracer's tests: write a script into a temporary folder, trace it, read the JSON."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACER = os.path.join(ROOT, "python", "backprop_trace.py")
EXAMPLES = os.path.join(ROOT, "examples", "python")


def _strict_constant(name):
    raise ValueError("bare %s in the trace: the format writes non-finite numbers as strings" % name)


class Traced:
    def __init__(self, doc, proc):
        self.doc = doc
        self.proc = proc
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.values = doc["values"] if doc else []
        self.events = doc["events"] if doc else []
        self.layers = doc["layers"] if doc else []

    def value(self, vid):
        return self.values[vid]

    def data(self, vid):
        return self.values[vid]["data"]

    def named(self, name):
        return [v for v in self.values if v["name"] == name and v["origin"]["kind"] != "numeric"]

    def layer_named(self, name):
        found = [l for l in self.layers if l["name"] == name]
        assert len(found) == 1, (name, [l["name"] for l in self.layers])
        return found[0]

    def events_of(self, layer_name, kind=None):
        li = self.layer_named(layer_name)["id"]
        return [e for e in self.events if e["layer"] == li and (kind is None or e["kind"] == kind)]


def run_tracer(script, args=(), tracer_args=(), python=None, env=None, cwd=None, prefix=()):
    out_dir = tempfile.mkdtemp(prefix="trace-out-")
    try:
        out = os.path.join(out_dir, "trace.json")
        cmd = [python or sys.executable] + list(prefix) + [TRACER, "--out", out] + list(tracer_args) + [script] + list(args)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env, cwd=cwd or ROOT, timeout=120)
        doc = None
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                doc = json.loads(f.read(), parse_constant=_strict_constant)
        return Traced(doc, proc)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


class ScriptDir:
    """A temporary folder of scripts: ScriptDir({'main.py': '...', 'pkg/layers.py': '...'})."""

    def __init__(self, files):
        self.path = os.path.realpath(tempfile.mkdtemp(prefix="trace-script-"))
        for name, text in files.items():
            p = os.path.join(self.path, name)
            d = os.path.dirname(p)
            if not os.path.isdir(d):
                os.makedirs(d)
            with open(p, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(text).lstrip("\n"))

    def file(self, name):
        return os.path.join(self.path, name)

    def trace(self, name="main.py", **kw):
        return run_tracer(self.file(name), **kw)

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


LAYERS = os.path.join(EXAMPLES, "layers.py")
LAYER_NAIVE = os.path.join(EXAMPLES, "layer_naive.py")


def with_layers(files):
    """The examples' layers.py and layer_naive.py beside the given scripts."""
    out = dict(files)
    for p in (LAYERS, LAYER_NAIVE):
        with open(p, encoding="utf-8") as f:
            out.setdefault(os.path.basename(p), f.read())
    return ScriptDir(out)
