"""The tracer on small scripts written for one behaviour each (python/TRACE_FORMAT.md)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from tracehelp import ROOT, TRACER, ScriptDir, run_tracer, with_layers


class Case(unittest.TestCase):
    def trace(self, files, name="main.py", layers=True, **kw):
        d = with_layers(files) if layers else ScriptDir(files)
        self.addCleanup(d.close)
        t = d.trace(name, **kw)
        self.assertIsNotNone(t.doc, t.stderr)
        self.dir = d
        return t


class Graphs(Case):
    def test_fan_out_one_value_used_twice(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Relu, Sigmoid
            from layer_naive import MulLayer
            x = np.array([1.0, -2.0, 3.0])
            relu = Relu()
            sig = Sigmoid()
            square = MulLayer()
            a = relu.forward(x)
            b = sig.forward(x)
            c = square.forward(a, a)
            dx_a, dx_b = square.backward(np.ones(3))
        """})
        f = t.events
        self.assertEqual(f[0]["args"]["x"], f[1]["args"]["x"])
        self.assertEqual(t.value(f[0]["args"]["x"])["name"], "x")
        self.assertEqual(f[2]["args"]["x"], f[2]["args"]["y"])
        self.assertEqual(f[2]["args"]["x"], f[0]["result"])
        self.assertEqual(len(t.named("x")), 1)
        self.assertIs(f[3]["numeric"]["ok"], True)

    def test_a_layer_object_called_twice(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Sigmoid
            sig = Sigmoid()
            x1 = np.array([0.5, -1.0])
            x2 = np.array([2.0, 0.0])
            y1 = sig.forward(x1)
            d1 = sig.backward(np.ones(2))
            y2 = sig.forward(x2)
            d2 = sig.backward(np.array([1.0, 2.0]))
        """})
        self.assertEqual(len(t.layers), 1)
        self.assertEqual(t.layers[0]["name"], "sig")
        self.assertEqual([e["layer"] for e in t.events], [0, 0, 0, 0])
        self.assertEqual([e.get("forward") for e in t.events[1::2]], [0, 2])
        self.assertNotEqual(t.events[0]["result"], t.events[2]["result"])
        for e in t.events[1::2]:
            self.assertIs(e["numeric"]["ok"], True)
        # the second backward is checked against the second forward (x2), not the first
        import math
        s = [1 / (1 + math.exp(-2.0)), 0.5]
        numeric = t.data(t.events[3]["numeric"]["grads"]["x"])
        self.assertAlmostEqual(numeric[0], s[0] * (1 - s[0]), places=7)
        self.assertAlmostEqual(numeric[1], 2 * 0.25, places=7)

    def test_numpy_broadcasting_in_affine(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Affine
            np.random.seed(1)
            W = np.random.randn(3, 2)
            b = np.array([0.5, -0.5])
            affine = Affine(W, b)
            x = np.random.randn(4, 3)
            out = affine.forward(x)
            dx = affine.backward(np.random.randn(4, 2))
        """})
        fwd, bwd = t.events
        self.assertEqual(t.value(fwd["args"]["x"])["shape"], [4, 3])
        self.assertEqual(t.value(fwd["result"])["shape"], [4, 2])
        self.assertEqual(t.value(fwd["params"]["b"])["shape"], [2])
        self.assertEqual(t.value(fwd["params"]["W"])["name"], "W")
        self.assertEqual(t.value(bwd["paramGrads"]["b"])["shape"], [2])
        self.assertEqual(t.value(bwd["paramGrads"]["b"])["origin"]["attr"], "db")
        self.assertIs(bwd["numeric"]["ok"], True)
        self.assertEqual(sorted(bwd["numeric"]["grads"]), ["W", "b", "x"])

    def test_affine_whose_db_does_not_sum_over_the_batch_is_a_shape_mismatch(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Affine
            class BadAffine(Affine):
                def backward(self, dout):
                    dx = Affine.backward(self, dout)
                    self.db = dout  # BUG: b was broadcast over the batch
                    return dx
            affine = BadAffine(np.ones((3, 2)), np.zeros(2))
            out = affine.forward(np.ones((4, 3)))
            dx = affine.backward(np.ones((4, 2)))
        """})
        n = t.events[1]["numeric"]
        self.assertIs(n["ok"], False)
        self.assertEqual(n["shapes"], {"b": {"got": [4, 2], "expected": [2]}})
        self.assertEqual(n["errors"]["b"], "Infinity")
        self.assertLess(n["errors"]["W"], 1e-6)
        self.assertEqual(len([e for e in t.events if e["kind"] == "backward"]), 1)  # Affine.backward inside is the same call

    def test_parameters_are_the_arrays_forward_leaves_alone(self):
        t = self.trace({"main.py": """
            import numpy as np
            class Scale:
                def __init__(self):
                    self.w = np.array([2.0, 3.0])
                    self.x = np.zeros(2)
                    self.running = np.zeros(2)
                def forward(self, x):
                    self.x = x
                    self.running = 0.9 * self.running + 0.1 * x
                    return x * self.w
                def backward(self, dout):
                    self.dw = np.sum(dout * self.x, axis=0)
                    return dout * self.w
            s = Scale()
            y = s.forward(np.ones((3, 2)))
            dx = s.backward(np.ones((3, 2)))
        """}, layers=False)
        self.assertEqual(sorted(t.layers[0]["params"]), ["w"])  # not x, not running: forward replaced them
        self.assertEqual(t.events[0]["params"], t.layers[0]["params"])
        self.assertEqual(sorted(t.events[1]["paramGrads"]), ["w"])
        self.assertIs(t.events[1]["numeric"]["ok"], True)
        self.assertEqual(sorted(t.events[1]["numeric"]["grads"]), ["w", "x"])

    def test_relu_writes_into_dout_and_the_trace_keeps_a_copy(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Relu
            relu = Relu()
            x = np.array([1.0, -1.0, 2.0, -3.0])
            y = relu.forward(x)
            dout = np.array([10.0, 20.0, 30.0, 40.0])
            dx = relu.backward(dout)
            print(dout.tolist())
        """})
        self.assertIn("[10.0, 0.0, 30.0, 0.0]", t.stdout)  # the script saw the in-place write
        bwd = t.events[1]
        self.assertEqual(t.data(bwd["dout"]), [10.0, 20.0, 30.0, 40.0])
        self.assertNotEqual(bwd["result"], bwd["dout"])
        self.assertEqual(t.data(bwd["result"]), [10.0, 0.0, 30.0, 0.0])
        self.assertEqual(t.value(bwd["dout"])["name"], "dout")
        self.assertIs(bwd["numeric"]["ok"], True)
        self.assertEqual(t.value(t.events[0]["args"]["x"])["data"], [1.0, -1.0, 2.0, -3.0])

    def test_relu_at_exactly_zero_is_not_a_false_mismatch(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Relu
            relu = Relu()
            y = relu.forward(np.array([0.0, 1.0]))
            dx = relu.backward(np.ones(2))
        """})
        self.assertIs(t.events[1]["numeric"]["ok"], True)

    def test_a_composite_layer_records_its_inner_calls_with_their_parent(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Affine, Relu
            class Block:
                def __init__(self):
                    self.affine = Affine(np.eye(2), np.zeros(2))
                    self.relu = Relu()
                def forward(self, x):
                    return self.relu.forward(self.affine.forward(x))
                def backward(self, dout):
                    return self.affine.backward(self.relu.backward(dout))
            block = Block()
            y = block.forward(np.array([[1.0, -1.0]]))
            dx = block.backward(np.ones((1, 2)))
        """})
        names = [(t.layers[e["layer"]]["name"], e["kind"], e["parent"]) for e in t.events]
        self.assertEqual(names, [("block", "forward", None), ("affine", "forward", 0), ("relu", "forward", 0),
                                 ("block", "backward", None), ("relu", "backward", 3), ("affine", "backward", 3)])
        for e in t.events:
            if e["kind"] == "backward":
                self.assertIs(e["numeric"]["ok"], True, e)

    def test_forward_through_call(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Sigmoid
            class Layer(Sigmoid):
                def __call__(self, x):
                    return self.forward(x)
            act = Layer()
            out = act(np.zeros(2))
        """})
        (e,) = t.events
        self.assertEqual(t.layers[0]["name"], "act")
        self.assertEqual(t.value(e["result"])["name"], "out")
        self.assertEqual((e["line"], e["column"]), (7, 7))


class Numbers(Case):
    def test_int_and_float_leaves_and_two_interned_2s(self):
        t = self.trace({"main.py": """
            from layer_naive import MulLayer
            a = 2
            b = 2
            c = 2.5
            m = MulLayer()
            n = MulLayer()
            ab = m.forward(a, b)
            abc = n.forward(ab, c)
            lit = m.forward(3, 3)
        """})
        f0, f1, f2 = t.events
        self.assertNotEqual(f0["args"]["x"], f0["args"]["y"])
        self.assertEqual((t.value(f0["args"]["x"])["name"], t.value(f0["args"]["y"])["name"]), ("a", "b"))
        self.assertEqual(t.value(f0["args"]["x"])["dtype"], "int")
        self.assertEqual(t.value(f1["args"]["y"])["dtype"], "float")
        self.assertEqual(f1["args"]["x"], f0["result"])
        self.assertEqual(t.value(f0["result"])["data"], [4])
        self.assertNotEqual(f2["args"]["x"], f2["args"]["y"])  # literals are two leaves
        self.assertIsNone(t.value(f2["args"]["x"])["name"])

    def test_a_result_equal_to_a_small_leaf_is_a_new_value(self):
        t = self.trace({"main.py": """
            from layer_naive import MulLayer
            one = 1
            two = 2
            m = MulLayer()
            k = MulLayer()
            r = m.forward(one, two)
            s = k.forward(two, r)
        """})
        f0, f1 = t.events
        self.assertNotEqual(f0["result"], f0["args"]["y"])  # 1 * 2 is the interned 2, but a new value
        self.assertEqual(f1["args"]["x"], f0["args"]["y"])
        self.assertEqual(f1["args"]["y"], f0["result"])

    def test_json_is_valid_with_nan_and_infinity(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Sigmoid
            with np.errstate(all="ignore"):
                x = np.array([np.nan, np.inf, -np.inf, 1.0])
                s = Sigmoid()
                y = s.forward(x)
                d = s.backward(np.ones(4))
            print("done")
        """})
        self.assertIn("done", t.stdout)
        self.assertEqual(t.value(t.events[0]["args"]["x"])["data"], ["NaN", "Infinity", "-Infinity", 1.0])

    def test_arguments_that_are_not_numbers_have_no_value(self):
        t = self.trace({"main.py": """
            import numpy as np
            class Scale:
                def forward(self, x, label, train_flg=True):
                    self.k = 2.0 if train_flg else 1.0
                    return x * self.k
                def backward(self, dout):
                    return dout * self.k
            s = Scale()
            y = s.forward(np.ones(2), "hello")
            dx = s.backward(np.ones(2))
        """}, layers=False)
        f, b = t.events
        self.assertIsNone(f["args"]["label"])
        self.assertEqual(t.value(f["args"]["train_flg"])["dtype"], "bool")
        self.assertEqual(t.value(f["args"]["train_flg"])["data"], [1])
        self.assertIs(b["numeric"]["ok"], True)


