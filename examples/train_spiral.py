"""Train a small MLP on DeZero's spiral data, printing progress (DeZero's step 48 in torch's API).

    python examples/train_spiral.py

Replace `import mini_autograd as torch` by `import torch` and it runs unchanged in PyTorch.
"""

import numpy as np

import mini_autograd as torch
from compare.training.data import get_spiral  # 300 points on 3 spiral arms, numpy arrays

max_epoch, batch_size, hidden_size, lr = 300, 30, 10, 1.0

torch.manual_seed(0)  # reproducible initial weights (each framework has its own generator)
x, t = get_spiral(train=True)
model = torch.nn.Sequential(
    torch.nn.Linear(2, hidden_size), torch.nn.Sigmoid(), torch.nn.Linear(hidden_size, 3)
)
loss_fn = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
rng = np.random.default_rng(0)

for epoch in range(max_epoch):
    model.train()
    order = rng.permutation(len(x))
    sum_loss = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        inputs, targets = torch.tensor(x[batch]), torch.tensor(t[batch])

        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        sum_loss += loss.item() * len(batch)

    if (epoch + 1) % 30 == 0:
        model.eval()
        with torch.no_grad():
            predicted = model(torch.tensor(x)).numpy().argmax(axis=1)
        accuracy = (predicted == t).mean()
        print(f"epoch {epoch + 1:3d}  loss {sum_loss / len(x):.4f}  accuracy {accuracy:.1%}")
