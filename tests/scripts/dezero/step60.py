"""DeZero step 60: an LSTM over the sine series, batches of 30 parallel positions from DeZero's
SeqDataLoader (here a batch_sampler), truncated BPTT every 30 steps."""

import sys

import numpy as np
import torch
import torch.nn.functional as F
from common import SinCurve, numpy_init
from torch import nn, optim
from torch.utils.data import DataLoader, Sampler

max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 3
batch_size, hidden_size, bptt_length = 30, 20, 30


class SeqBatchSampler(Sampler):
    """DeZero's SeqDataLoader: batch i reads positions (k * jump + i) % n, k < batch_size."""

    def __init__(self, data_size, batch_size):
        self.data_size, self.batch_size = data_size, batch_size

    def __iter__(self):
        jump = self.data_size // self.batch_size
        for it in range(len(self)):
            yield [(k * jump + it) % self.data_size for k in range(self.batch_size)]

    def __len__(self):
        return self.data_size // self.batch_size


train_set = SinCurve(train=True)
dataloader = DataLoader(train_set, batch_sampler=SeqBatchSampler(len(train_set), batch_size))
seqlen = len(train_set)


class BetterRNN(nn.Module):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = nn.LSTM(1, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, out_size)
        self.state = None

    def reset_state(self):
        self.state = None

    def forward(self, x):
        y, self.state = self.rnn(x.unsqueeze(1), self.state)  # one time step per call
        return self.fc(y.squeeze(1))


model = numpy_init(BetterRNN(hidden_size, 1))
optimizer = optim.Adam(model.parameters(), lr=0.005)

for epoch in range(max_epoch):
    model.reset_state()
    loss, count, sum_loss = 0, 0, 0.0
    for x, t in dataloader:
        y = model(x)
        loss = loss + F.mse_loss(y, t)
        count += 1
        if count % bptt_length == 0 or count == len(dataloader):
            optimizer.zero_grad()
            loss.backward()
            model.state = tuple(s.detach() for s in model.state)
            optimizer.step()
            sum_loss += loss.item()
            loss = 0
    print(f"| epoch {epoch + 1} | loss {sum_loss / count:.6f}")

xs = np.cos(np.linspace(0, 4 * np.pi, 200)).astype(np.float32)
model.reset_state()
with torch.no_grad():
    pred = [model(torch.tensor([[x]])).item() for x in xs]
print(f"cosine one-step mse: {np.mean((np.array(pred[:-1]) - xs[1:]) ** 2):.6f}")
