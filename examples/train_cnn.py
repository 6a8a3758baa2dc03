"""Train a small CNN (conv, batch norm, max-pool, dropout) on synthetic shape images, printing
progress and test accuracy (DeZero's stage 5 in torch's API).

    python examples/train_cnn.py

Replace `import mini_autograd as torch` by `import torch` and it runs unchanged in PyTorch.
"""

import numpy as np

import mini_autograd as torch
from compare.cases.cnn_training import shapes  # noisy 1×12×12 images of 4 shapes, numpy arrays

epochs, batch_size, lr = 6, 32, 0.01

torch.manual_seed(0)  # reproducible initial weights (each framework has its own generator)
x_train, t_train = shapes(n=512, seed=1)
x_test, t_test = shapes(n=256, seed=2)
x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)

nn = torch.nn
model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1),
    nn.BatchNorm2d(8),
    nn.ReLU(),
    nn.MaxPool2d(2),  # 12×12 -> 6×6
    nn.Conv2d(8, 16, 3),
    nn.ReLU(),
    nn.MaxPool2d(2),  # 4×4 -> 2×2
    nn.Flatten(),
    nn.Dropout(0.2),
    nn.Linear(16 * 2 * 2, 4),
)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
rng = np.random.default_rng(0)


def accuracy(x, t):
    model.eval()
    with torch.no_grad():
        predicted = model(torch.tensor(x)).numpy().argmax(axis=1)
    return (predicted == t).mean()


for epoch in range(epochs):
    model.train()
    order = rng.permutation(len(x_train))
    sum_loss = 0.0
    for start in range(0, len(x_train), batch_size):
        batch = order[start : start + batch_size]
        images, labels = torch.tensor(x_train[batch]), torch.tensor(t_train[batch])

        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        sum_loss += loss.item() * len(batch)

    print(
        f"epoch {epoch + 1}  loss {sum_loss / len(x_train):.4f}  "
        f"train {accuracy(x_train, t_train):.1%}  test {accuracy(x_test, t_test):.1%}"
    )
