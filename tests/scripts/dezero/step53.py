"""DeZero step 53: save the weights after training, load them into a fresh model and go on."""

import os
import sys
import tempfile

import torch
import torch.nn.functional as F
from common import FakeMNIST, NumpyShuffle, mnist_transform, numpy_init
from torch import nn, optim
from torch.utils.data import DataLoader

max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 2
train_set = FakeMNIST(train=True, transform=mnist_transform)
train_loader = DataLoader(train_set, 100, sampler=NumpyShuffle(len(train_set)))


def make_model():
    return numpy_init(nn.Sequential(nn.Linear(784, 100), nn.Sigmoid(), nn.Linear(100, 10)), seed=1)


def train(model, optimizer, epochs):
    for epoch in range(epochs):
        sum_loss = 0.0
        for x, t in train_loader:
            loss = F.cross_entropy(model(x), t)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            sum_loss += loss.item() * len(t)
        print(f"epoch: {epoch + 1}, loss: {sum_loss / len(train_set):.4f}")


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "my_mlp.pt")
    model = make_model()
    print("weights file exists:", os.path.exists(path))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    train(model, optimizer, max_epoch)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
    print("weights file exists:", os.path.exists(path))

    # a fresh process would start here: a new model, different weights until the file is loaded
    model2 = nn.Sequential(nn.Linear(784, 100), nn.Sigmoid(), nn.Linear(100, 10))
    checkpoint = torch.load(path, weights_only=True)
    print(model2.load_state_dict(checkpoint["model"]))
    optimizer2 = optim.SGD(model2.parameters(), lr=0.1, momentum=0.9)
    optimizer2.load_state_dict(checkpoint["optimizer"])
    same = all(torch.equal(a, b) for a, b in zip(model.parameters(), model2.parameters()))
    print("same weights after load:", same)
    print("keys:", list(checkpoint["model"]))
    train(model2, optimizer2, 1)