class Checks(Case):
    def test_buggy_sigmoid_and_softmax_with_loss_are_caught_at_their_calls(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Sigmoid, SoftmaxWithLoss, softmax
            class BadSigmoid(Sigmoid):
                def backward(self, dout):
                    return dout * self.out  # BUG: forgot (1 - out)
            class BadLoss(SoftmaxWithLoss):
                def backward(self, dout=1):
                    return (self.y - self.t) * dout  # BUG: not divided by the batch size
            np.random.seed(0)
            sig = BadSigmoid()
            loss_layer = BadLoss()
            good = SoftmaxWithLoss()
            x = np.random.randn(3, 4)
            t = np.eye(4)[[0, 2, 1]]
            h = sig.forward(x)
            loss = loss_layer.forward(h, t)
            loss2 = good.forward(h, t)
            d2 = good.backward()
            dh = loss_layer.backward()
            dx = sig.backward(dh)
        """})
        verdict = [(t.layers[e["layer"]]["name"], e["numeric"]["ok"]) for e in t.events if e["kind"] == "backward"]
        self.assertEqual(verdict, [("good", True), ("loss_layer", False), ("sig", False)])
        sig = t.layer_named("sig")
        self.assertEqual((sig["class"], sig["file"], sig["classLine"]), ("BadSigmoid", self.dir.file("main.py"), 3))
        # SoftmaxWithLoss.backward returns only dx: t is not checked
        self.assertEqual(sorted(t.events[4]["numeric"]["grads"]), ["x"])
        self.assertEqual(t.value(t.events[4]["dout"])["data"], [1])

    def test_a_nondeterministic_forward_is_not_checked(self):
        t = self.trace({"main.py": """
            import numpy as np
            class Dropout:
                def forward(self, x):
                    self.mask = np.random.rand(*x.shape) > 0.5
                    return x * self.mask
                def backward(self, dout):
                    return dout * self.mask
            drop = Dropout()
            y = drop.forward(np.ones(50))
            dx = drop.backward(np.ones(50))
        """}, layers=False)
        n = t.events[1]["numeric"]
        self.assertIsNone(n["ok"])
        self.assertIn("not deterministic", n["reason"])

    def test_a_layer_that_cannot_be_copied_is_not_checked(self):
        t = self.trace({"main.py": """
            import threading
            class Locked:
                def __init__(self):
                    self.lock = threading.Lock()
                def forward(self, x):
                    return 2 * x
                def backward(self, dout):
                    return 2 * dout
            l = Locked()
            y = l.forward(3.0)
            dx = l.backward(1.0)
        """}, layers=False)
        n = t.events[1]["numeric"]
        self.assertIsNone(n["ok"])
        self.assertIn("deep-copied", n["reason"])

    def test_large_inputs_are_sampled_with_a_fixed_seed(self):
        files = {"main.py": """
            import numpy as np
            from layers import Affine
            np.random.seed(0)
            affine = Affine(np.random.randn(30, 20), np.zeros(20))
            y = affine.forward(np.random.randn(8, 30))
            dx = affine.backward(np.random.randn(8, 20))
        """}
        args = ["--check-evals", "100", "--check-seconds", "0"]  # not fewer on a busy machine
        t = self.trace(files, tracer_args=args)
        n = t.events[1]["numeric"]
        self.assertIs(n["ok"], True)
        self.assertEqual(n["sampled"], 50)
        self.assertEqual(sum(len(v) for v in n["indices"].values()), 50)
        self.assertEqual(len(n["indices"]["b"]), 16)  # 50 elements spread over 3 arrays, smallest first
        data = t.data(n["grads"]["W"])
        self.assertEqual(len(data), 600)
        checked = set(n["indices"]["W"])
        self.assertTrue(all((v == "NaN") == (i not in checked) for i, v in enumerate(data)))
        again = self.trace(files, tracer_args=args)
        self.assertEqual(again.events[1]["numeric"]["indices"], n["indices"])

    def test_the_check_does_not_change_what_the_script_prints_or_draws(self):
        files = {"main.py": """
            import random
            import numpy as np
            class Noisy:
                def forward(self, x):
                    print("forward", np.random.rand() > 2, random.random() > 2)
                    return 3 * x
                def backward(self, dout):
                    return 3 * dout
            np.random.seed(5)
            random.seed(5)
            layer = Noisy()
            y = layer.forward(np.ones(3))
            dx = layer.backward(np.ones(3))
            print("next draws", np.random.rand(), random.random())
        """}
        t = self.trace(files, layers=False)
        self.assertIs(t.events[1]["numeric"]["ok"], True)
        import subprocess as sp
        plain = sp.run([sys.executable, self.dir.file("main.py")], cwd=self.dir.path, stdout=sp.PIPE, universal_newlines=True)
        self.assertEqual(t.stdout, plain.stdout)
        self.assertEqual(t.stdout.count("forward"), 1)

    def test_only_the_first_backward_calls_of_a_layer_are_checked(self):
        t = self.trace({"main.py": """
            from layer_naive import MulLayer
            m = MulLayer()
            for i in range(7):
                y = m.forward(2.0, float(i))
                d = m.backward(1.0)
        """}, tracer_args=["--check-per-layer", "3"])
        oks = [e["numeric"]["ok"] for e in t.events if e["kind"] == "backward"]
        self.assertEqual(oks, [True, True, True, None, None, None, None])
        self.assertIn("--check-per-layer", t.events[-1]["numeric"]["reason"])

    def test_a_forward_that_depends_on_outside_state_is_not_checked(self):
        t = self.trace({"main.py": """
            SCALE = 2.0
            class Scaled:
                def forward(self, x):
                    return SCALE * x
                def backward(self, dout):
                    return 2.0 * dout
            s = Scaled()
            y = s.forward(3.0)
            SCALE = 5.0
            dx = s.backward(1.0)
        """}, layers=False)
        n = t.events[1]["numeric"]
        self.assertIsNone(n["ok"])
        self.assertIn("did not give the recorded result", n["reason"])

    def test_no_check(self):
        t = self.trace({"main.py": """
            from layer_naive import MulLayer
            m = MulLayer()
            y = m.forward(2.0, 3.0)
            d = m.backward(1.0)
        """}, tracer_args=["--no-check"])
        self.assertNotIn("numeric", t.events[1])


class Bounds(Case):
    def test_the_numerical_gradient_loop_of_a_students_own_function_is_skipped(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Sigmoid
            sig = Sigmoid()
            def numeric_grad(f, x, h=1e-4):
                g = np.zeros_like(x)
                for i in range(x.size):
                    keep = x[i]
                    x[i] = keep + h
                    a = f(x)
                    x[i] = keep - h
                    b = f(x)
                    x[i] = keep
                    g[i] = (a - b) / (2 * h)
                return g
            x = np.array([0.1, 0.2, 0.3])
            y = sig.forward(x)
            dx = sig.backward(np.ones(3))
            g = numeric_grad(lambda v: np.sum(sig.forward(v)), x)
        """})
        self.assertEqual(t.doc["skipped"], {"reentrant": 6})
        self.assertEqual(t.doc["calls"], 2)

    def test_truncation_at_max_calls(self):
        t = self.trace({"main.py": """
            from layer_naive import AddLayer
            add = AddLayer()
            total = 0
            for i in range(100):
                total = add.forward(total, i)
            print("total", total)
        """}, tracer_args=["--max-calls", "10"])
        self.assertIn("total 4950", t.stdout)
        self.assertEqual(t.doc["calls"], 10)
        self.assertEqual(len(t.events), 10)
        self.assertEqual(t.doc["truncated"]["reason"], "max-calls")

    def test_arrays_beyond_max_elements_keep_their_shape_and_a_summary(self):
        t = self.trace({"main.py": """
            import numpy as np
            from layers import Relu
            relu = Relu()
            small = relu.forward(np.array([1.0, -1.0]))
            big = relu.forward(np.arange(100.0).reshape(10, 10) - 50)
        """}, tracer_args=["--max-elements", "10", "--no-check"])
        self.assertEqual(t.doc["truncated"]["reason"], "max-elements")
        v = t.value(t.events[1]["args"]["x"])
        self.assertEqual(v["shape"], [10, 10])
        self.assertIsNone(v["data"])
        self.assertEqual(v["summary"], {"min": -50.0, "max": 49.0, "mean": -0.5})
        self.assertEqual(t.data(t.events[0]["args"]["x"]), [1.0, -1.0])

    def test_time_limit(self):
        t = self.trace({"main.py": """
            from layer_naive import AddLayer
            add = AddLayer()
            y = add.forward(1, 2)
            import time
            while True:
                time.sleep(0.05)
        """}, tracer_args=["--time-limit", "2"])
        self.assertEqual(t.proc.returncode, 0)
        self.assertEqual(t.doc["truncated"]["reason"], "time-limit")
        self.assertIsNone(t.doc["error"])
        self.assertEqual(t.doc["calls"], 1)


    def test_time_limit_when_the_script_ignores_keyboard_interrupt(self):
        t = self.trace({"main.py": """
            import time
            from layer_naive import AddLayer
            y = AddLayer().forward(1, 2)
            print("started", flush=True)
            while True:
                try:
                    time.sleep(10)
                except KeyboardInterrupt:
                    print("ignored")
        """}, tracer_args=["--time-limit", "2"])
        self.assertEqual(t.proc.returncode, 0)
        self.assertIn("ignored", t.stdout)
        self.assertEqual(t.doc["truncated"]["reason"], "time-limit")
        self.assertIn("did not react", t.doc["truncated"]["message"])
        self.assertEqual(t.doc["calls"], 1)


