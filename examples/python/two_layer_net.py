"""A small two-layer net (section 5.7): Affine → Relu → Affine → SoftmaxWithLoss, 4-5-3 on a batch
of 3, seeded. One gradient by backpropagation, then the gradient check against the numerical
gradient. The tracer records the backprop calls and skips the numerical_gradient loop.

    python two_layer_net.py
"""
from collections import OrderedDict

import numpy as np

from layers import Affine, Relu, SoftmaxWithLoss


def numerical_gradient(f, x):
    """Central differences of f() with respect to every element of x (x is changed and restored)."""
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        keep = x[idx]
        x[idx] = keep + h
        fxh1 = f(x)
        x[idx] = keep - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = keep
        it.iternext()
    return grad


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

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731 (the book's style)
        grads = {}
        for key in ("W1", "b1", "W2", "b2"):
            grads[key] = numerical_gradient(loss_W, self.params[key])
        return grads

    def gradient(self, x, t):
        # forward
        self.loss(x, t)

        # backward
        dout = 1
        dout = self.lastLayer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)

        grads = {}
        grads["W1"], grads["b1"] = self.layers["Affine1"].dW, self.layers["Affine1"].db
        grads["W2"], grads["b2"] = self.layers["Affine2"].dW, self.layers["Affine2"].db
        return grads


if __name__ == "__main__":
    np.random.seed(0)
    net = TwoLayerNet(input_size=4, hidden_size=5, output_size=3, weight_init_std=0.5)
    x = np.random.randn(3, 4)
    t = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]])

    grad_backprop = net.gradient(x, t)
    grad_numerical = net.numerical_gradient(x, t)
    for key in ("W1", "b1", "W2", "b2"):
        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
        print(key + ":", "%.3e" % diff)  # about 1e-10 or smaller: backprop agrees
