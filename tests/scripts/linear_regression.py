"""Linear regression with nn.Linear, MSELoss and SGD, written for PyTorch; prints the fitted line.

Run it with `python linear_regression.py` (torch) or `python -m mini_autograd linear_regression.py`.
"""

import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
x = torch.linspace(-1, 1, 100).unsqueeze(1)
y = 3.0 * x - 0.5 + 0.01 * torch.sin(17 * x)  # a line with a small deterministic wiggle

model = nn.Linear(1, 1)
optimizer = optim.SGD(model.parameters(), lr=0.1)
criterion = nn.MSELoss()

for step in range(500):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()

w, b = model.weight.item(), model.bias.item()
print(f"weight {w:.3f}  bias {b:.3f}  loss {loss.item():.2e}")
