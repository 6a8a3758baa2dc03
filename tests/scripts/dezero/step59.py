"""DeZero step 59: an RNN predicting the next point of a sine wave, truncated BPTT every 30."""

import sys

import numpy as np
import torch
import torch.nn.functional as F
from common import SinCurve, numpy_init
from torch import nn, optim

max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 3
hidden_size, bptt_length = 20, 30
train_set = SinCurve(train=True)
seqlen = len(train_set)


class SimpleRNN(nn.Module):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = nn.RNNCell(1, hidden_size)
        self.fc = nn.Linear(hidden_size, out_size)
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x):
        self.h = self.rnn(x, self.h)
        return self.fc(self.h)


model = numpy_init(SimpleRNN(hidden_size, 1))
optimizer = optim.Adam(model.parameters(), lr=0.001)

for epoch in range(max_epoch):
    model.reset_state()
    loss, count, sum_loss = 0, 0, 0.0
    for x, t in train_set:
        x, t = torch.from_numpy(x).reshape(1, 1), torch.from_numpy(t).reshape(1, 1)
        y = model(x)
        loss = loss + F.mse_loss(y, t)
        count += 1
        if count % bptt_length == 0 or count == seqlen:
            optimizer.zero_grad()
            loss.backward()
            model.h = model.h.detach()  # DeZero's unchain_backward
            optimizer.step()
            sum_loss += loss.item()
            loss = 0
    print(f"| epoch {epoch + 1} | loss {sum_loss / count:.6f}")

# predict the cosine, one step ahead from the true previous point
xs = np.cos(np.linspace(0, 4 * np.pi, 200)).astype(np.float32)
model.reset_state()
pred = []
with torch.no_grad():
    for x in xs:
        pred.append(model(torch.tensor(x).reshape(1, 1)).item())
print(f"cosine one-step mse: {np.mean((np.array(pred[:-1]) - xs[1:]) ** 2):.6f}")
