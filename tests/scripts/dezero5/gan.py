"""DeZero's GAN example (examples/gan.py) in torch's names, small: a DCGAN-style generator
(Linear, BatchNorm, ReLU, ConvTranspose2d up to 28x28, Sigmoid) and discriminator (Conv2d,
BatchNorm, LeakyReLU, Linear), BCE-with-logits losses (DeZero's sigmoid_cross_entropy), Adam with
weight decay (DeZero's WeightDecay hook), alternating discriminator and generator steps on
synthetic MNIST-shaped images; the noise comes from numpy, so both engines see the same."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def deterministic_(model, scale=0.5):
    """DeZero draws 0.02 * randn for the conv weights: here a fixed sine ramp, the same in both
    engines, for every Linear and convolution (BatchNorm keeps its ones and zeros). A layer
    feeding a BatchNorm has no bias: its gradient would be rounding noise, which Adam's
    normalisation turns into full-size steps."""
    with torch.no_grad():
        for i, m in enumerate(model.modules()):
            if isinstance(m, nn.Linear | nn.Conv2d | nn.ConvTranspose2d):
                w = m.weight
                ramp = torch.arange(w.numel(), dtype=torch.float32) * 0.37 + i
                fan_in = w[0].numel() if isinstance(m, nn.Linear | nn.Conv2d) else w.shape[0]
                w.copy_(torch.sin(ramp).reshape(w.shape) * scale / fan_in**0.5)
                if m.bias is not None:
                    m.bias.zero_()


C, H, W = 16, 3, 3
hidden_size = 8
G = nn.Sequential(
    nn.Linear(hidden_size, C * H * W, bias=False),
    nn.BatchNorm1d(C * H * W),
    nn.ReLU(),
    nn.Unflatten(1, (C, H, W)),
    nn.ConvTranspose2d(C, C // 2, kernel_size=2, stride=2, padding=1, bias=False),  # 4x4
    nn.BatchNorm2d(C // 2),
    nn.ReLU(),
    nn.ConvTranspose2d(C // 2, C // 4, kernel_size=2, stride=2, padding=1, bias=False),  # 6x6
    nn.BatchNorm2d(C // 4),
    nn.ReLU(),
    nn.ConvTranspose2d(C // 4, C // 8, kernel_size=2, stride=2, padding=1, bias=False),  # 10x10
    nn.BatchNorm2d(C // 8),
    nn.ReLU(),
    nn.ConvTranspose2d(C // 8, 1, kernel_size=3, stride=3, padding=1),  # 28x28
    nn.Sigmoid(),
)
D = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, stride=3, padding=1),  # 10x10
    nn.LeakyReLU(0.1),
    nn.Conv2d(8, 16, kernel_size=2, stride=2, padding=1, bias=False),  # 6x6
    nn.BatchNorm2d(16),
    nn.LeakyReLU(0.1),
    nn.Conv2d(16, 32, kernel_size=2, stride=2, padding=1, bias=False),  # 4x4
    nn.BatchNorm2d(32),
    nn.LeakyReLU(0.1),
    nn.Flatten(),
    nn.Linear(32 * 4 * 4, 1),
)
deterministic_(G)
deterministic_(D)

# "MNIST": 28x28 strokes in [0, 1], a bar at a shifting angle and place per image
batch_size = 8
ii = torch.arange(28, dtype=torch.float32)
rows, cols = ii.reshape(28, 1), ii.reshape(1, 28)
real = []
for k in range(batch_size):
    a = 0.4 * k - 1.4
    d = (rows - 14 - k + 4) * np.cos(a) - (cols - 14) * np.sin(a)
    real.append(torch.exp(-(d**2) / 3.0).reshape(1, 28, 28))
x_real = torch.stack(real)

rng = np.random.default_rng(0)
label_real = torch.ones(batch_size, 1)
label_fake = torch.zeros(batch_size, 1)
opt_g = torch.optim.Adam(G.parameters(), lr=0.002, betas=(0.5, 0.999), weight_decay=0.0001)
opt_d = torch.optim.Adam(D.parameters(), lr=0.002, betas=(0.5, 0.999), weight_decay=0.0001)

print("generator out", tuple(G(torch.zeros(2, hidden_size)).shape))
d_losses, g_losses = [], []
for step in range(8):
    # the discriminator: real images as 1, generated ones as 0
    z = torch.tensor(rng.standard_normal((batch_size, hidden_size)).astype(np.float32))
    y_real = D(x_real)
    y_fake = D(G(z))
    d_loss = F.binary_cross_entropy_with_logits(
        y_real, label_real
    ) + F.binary_cross_entropy_with_logits(y_fake, label_fake)
    G.zero_grad()
    D.zero_grad()
    d_loss.backward()
    opt_d.step()

    # the generator: make the discriminator call its images real
    z = torch.tensor(rng.standard_normal((batch_size, hidden_size)).astype(np.float32))
    y_fake = D(G(z))
    g_loss = F.binary_cross_entropy_with_logits(y_fake, label_real)
    G.zero_grad()
    D.zero_grad()
    g_loss.backward()
    opt_g.step()

    d_losses.append(d_loss.item())
    g_losses.append(g_loss.item())
    print(f"step {step} d_loss {d_loss.item():.4f} g_loss {g_loss.item():.4f}")

with torch.no_grad():
    G.eval()
    D.eval()
    fake = G(torch.tensor(rng.standard_normal((4, hidden_size)).astype(np.float32)))
    p_real = torch.sigmoid(D(x_real)).mean().item()
    p_fake = torch.sigmoid(D(fake)).mean().item()
print("fake images", tuple(fake.shape), f"{fake.mean().item():.4f}")
print(f"D(real) {p_real:.4f} D(fake) {p_fake:.4f}")
assert d_losses[-1] < d_losses[0], d_losses  # the discriminator learns to tell them apart
