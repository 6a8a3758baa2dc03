"""DeZero step 51: MNIST through a transform and a DataLoader (synthetic MNIST-shaped data),
a ReLU MLP trained with Adam."""

import sys

import torch
import torch.nn.functional as F
from common import FakeMNIST, NumpyShuffle, mnist_transform, numpy_init
from torch import nn, optim
from torch.utils.data import DataLoader

max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 3
batch_size, hidden_size = 100, 100

train_set = FakeMNIST(train=True, transform=mnist_transform)
test_set = FakeMNIST(train=False, n=200, transform=mnist_transform)
x, t = train_set[0]
print(type(x).__name__, x.shape, x.dtype, t)
train_loader = DataLoader(train_set, batch_size, sampler=NumpyShuffle(len(train_set)))
test_loader = DataLoader(test_set, batch_size, shuffle=False)

model = numpy_init(
    nn.Sequential(
        nn.Linear(784, hidden_size),
        nn.ReLU(),
        nn.Linear(hidden_size, hidden_size),
        nn.ReLU(),
        nn.Linear(hidden_size, 10),
    )
)
optimizer = optim.Adam(model.parameters(), lr=0.001)

for epoch in range(max_epoch):
    sum_loss, sum_acc = 0.0, 0.0
    for x, t in train_loader:
        y = model(x)
        loss = F.cross_entropy(y, t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sum_loss += loss.item() * len(t)
        sum_acc += (y.argmax(1) == t).sum().item()
    print(f"epoch: {epoch + 1}")
    print(f"train loss: {sum_loss / len(train_set):.4f}, accuracy: {sum_acc / len(train_set):.4f}")
    model.eval()
    with torch.no_grad():
        correct = sum((model(x).argmax(1) == t).sum().item() for x, t in test_loader)
    model.train()
    print(f"test accuracy: {correct / len(test_set):.4f}")