class Errors(Case):
    def test_a_script_that_raises_points_at_the_innermost_user_frame(self):
        t = self.trace({"main.py": """
            import numpy as np
            from helper import Broken
            b = Broken()
            y = b.forward(np.ones(2))
        """, "helper.py": """
            import numpy as np
            class Broken:
                def forward(self, x):
                    return np.dot(x, np.ones(3))
                def backward(self, dout):
                    return dout
        """}, layers=False)
        e = t.doc["error"]
        self.assertEqual(e["type"], "ValueError")
        self.assertEqual(e["file"], self.dir.file("helper.py"))
        self.assertEqual(e["line"], 4)
        self.assertEqual(e["column"], 16)
        self.assertIn("Traceback", e["traceback"])
        self.assertNotIn("backprop_trace", e["traceback"])
        self.assertEqual(t.events, [])  # the call raised: it did not happen
        self.assertIn("ValueError", t.stdout + t.stderr or e["traceback"])

    def test_zero_division_in_the_script(self):
        t = self.trace({"main.py": """
            x = 1
            y = x / 0
        """}, layers=False)
        e = t.doc["error"]
        self.assertEqual((e["type"], e["file"], e["line"], e["column"]), ("ZeroDivisionError", self.dir.file("main.py"), 2, 5))

    def test_a_syntax_error(self):
        t = self.trace({"main.py": "x = (1,\ny = 2\n"}, layers=False)
        e = t.doc["error"]
        self.assertEqual(e["type"], "SyntaxError")
        self.assertEqual(e["file"], self.dir.file("main.py"))
        self.assertIn(e["line"], (1, 2))

    def test_sys_exit(self):
        t = self.trace({"main.py": "import sys\nsys.exit(0)\n"}, layers=False)
        self.assertIsNone(t.doc["error"])
        t = self.trace({"main.py": "import sys\nsys.exit(4)\n"}, layers=False)
        self.assertEqual((t.doc["error"]["type"], t.doc["error"]["line"]), ("SystemExit", 2))

    def test_a_script_with_no_layers(self):
        t = self.trace({"main.py": """
            import numpy as np
            print(np.ones(2) * 3)
        """}, layers=False)
        self.assertEqual(t.proc.returncode, 0)
        self.assertEqual((t.events, t.layers, t.doc["micrograd"], t.doc["calls"]), ([], [], [], 0))
        self.assertIsNone(t.doc["error"])
        self.assertEqual(t.doc["version"], 1)

    def test_a_missing_script_and_bad_arguments(self):
        t = run_tracer(os.path.join(tempfile.gettempdir(), "no-such-script-9.py"))
        self.assertEqual(t.proc.returncode, 2)
        self.assertEqual(t.doc["error"]["type"], "FileNotFoundError")
        p = subprocess.run([sys.executable, TRACER, "x.py"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 2)

    def test_numpy_missing(self):
        d = ScriptDir({"fake/numpy/__init__.py": "raise ImportError('no numpy here')\n", "main.py": "print(1)\n"})
        self.addCleanup(d.close)
        env = dict(os.environ, PYTHONPATH=d.file("fake"))
        t = run_tracer(d.file("main.py"), env=env)
        self.assertEqual(t.proc.returncode, 3)
        self.assertIn("numpy is missing", t.stderr)
        self.assertEqual(t.doc["error"]["type"], "NumpyMissing")


class Running(Case):
    def test_cwd_sys_path_name_argv_and_output_streams(self):
        t = self.trace({"sub/main.py": """
            import json, os, sys
            from sibling import VALUE
            print(json.dumps({"cwd": os.getcwd(), "path0": sys.path[0], "name": __name__, "argv": sys.argv, "file": __file__, "v": VALUE}))
            sys.stderr.write("to stderr\\n")
        """, "sub/sibling.py": "VALUE = 42\n"}, name="sub/main.py", layers=False, args=["--flag", "7"])
        got = json.loads(t.stdout.strip().splitlines()[-1])
        folder = self.dir.file("sub")
        self.assertEqual(got["cwd"], folder)
        self.assertEqual(got["path0"], folder)
        self.assertEqual(got["name"], "__main__")
        self.assertEqual(got["argv"], [self.dir.file("sub/main.py"), "--flag", "7"])
        self.assertEqual(got["v"], 42)
        self.assertIn("to stderr", t.stderr)
        self.assertEqual(t.doc["script"], self.dir.file("sub/main.py"))

    def test_without_exact_positions_calls_are_found_by_line(self):
        # Python 3.8-3.10 have no co_positions: the tracer then matches the call by its line.
        d = with_layers({"main.py": """
            from layer_naive import MulLayer
            a = 2
            b = 3
            m = MulLayer()
            ab = m.forward(a,
                           b)
            da, db = m.backward(1.0)
        """})
        self.addCleanup(d.close)
        prefix = ["-c", "import sys; sys.path.insert(0, %r); import backprop_trace as t; t._position = lambda c, i: None; sys.argv = sys.argv[1:]; sys.exit(t.main())" % os.path.dirname(TRACER)]
        t = run_tracer(d.file("main.py"), prefix=prefix)
        self.assertIsNotNone(t.doc, t.stderr)
        f, b = t.events
        self.assertEqual((t.value(f["args"]["x"])["name"], t.value(f["args"]["y"])["name"]), ("a", "b"))
        self.assertEqual(t.value(f["result"])["name"], "ab")
        self.assertEqual([t.value(i)["name"] for i in b["result"]], ["da", "db"])
        self.assertEqual((f["line"], f["column"]), (5, 6))


if __name__ == "__main__":
    unittest.main()
