"""A scalar autograd value in the style of karpathy/micrograd, and one neuron's loss.

Every Value remembers the values it was made from (_prev), the operation (_op) and how to send
its gradient back to them (_backward); backward() visits the graph in reverse topological order.

    python micrograd_expr.py
"""
import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        assert isinstance(k, (int, float)), "only constant exponents"
        out = Value(self.data**k, (self,), "**%g" % k)

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    visit(child)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()

    def __repr__(self):
        return "Value(data=%g, grad=%g)" % (self.data, self.grad)


# one neuron: y = tanh(x1*w1 + x2*w2 + b), loss = (y - 1)**2
x1 = Value(2.0)
x2 = Value(-1.0)
w1 = Value(0.5)
w2 = Value(1.5)
b = Value(0.25)
x1w1 = x1 * w1
x2w2 = x2 * w2
n = x1w1 + x2w2 + b
y = n.tanh()
loss = (y - 1.0) ** 2
loss.backward()

print("loss:", round(loss.data, 6))
print("dw1:", round(w1.grad, 6), "dw2:", round(w2.grad, 6), "db:", round(b.grad, 6))
