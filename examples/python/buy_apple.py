"""Two apples at 100 each, then 10 % tax: price = 220 (section 5.4.1).

    python buy_apple.py
"""
from layer_naive import MulLayer

apple = 100
apple_num = 2
tax = 1.1

mul_apple_layer = MulLayer()
mul_tax_layer = MulLayer()

# forward
apple_price = mul_apple_layer.forward(apple, apple_num)
price = mul_tax_layer.forward(apple_price, tax)

# backward, in the reverse order
dprice = 1
dapple_price, dtax = mul_tax_layer.backward(dprice)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)

print("price:", round(price, 6))  # 220
print("dapple:", round(dapple, 6), "dapple_num:", round(dapple_num, 6), "dtax:", round(dtax, 6))  # 2.2 110 200
