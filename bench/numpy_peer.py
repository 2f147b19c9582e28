"""numpy peer for `npm run bench`: the same two-layer-net work as the engine, float64, one thread.

Started once by bench/index.ts; reads one JSON command per line on stdin and answers one JSON line
on stdout, so its turns interleave with the JavaScript implementations in the same bench run.
Commands: {"cmd": "info"}, {"cmd": "step", "reps": R}, {"cmd": "profile", "steps": S}, {"cmd": "gradcheck"},
{"cmd": "train", "iters": N}, {"cmd": "quit"}.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
import numpy as np  # noqa: E402  (thread limits must be set first)

I, H, O, N = 784, 50, 10, 100


class TwoLayerNet:
    """The book's TwoLayerNet; gradient() does forward + backward (no dx for the first layer,
    like the engine and tf.variableGrads)."""

    def __init__(self, seed=0, std=0.01):
        rng = np.random.default_rng(seed)
        self.p = {
            "W1": std * rng.standard_normal((I, H)),
            "b1": np.zeros(H),
            "W2": std * rng.standard_normal((H, O)),
            "b2": np.zeros(O),
        }

    def predict(self, x):
        a1 = x @ self.p["W1"] + self.p["b1"]
        z1 = np.maximum(a1, 0)
        return a1, z1, z1 @ self.p["W2"] + self.p["b2"]

    def loss(self, x, t):
        _, _, a2 = self.predict(x)
        y = softmax(a2)
        return -np.sum(np.log(y[np.arange(len(t)), t] + 1e-7)) / len(t)

    def gradient(self, x, t):
        n = len(t)
        a1, z1, a2 = self.predict(x)
        y = softmax(a2)
        loss = -np.sum(np.log(y[np.arange(n), t] + 1e-7)) / n
        dy = y.copy()
        dy[np.arange(n), t] -= 1
        dy /= n
        g = {"W2": z1.T @ dy, "b2": dy.sum(axis=0)}
        dz1 = dy @ self.p["W2"].T
        dz1[a1 <= 0] = 0
        g["W1"] = x.T @ dz1
        g["b1"] = dz1.sum(axis=0)
        return loss, g

    def gradient_profiled(self, x, t, times):
        """gradient(), statement by statement, appending each statement's ns to times[label]."""
        n = len(t)
        p = self.p
        marks = [("start", time.perf_counter_ns())]

        def mark(label):
            marks.append((label, time.perf_counter_ns()))
        xw = x @ p["W1"]; mark("x·W1")
        a1 = xw + p["b1"]; mark("+b1")
        z1 = np.maximum(a1, 0); mark("relu")
        zw = z1 @ p["W2"]; mark("z1·W2")
        a2 = zw + p["b2"]; mark("+b2")
        y = softmax(a2); mark("softmax")
        loss = -np.sum(np.log(y[np.arange(n), t] + 1e-7)) / n; mark("loss")
        dy = y.copy(); dy[np.arange(n), t] -= 1; dy /= n; mark("dy")
        gW2 = z1.T @ dy; mark("dW2 = z1ᵀ·dy")
        gb2 = dy.sum(axis=0); mark("db2")
        dz1 = dy @ p["W2"].T; mark("dz1 = dy·W2ᵀ")
        dz1[a1 <= 0] = 0; mark("relu backward")
        gW1 = x.T @ dz1; mark("dW1 = xᵀ·dz1")
        gb1 = dz1.sum(axis=0); mark("db1")
        for (label, t1), (_, t0) in zip(marks[1:], marks[:-1]):
            times.setdefault(label, []).append(t1 - t0)
        times.setdefault("step", []).append(marks[-1][1] - marks[0][1])
        return loss, {"W1": gW1, "b1": gb1, "W2": gW2, "b2": gb2}

    def numerical_gradient(self, x, t, h=1e-4):
        """The book's numerical_gradient: central difference over every parameter."""
        grads = {}
        for key, p in self.p.items():
            g = np.zeros_like(p)
            it = np.nditer(p, flags=["multi_index"], op_flags=["readwrite"])
            while not it.finished:
                idx = it.multi_index
                keep = p[idx]
                p[idx] = keep + h
                up = self.loss(x, t)
                p[idx] = keep - h
                down = self.loss(x, t)
                p[idx] = keep
                g[idx] = (up - down) / (2 * h)
                it.iternext()
            grads[key] = g
        return grads


