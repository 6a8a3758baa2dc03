"""Save a checkpoint (model, optimizer, epoch) and resume from it: the file is torch's own format,
so a checkpoint written by mini_autograd loads in PyTorch and the other way round.

    python examples/checkpoint.py            # trains, saves checkpoint.pt, resumes from it
    python examples/checkpoint.py --resume   # resumes from an existing checkpoint.pt

Replace `import mini_autograd as torch` by `import torch` and it runs unchanged in PyTorch; run
it once in each to resume one framework's run in the other.
"""

import os
import sys

import mini_autograd as torch
from compare.training.data import get_spiral

path = os.environ.get("CHECKPOINT", "checkpoint.pt")
torch.manual_seed(0)
x, t = get_spiral(train=True)
loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(t)),
    batch_size=30,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
model = torch.nn.Sequential(torch.nn.Linear(2, 10), torch.nn.Sigmoid(), torch.nn.Linear(10, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
loss_fn = torch.nn.CrossEntropyLoss()


def train(epochs):
    for _ in range(epochs):
        for xb, tb in loader:
            loss = loss_fn(model(xb), tb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return loss.item()


start = 0
if "--resume" in sys.argv and os.path.exists(path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    start = checkpoint["epoch"]
    print(f"resumed from {path} at epoch {start} (loss {checkpoint['loss']:.4f})")
else:
    loss = train(50)
    start = 50
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "epoch": 50,
            "loss": loss,
        },
        path,
    )
    print(f"epoch  50  loss {loss:.4f}  saved {path}")

loss = train(50)
with torch.no_grad():
    accuracy = (model(torch.tensor(x)).argmax(dim=1) == torch.tensor(t)).float().mean().item()
print(f"epoch {start + 50:3d}  loss {loss:.4f}  accuracy {accuracy:.1%}")
