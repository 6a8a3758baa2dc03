"""DeZero step 54: dropout in training (inverted: kept values scaled by 1/(1-p)), test mode."""

import torch
import torch.nn.functional as F
from common import Spiral, numpy_init
from torch import nn, optim

x = torch.ones(10000)
y = F.dropout(x, p=0.5, training=True)
print(
    "train mode: values",
    sorted(set(y.tolist())),
    "kept about",
    round(y.bool().float().mean().item(), 1),
)
y = F.dropout(x, p=0.5, training=False)
print("test mode: unchanged", torch.equal(y, x))

model = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Dropout(0.5), nn.Linear(10, 3))
numpy_init(model)
print("training:", model.training, [m.training for m in model])
model.eval()
print("after eval():", model.training, [m.training for m in model])
data = Spiral(train=True)
inputs, targets = torch.tensor(data.data), torch.tensor(data.label)
with torch.no_grad():
    a, b = model(inputs), model(inputs)
print("eval mode is deterministic:", torch.equal(a, b))
print(f"eval loss: {F.cross_entropy(a, targets).item():.5f}")
model.train()
optimizer = optim.SGD(model.parameters(), lr=0.5)
for _ in range(5):
    loss = F.cross_entropy(model(inputs), targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
with torch.no_grad():
    a, b = model(inputs), model(inputs)
print("train mode differs between calls:", not torch.equal(a, b))
