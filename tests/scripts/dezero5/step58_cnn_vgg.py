"""DeZero step 58 and a simple CNN in torch's names: a VGG16 forward on a small input with
deterministic weights, and a few SGD steps of a small CNN on synthetic images."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def deterministic_(model, scale=0.3):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            ramp = torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i
            p.copy_(torch.sin(ramp).reshape(p.shape) * scale / max(1, p[0].numel()) ** 0.5)


class VGG16(nn.Module):
    def __init__(self, widths=(4, 8, 16, 16, 16), classes=10):
        super().__init__()
        layers, c = [], 3
        for w, n in zip(widths, (2, 2, 3, 3, 3)):
            for _ in range(n):
                layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU()]
                c = w
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.fc1 = nn.Linear(c, 32)
        self.fc2 = nn.Linear(32, classes)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        x = F.dropout(F.relu(self.fc1(x)), p=0.5, training=self.training)
        return self.fc2(x)


vgg = VGG16()
deterministic_(vgg)
vgg.eval()
x = torch.cos(torch.arange(2 * 3 * 32 * 32, dtype=torch.float32) * 0.01).reshape(2, 3, 32, 32)
with torch.no_grad():
    y = vgg(x)
print("vgg16", tuple(y.shape), [f"{v:.4f}" for v in y[0, :4].tolist()])
print("vgg16 argmax", y.argmax(dim=1).tolist())


class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.fc = nn.Linear(8 * 3 * 3, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


# synthetic 12x12 images: a horizontal bar, a vertical bar or a blob, at shifting places
imgs, labels = [], []
ii = torch.arange(12, dtype=torch.float32)
for k in range(24):
    cls, off = k % 3, (k // 3) % 6 + 3
    if cls == 0:
        img = torch.exp(-((ii - off) ** 2) / 2.0).reshape(12, 1).expand(12, 12)
    elif cls == 1:
        img = torch.exp(-((ii - off) ** 2) / 2.0).reshape(1, 12).expand(12, 12)
    else:
        img = torch.exp(-((ii.reshape(12, 1) - off) ** 2 + (ii.reshape(1, 12) - 6) ** 2) / 4.0)
    imgs.append(img.reshape(1, 12, 12))
    labels.append(cls)
data, target = torch.stack(imgs), torch.tensor(labels)

model = SimpleCNN()
deterministic_(model, scale=1.0)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(8):
    opt.zero_grad()
    loss = F.cross_entropy(model(data), target)
    loss.backward()
    opt.step()
    print("step", step, f"loss {loss.item():.4f}")
with torch.no_grad():
    acc = (model(data).argmax(1) == target).float().mean().item()
print(f"accuracy {acc:.4f}")
