"""Two apples at 100 and three oranges at 150, then 10 % tax: price = 715 (section 5.4.2).

    python buy_apple_orange.py
"""
from layer_naive import AddLayer, MulLayer

apple = 100
apple_num = 2
orange = 150
orange_num = 3
tax = 1.1

mul_apple_layer = MulLayer()
mul_orange_layer = MulLayer()
add_apple_orange_layer = AddLayer()
mul_tax_layer = MulLayer()

# forward
apple_price = mul_apple_layer.forward(apple, apple_num)
orange_price = mul_orange_layer.forward(orange, orange_num)
all_price = add_apple_orange_layer.forward(apple_price, orange_price)
price = mul_tax_layer.forward(all_price, tax)

# backward, in the reverse order
dprice = 1
dall_price, dtax = mul_tax_layer.backward(dprice)
dapple_price, dorange_price = add_apple_orange_layer.backward(dall_price)
dorange, dorange_num = mul_orange_layer.backward(dorange_price)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)

print("price:", round(price, 6))  # 715
print("dapple_num:", round(dapple_num, 6), "dapple:", round(dapple, 6))  # 110 2.2
print("dorange:", round(dorange, 6), "dorange_num:", round(dorange_num, 6))  # 3.3 165
print("dtax:", round(dtax, 6))  # 650