def softmax(a):
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def synthetic(rows, seed):
    """MNIST-shaped synthetic data: 10 random prototypes in [0, 1] plus noise."""
    rng = np.random.default_rng(seed)
    protos = rng.random((O, I))
    t = rng.integers(0, O, rows)
    x = np.clip(0.6 * protos[t] + 0.4 * rng.random((rows, I)), 0, 1)
    return x, t


def main():
    x, t = synthetic(N, 1)
    net = TwoLayerNet(0)
    for _ in range(30):
        net.gradient(x, t)
    for line in sys.stdin:
        cmd = json.loads(line)
        c = cmd["cmd"]
        if c == "quit":
            break
        if c == "info":
            out = {"numpy": np.__version__, "python": sys.version.split()[0],
                   "threads": os.environ.get("OPENBLAS_NUM_THREADS")}
            try:
                cfg = np.show_config(mode="dicts")
                out["blas"] = cfg["Build Dependencies"]["blas"]["name"]
            except Exception:  # older numpy: no dict mode
                out["blas"] = None
        elif c == "step":
            us = []
            cpu0 = time.process_time_ns()
            for _ in range(cmd["reps"]):
                s = time.perf_counter_ns()
                net.gradient(x, t)
                us.append((time.perf_counter_ns() - s) / 1000)
            out = {"us": us, "cpuUsPerStep": (time.process_time_ns() - cpu0) / 1000 / cmd["reps"]}
        elif c == "profile":
            times = {}
            for _ in range(50):
                net.gradient_profiled(x, t, {})
            for _ in range(cmd["steps"]):
                net.gradient_profiled(x, t, times)
            med = {k: sorted(v)[len(v) // 2] / 1000 for k, v in times.items()}
            out = {"rows": [{"label": k, "medianUs": v} for k, v in med.items() if k != "step"], "stepUs": med["step"]}
        elif c == "gradcheck":
            gx, gt = synthetic(3, 2)
            gnet = TwoLayerNet(0)
            s = time.perf_counter_ns()
            c0 = time.process_time_ns()
            num = gnet.numerical_gradient(gx, gt)
            num_ms = (time.perf_counter_ns() - s) / 1e6
            num_cpu_ms = (time.process_time_ns() - c0) / 1e6
            batches = []
            for _ in range(50):
                s = time.perf_counter_ns()
                for _ in range(10):
                    _, bp = gnet.gradient(gx, gt)
                batches.append((time.perf_counter_ns() - s) / 1e6 / 10)
            bp_ms = sorted(batches)[len(batches) // 2]
            diff = max(float(np.max(np.abs(num[k] - bp[k]))) for k in num)
            out = {"numericalMs": num_ms, "numericalCpuMs": num_cpu_ms, "backpropMs": bp_ms, "maxAbsDiff": diff,
                   "params": int(sum(v.size for v in num.values()))}
        elif c == "train":
            tx, tt = synthetic(10000, 3)
            tnet = TwoLayerNet(0)
            rng = np.random.default_rng(4)
            iters = cmd["iters"]
            s = time.perf_counter_ns()
            c0 = time.process_time_ns()
            for _ in range(iters):
                idx = rng.choice(len(tt), N)
                loss, g = tnet.gradient(tx[idx], tt[idx])
                for k in tnet.p:
                    tnet.p[k] -= 0.1 * g[k]
            ms = (time.perf_counter_ns() - s) / 1e6
            cpu_ms = (time.process_time_ns() - c0) / 1e6
            _, _, a2 = tnet.predict(tx[:2000])
            acc = float(np.mean(a2.argmax(axis=1) == tt[:2000]))
            out = {"ms": ms, "cpuMs": cpu_ms, "iters": iters, "lastLoss": float(loss), "trainAcc": acc}
        else:
            out = {"error": "unknown command " + c}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
