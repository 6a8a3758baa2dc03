"""DeZero step 49: a Dataset class and mini-batches drawn by hand from a permutation."""

import math
import sys

import numpy as np
import torch
import torch.nn.functional as F
from common import Spiral, numpy_init
from torch import nn, optim

max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 30
batch_size, hidden_size, lr = 30, 10, 1.0

train_set = Spiral(train=True)
model = numpy_init(
    nn.Sequential(nn.Linear(2, hidden_size), nn.Sigmoid(), nn.Linear(hidden_size, 3))
)
optimizer = optim.SGD(model.parameters(), lr=lr)
data_size = len(train_set)
max_iter = math.ceil(data_size / batch_size)
rng = np.random.RandomState(0)

for epoch in range(max_epoch):
    index = rng.permutation(data_size)
    sum_loss = 0.0
    for i in range(max_iter):
        batch_index = index[i * batch_size : (i + 1) * batch_size]
        batch = [train_set[i] for i in batch_index]
        batch_x = torch.tensor(np.array([example[0] for example in batch]))
        batch_t = torch.tensor(np.array([example[1] for example in batch]))
        y = model(batch_x)
        loss = F.cross_entropy(y, batch_t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sum_loss += float(loss.data) * len(batch_t)
    print(f"epoch {epoch + 1}, loss {sum_loss / data_size:.5f}")
