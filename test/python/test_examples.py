"""The tracer on the examples in examples/python: names, numbers, the gradient check, micrograd."""
import os
import unittest

from tracehelp import EXAMPLES, run_tracer


def example(name, **kw):
    return run_tracer(os.path.join(EXAMPLES, name), **kw)


class BuyApple(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = example("buy_apple_orange.py")

    def test_the_script_runs_and_its_output_is_kept(self):
        self.assertEqual(self.t.proc.returncode, 0, self.t.stderr)
        self.assertIn("price: 715", self.t.stdout)
        self.assertIsNone(self.t.doc["error"])

    def test_layers_are_named_after_their_variables_in_the_order_first_called(self):
        self.assertEqual([l["name"] for l in self.t.layers], ["mul_apple_layer", "mul_orange_layer", "add_apple_orange_layer", "mul_tax_layer"])
        self.assertEqual([l["class"] for l in self.t.layers], ["MulLayer", "MulLayer", "AddLayer", "MulLayer"])
        mul = self.t.layers[0]
        self.assertEqual(mul["module"], "layer_naive")
        self.assertEqual(mul["file"], os.path.join(EXAMPLES, "layer_naive.py"))
        self.assertEqual(mul["forwardParams"], ["x", "y"])
        with open(mul["file"]) as f:
            self.assertTrue(f.read().splitlines()[mul["classLine"] - 1].startswith("class MulLayer"))

    def test_events_run_in_script_order_with_edges_by_identity(self):
        ev = self.t.events
        self.assertEqual([(e["kind"], self.t.layers[e["layer"]]["name"]) for e in ev], [
            ("forward", "mul_apple_layer"), ("forward", "mul_orange_layer"), ("forward", "add_apple_orange_layer"),
            ("forward", "mul_tax_layer"), ("backward", "mul_tax_layer"), ("backward", "add_apple_orange_layer"),
            ("backward", "mul_orange_layer"), ("backward", "mul_apple_layer"),
        ])
        self.assertEqual([e["seq"] for e in ev], list(range(8)))
        # the add node's inputs are the two multiply nodes' outputs: the same value ids
        self.assertEqual(ev[2]["args"], {"x": ev[0]["result"], "y": ev[1]["result"]})
        self.assertEqual(ev[3]["args"]["x"], ev[2]["result"])
        # backward: mul_tax's dx is the dout of the add node
        self.assertEqual(ev[5]["dout"], ev[4]["result"][0])
        self.assertEqual(self.t.doc["calls"], 8)

    def test_values_have_the_students_names_and_numbers(self):
        def one(name):
            vs = self.t.named(name)
            self.assertEqual(len(vs), 1, name)
            return vs[0]

        expect = {"apple": 100, "apple_num": 2, "orange": 150, "orange_num": 3, "tax": 1.1, "apple_price": 200,
                  "orange_price": 450, "all_price": 650, "price": 715, "dprice": 1, "dall_price": 1.1, "dtax": 650,
                  "dapple": 2.2, "dapple_num": 110, "dorange": 3.3, "dorange_num": 165}
        for name, number in expect.items():
            v = one(name)
            self.assertAlmostEqual(v["data"][0], number, places=9, msg=name)
            self.assertEqual(v["shape"], [])
        self.assertEqual(one("apple")["dtype"], "int")
        self.assertEqual(one("tax")["dtype"], "float")
        self.assertEqual(one("apple")["origin"], {"kind": "arg", "layer": 0, "attr": "x", "event": 0})
        self.assertEqual(one("dprice")["origin"]["kind"], "dout")
        self.assertEqual(one("dtax")["origin"], {"kind": "grad", "layer": 3, "attr": "y", "event": 4})

    def test_call_sites_are_the_lines_and_columns_of_the_calls(self):
        path = os.path.join(EXAMPLES, "buy_apple_orange.py")
        with open(path) as f:
            lines = f.read().splitlines()
        for e in self.t.events:
            self.assertEqual(e["file"], path)
            text = lines[e["line"] - 1]
            name = self.t.layers[e["layer"]]["name"]
            self.assertEqual(text[e["column"] - 1:].split("(")[0], "%s.%s" % (name, e["kind"]))

    def test_every_backward_passes_the_numerical_check(self):
        for e in self.t.events:
            if e["kind"] == "backward":
                n = e["numeric"]
                self.assertIs(n["ok"], True, e)
                self.assertLess(n["maxRelError"], 1e-6)
                self.assertEqual(sorted(n["grads"]), ["x", "y"])
        tax = self.t.events[4]["numeric"]["grads"]
        self.assertAlmostEqual(self.t.data(tax["x"])[0], 1.1, places=6)
        self.assertAlmostEqual(self.t.data(tax["y"])[0], 650, places=4)
        self.assertEqual(self.t.value(tax["x"])["origin"]["kind"], "numeric")


class BuyAppleOnly(unittest.TestCase):
    def test_buy_apple(self):
        t = example("buy_apple.py")
        self.assertIn("price: 220", t.stdout)
        self.assertEqual(t.doc["calls"], 4)
        self.assertAlmostEqual(t.named("dtax")[0]["data"][0], 200)
        self.assertAlmostEqual(t.named("dapple_num")[0]["data"][0], 110)


class BuggyExample(unittest.TestCase):
    def test_the_buggy_multiply_layer_is_caught_where_the_comment_says(self):
        t = example("buggy_buy_apple_orange.py")
        backward = [e for e in t.events if e["kind"] == "backward"]
        verdict = [(t.layers[e["layer"]]["name"], e["numeric"]["ok"]) for e in backward]
        self.assertEqual(verdict, [("mul_tax_layer", False), ("add_apple_orange_layer", True),
                                   ("mul_orange_layer", False), ("mul_apple_layer", False)])
        first = backward[0]
        dx = t.data(first["result"][0])[0]
        self.assertAlmostEqual(dx, 650)  # "returned dx = 650 for input all_price"
        self.assertEqual(t.value(t.events[3]["args"]["x"])["name"], "all_price")  # mul_tax_layer's forward
        self.assertAlmostEqual(t.data(first["numeric"]["grads"]["x"])[0], 1.1, places=6)  # "dout · tax = 1.1"
        self.assertIn("dapple: 65000 dapple_num: 1300", t.stdout)
        with open(os.path.join(EXAMPLES, "buggy_buy_apple_orange.py")) as f:
            comment = f.read()
        self.assertIn("mul_tax_layer is the first mismatch", comment)
        self.assertIn("add_apple_orange_layer is NOT marked", comment)


class TwoLayerNetExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = example("two_layer_net.py")

    def test_the_numerical_gradient_loop_is_skipped(self):
        # 43 parameters, two loss evaluations each, four forward calls per loss evaluation
        self.assertEqual(self.t.doc["skipped"], {"reentrant": 43 * 2 * 4})
        self.assertEqual(self.t.doc["calls"], 8)
        self.assertIsNone(self.t.doc["truncated"])
        self.assertIn("W1:", self.t.stdout)

    def test_layers_are_named_by_their_dict_keys_and_attribute(self):
        self.assertEqual([l["name"] for l in self.t.layers], ["Affine1", "Relu1", "Affine2", "lastLayer"])
        self.assertEqual(self.t.layers[3]["forwardParams"], ["x", "t"])

    def test_parameters_are_named_by_the_nets_params_keys(self):
        a1, a2 = self.t.layers[0], self.t.layers[2]
        self.assertEqual(sorted(a1["params"]), ["W", "b"])
        self.assertEqual(self.t.value(a1["params"]["W"])["name"], "W1")
        self.assertEqual(self.t.value(a1["params"]["b"])["name"], "b1")
        self.assertEqual(self.t.value(a2["params"]["W"])["name"], "W2")
        self.assertEqual(self.t.value(a1["params"]["W"])["shape"], [4, 5])
        self.assertEqual(self.t.value(a1["params"]["W"])["origin"]["kind"], "param")
        self.assertEqual(self.t.named("x")[0]["shape"], [3, 4])
        self.assertEqual(self.t.named("t")[0]["shape"], [3, 3])

    def test_the_forward_chain_and_the_backward_chain(self):
        ev = self.t.events
        kinds = [(e["kind"], self.t.layers[e["layer"]]["name"]) for e in ev]
        self.assertEqual(kinds, [("forward", "Affine1"), ("forward", "Relu1"), ("forward", "Affine2"), ("forward", "lastLayer"),
                                 ("backward", "lastLayer"), ("backward", "Affine2"), ("backward", "Relu1"), ("backward", "Affine1")])
        for a, b in zip(ev[:3], ev[1:4]):
            self.assertEqual(b["args"]["x"], a["result"])
        for a, b in zip(ev[4:7], ev[5:8]):
            self.assertEqual(b["dout"], a["result"])
        self.assertEqual(self.t.value(ev[3]["args"]["x"])["name"], "y")  # y = self.predict(x)
        loss = self.t.value(ev[3]["result"])
        self.assertEqual((loss["dtype"], loss["shape"]), ("float64", []))  # numpy's scalar, not a Python float
        for e in ev[4:]:
            self.assertIs(e["numeric"]["ok"], True, e)
        self.assertEqual(sorted(ev[7]["paramGrads"]), ["W", "b"])
        self.assertEqual(self.t.value(ev[7]["paramGrads"]["W"])["shape"], [4, 5])
        self.assertEqual(self.t.value(ev[7]["paramGrads"]["b"])["shape"], [5])


class MicrogradExample(unittest.TestCase):
    def test_the_graph_reachable_from_loss(self):
        t = example("micrograd_expr.py")
        self.assertEqual(t.events, [])
        self.assertEqual(len(t.doc["micrograd"]), 1)
        m = t.doc["micrograd"][0]
        nodes = m["nodes"]
        self.assertEqual(m["root"], len(nodes) - 1)
        for n in nodes:
            self.assertTrue(all(p < n["id"] for p in n["prev"]), n)
        by = {n["name"]: n for n in nodes if n["name"]}
        self.assertEqual(set(by) >= {"x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "n", "y", "loss"}, True, sorted(by))
        self.assertEqual(by["loss"]["op"], "**2")
        self.assertEqual(by["y"]["op"], "tanh")
        self.assertEqual(by["x1w1"]["op"], "*")
        self.assertEqual(by["loss"]["grad"], 1.0)
        import math
        y = math.tanh(2.0 * 0.5 + -1.0 * 1.5 + 0.25)
        dn = 2 * (y - 1.0) * (1 - y * y)
        self.assertAlmostEqual(by["w1"]["grad"], dn * 2.0, places=12)
        self.assertAlmostEqual(by["b"]["grad"], dn, places=12)
        self.assertAlmostEqual(by["loss"]["data"], (y - 1.0) ** 2, places=12)
        with open(os.path.join(EXAMPLES, "micrograd_expr.py")) as f:
            lines = f.read().splitlines()
        self.assertTrue(lines[by["x1w1"]["line"] - 1].startswith("x1w1 = x1 * w1"))
        self.assertTrue(lines[m["line"] - 1].startswith("loss.backward()"))
        self.assertEqual(m["column"], 1)

    def test_a_graph_beyond_max_elements_is_left_out(self):
        t = example("micrograd_expr.py", tracer_args=["--max-elements", "5"])
        (m,) = t.doc["micrograd"]
        self.assertEqual((m["nodes"], m["omitted"]), ([], 13))
        self.assertEqual(t.doc["truncated"]["reason"], "max-elements")


if __name__ == "__main__":
    unittest.main()
