"""buy_apple_orange.py with a deliberate bug in the multiply layer, to see what the stepper shows.

The bug: MulLayer.backward multiplies dout by the input's *own* value instead of swapping the
inputs (dx = dout * x rather than dout * y). The price (715) is still right; every gradient is
wrong. What "Backprop: Trace Python File" shows:

- mul_tax_layer is the first mismatch, at its backward call: it returned dx = 650 for input
  all_price, where the multiply rule gives dout · tax = 1.1 (and dy = 1.1 for tax instead of 650).
- mul_orange_layer and mul_apple_layer (the same class) are marked too, later in the backward pass.
- add_apple_orange_layer is NOT marked: it passed on the wrong 650 it received unchanged, which is
  right for an add node; its only problem is the wrong dout from upstream.

    python buggy_buy_apple_orange.py
"""
from layer_naive import AddLayer


class MulLayer:
    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        dx = dout * self.x  # BUG: should be dout * self.y (the inputs swap places)
        dy = dout * self.y  # BUG: should be dout * self.x
        return dx, dy


apple = 100
apple_num = 2
orange = 150
orange_num = 3
tax = 1.1

mul_apple_layer = MulLayer()
mul_orange_layer = MulLayer()
add_apple_orange_layer = AddLayer()
mul_tax_layer = MulLayer()

apple_price = mul_apple_layer.forward(apple, apple_num)
orange_price = mul_orange_layer.forward(orange, orange_num)
all_price = add_apple_orange_layer.forward(apple_price, orange_price)
price = mul_tax_layer.forward(all_price, tax)

dprice = 1
dall_price, dtax = mul_tax_layer.backward(dprice)
dapple_price, dorange_price = add_apple_orange_layer.backward(dall_price)
dorange, dorange_num = mul_orange_layer.backward(dorange_price)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)

print("price:", round(price, 6))  # 715, as without the bug
print("dapple:", round(dapple, 6), "dapple_num:", round(dapple_num, 6))  # 65000 1300, not 2.2 110
print("dorange:", round(dorange, 6), "dorange_num:", round(dorange_num, 6), "dtax:", round(dtax, 6))
