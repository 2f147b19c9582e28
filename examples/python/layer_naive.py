"""The two simplest layers of chapter 5, written as the book does: a multiply node and an add node.

Each layer keeps what its backward needs from its forward (the multiply node keeps both inputs).
"""


class MulLayer:
    """out = x * y; backward sends dout times the *other* input to each input."""

    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        out = x * y
        return out

    def backward(self, dout):
        dx = dout * self.y  # the inputs swap places
        dy = dout * self.x
        return dx, dy


class AddLayer:
    """out = x + y; backward passes dout on unchanged to both inputs."""

    def __init__(self):
        pass

    def forward(self, x, y):
        out = x + y
        return out

    def backward(self, dout):
        dx = dout * 1
        dy = dout * 1
        return dx, dy
