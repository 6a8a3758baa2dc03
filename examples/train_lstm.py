"""Train an LSTM to continue DeZero's noisy sine curve (DeZero's steps 59-60 in torch's API):
truncated BPTT over chunks of 30 steps from a DataLoader, the state detached between chunks.

    python examples/train_lstm.py

Replace `import mini_autograd as torch` by `import torch` and it runs unchanged in PyTorch.
"""

import numpy as np

import mini_autograd as torch
from compare.training.loaders import get_sin_curve  # x[t] -> x[t + 1] on a noisy sine

max_epoch, bptt_length, hidden_size = 20, 30, 16
device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(0)


class SineLSTM(torch.nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.rnn = torch.nn.LSTM(1, hidden_size)
        self.fc = torch.nn.Linear(hidden_size, 1)

    def forward(self, x, state=None):
        out, state = self.rnn(x, state)
        return self.fc(out), state


xs, ts = get_sin_curve()
dataset = torch.utils.data.TensorDataset(
    torch.tensor(xs, dtype=torch.float32), torch.tensor(ts, dtype=torch.float32)
)
loader = torch.utils.data.DataLoader(dataset, batch_size=bptt_length, shuffle=False)
model = SineLSTM(hidden_size).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.97)
loss_fn = torch.nn.MSELoss()

for epoch in range(1, max_epoch + 1):
    state, total, count = None, 0.0, 0
    for x, t in loader:
        x, t = x.to(device).unsqueeze(1), t.to(device).unsqueeze(1)  # (steps, batch 1, 1)
        y, state = model(x, state)
        loss = loss_fn(y, t)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        state = tuple(s.detach() for s in state)  # truncated BPTT: cut the graph here
        total, count = total + loss.item(), count + 1
    scheduler.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d}  loss {total / count:.5f}")

# continue the curve from the model's own predictions
model.eval()
with torch.no_grad():
    state, x, predicted = None, torch.tensor([[[float(xs[0, 0])]]]), []
    for _ in range(100):
        x, state = model(x, state)
        predicted.append(x.item())
error = np.mean((np.array(predicted[:100]) - ts[:100, 0]) ** 2)
print(f"mean squared error of 100 free-running steps: {error:.4f}")
