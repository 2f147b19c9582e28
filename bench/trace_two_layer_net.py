"""Benchmark: the tracer on the book's TwoLayerNet 784-50-10, batch 100, one forward + backward.

    python3 bench/trace_two_layer_net.py [--runs 7] [--python PYTHON]

Times, as the extension would see it, from starting `python3 python/backprop_trace.py` to the trace
file written and the process gone (the script: build the net, one net.gradient(x, t)), with the
numerical check on (the default) and off (--no-check), beside the same script run by plain Python.
Prints the median and the min/max of --runs runs each, interleaved, the CPU time (user + system
of the process; fairer than wall time on a machine shared with busy processes) and the trace's size.
BLAS runs on one thread (OPENBLAS_NUM_THREADS=1), as in bench/numpy_peer.py.
Not part of npm test (figures belong to the machine; see bench/README.md).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACER = os.path.join(ROOT, "python", "backprop_trace.py")
LAYERS = os.path.join(ROOT, "examples", "python", "layers.py")

SCRIPT = '''
from collections import OrderedDict
import numpy as np
from layers import Affine, Relu, SoftmaxWithLoss


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = 1
        dout = self.lastLayer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}


np.random.seed(0)
net = TwoLayerNet(784, 50, 10)
x_batch = np.random.rand(100, 784)
t_batch = np.eye(10)[np.random.randint(0, 10, 100)]
grads = net.gradient(x_batch, t_batch)
'''


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--python", default=sys.executable)
    opts = p.parse_args()
    work = tempfile.mkdtemp(prefix="bench-trace-")
    try:
        shutil.copy(LAYERS, os.path.join(work, "layers.py"))
        script = os.path.join(work, "two_layer_net_784.py")
        with open(script, "w") as f:
            f.write(SCRIPT)
        out = os.path.join(work, "trace.json")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        modes = {
            "plain python (no tracer)": [opts.python, script],
            "tracer, numeric check on": [opts.python, TRACER, "--out", out, script],
            "tracer, --no-check": [opts.python, TRACER, "--out", out, "--no-check", script],
        }
        times = {m: [] for m in modes}
        cpu = {m: [] for m in modes}
        info = {}
        for _ in range(opts.runs):
            for mode, cmd in modes.items():
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                subprocess.run(cmd, cwd=work, env=env, check=True, stdout=subprocess.DEVNULL)
                times[mode].append(time.perf_counter() - t0)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[mode].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
                if mode.startswith("tracer"):
                    with open(out) as f:
                        doc = json.load(f)
                    checks = [e.get("numeric", {}) for e in doc["events"] if e["kind"] == "backward"]
                    info[mode] = "%d calls, %.1f MB, checks ok: %s" % (
                        doc["calls"], os.path.getsize(out) / 1e6, [c.get("ok") for c in checks] if checks else "-")
        versions = subprocess.check_output([opts.python, "-c", "import sys, numpy; print(sys.version.split()[0], numpy.__version__)"], universal_newlines=True).split()
        print("TwoLayerNet 784-50-10, batch 100, one net.gradient(); Python %s, numpy %s; %d runs each; load average %s" % (
            versions[0], versions[1], opts.runs, " ".join("%.2f" % x for x in os.getloadavg())))
        for mode, ts in times.items():
            print("  %-26s wall median %5.0f ms (min %4.0f, max %4.0f), CPU median %5.0f ms  %s" % (
                mode, 1000 * statistics.median(ts), 1000 * min(ts), 1000 * max(ts), 1000 * statistics.median(cpu[mode]), info.get(mode, "")))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
