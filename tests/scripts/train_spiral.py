"""DeZero's spiral classifier (step 48) written for PyTorch: a 2-10-3 MLP trained with SGD.

Run it with `python train_spiral.py` (torch) or `python -m mini_autograd train_spiral.py`.
"""

import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim


def get_spiral(seed=1984, n=100, classes=3):
    """DeZero's spiral: `classes` arms of n noisy points each."""
    rng = np.random.RandomState(seed)
    x = np.zeros((n * classes, 2), dtype=np.float32)
    t = np.zeros(n * classes, dtype=np.int64)
    for j in range(classes):
        for i in range(n):
            rate = i / n
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            x[i * classes + j] = np.array([radius * np.sin(theta), radius * np.cos(theta)])
            t[i * classes + j] = j
    return x, t


class MLP(nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.l1 = nn.Linear(2, hidden_size)
        self.l2 = nn.Linear(hidden_size, 3)

    def forward(self, x):
        return self.l2(torch.sigmoid(self.l1(x)))


max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 300
batch_size, lr = 30, 1.0
torch.manual_seed(0)
x, t = get_spiral()
model = MLP(10)
optimizer = optim.SGD(model.parameters(), lr=lr)
rng = np.random.default_rng(0)

for epoch in range(max_epoch):
    order = rng.permutation(len(x))
    sum_loss = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        inputs, targets = torch.from_numpy(x[batch]), torch.from_numpy(t[batch])
        loss = F.cross_entropy(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sum_loss += loss.item() * len(batch)
    if (epoch + 1) % 30 == 0:
        with torch.no_grad():
            accuracy = model(torch.from_numpy(x)).argmax(dim=1) == torch.from_numpy(t)
            accuracy = accuracy.float().mean().item()
        print(f"epoch {epoch + 1:3d}  loss {sum_loss / len(x):.4f}  accuracy {accuracy:.1%}")
