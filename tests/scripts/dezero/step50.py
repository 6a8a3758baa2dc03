"""DeZero step 50: DataLoader over train and test sets, loss and accuracy per epoch."""

import sys

import torch
import torch.nn.functional as F
from common import NumpyShuffle, Spiral, numpy_init
from torch import nn, optim
from torch.utils.data import DataLoader

max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 30
batch_size, hidden_size, lr = 30, 10, 1.0

train_set, test_set = Spiral(train=True), Spiral(train=False)
train_loader = DataLoader(train_set, batch_size, sampler=NumpyShuffle(len(train_set)))
test_loader = DataLoader(test_set, batch_size, shuffle=False)
model = numpy_init(
    nn.Sequential(nn.Linear(2, hidden_size), nn.Sigmoid(), nn.Linear(hidden_size, 3))
)
optimizer = optim.SGD(model.parameters(), lr=lr)


def accuracy(y, t):
    return (y.argmax(dim=1) == t).float().mean()


for epoch in range(max_epoch):
    sum_loss, sum_acc = 0.0, 0.0
    for x, t in train_loader:
        y = model(x)
        loss = F.cross_entropy(y, t)
        acc = accuracy(y, t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sum_loss += loss.item() * len(t)
        sum_acc += acc.item() * len(t)
    print(f"epoch: {epoch + 1}")
    print(f"train loss: {sum_loss / len(train_set):.4f}, accuracy: {sum_acc / len(train_set):.4f}")

    sum_loss, sum_acc = 0.0, 0.0
    with torch.no_grad():
        for x, t in test_loader:
            y = model(x)
            sum_loss += F.cross_entropy(y, t).item() * len(t)
            sum_acc += accuracy(y, t).item() * len(t)
    print(f"test loss: {sum_loss / len(test_set):.4f}, accuracy: {sum_acc / len(test_set):.4f}")
