"""DeZero step 52: the same MNIST training on a GPU if there is one (here: the CPU line)."""

import time

import torch
import torch.nn.functional as F
from common import FakeMNIST, NumpyShuffle, mnist_transform, numpy_init
from torch import nn, optim
from torch.utils.data import DataLoader

device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device, torch.device(device))

max_epoch, batch_size = 2, 100
train_set = FakeMNIST(train=True, transform=mnist_transform)
train_loader = DataLoader(train_set, batch_size, sampler=NumpyShuffle(len(train_set)))
model = numpy_init(nn.Sequential(nn.Linear(784, 100), nn.Sigmoid(), nn.Linear(100, 10)))
model.to(device)
optimizer = optim.SGD(model.parameters(), lr=0.1)
print("parameters on", {str(p.device) for p in model.parameters()})

for epoch in range(max_epoch):
    start = time.time()
    sum_loss = 0.0
    for x, t in train_loader:
        x, t = x.to(device), t.to(device)
        loss = F.cross_entropy(model(x), t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sum_loss += loss.item() * len(t)
    elapsed_time = time.time() - start
    assert elapsed_time >= 0
    print(f"epoch: {epoch + 1}, loss: {sum_loss / len(train_set):.4f}")
