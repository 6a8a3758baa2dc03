"""DeZero's VAE example (examples/vae.py) in torch's names, small: a conv encoder to the mean and
log-variance of a 2-d latent, the reparameterisation trick with fixed noise (numpy's, the same in
both engines), a Linear + ConvTranspose2d + Conv2d decoder to 28x28 sigmoid images, the
reconstruction (binary cross entropy summed per image) + KL loss, Adam, on synthetic MNIST-shaped
images. DeZero's sampling scales the noise by exp(log_var); here the usual exp(log_var / 2)."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
latent_size = 2
batch_size = 8


def deterministic_(model, scale=1.0):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            ramp = torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i
            p.copy_(torch.sin(ramp).reshape(p.shape) * scale / max(1, p[0].numel()) ** 0.5)


class Encoder(nn.Module):
    def __init__(self, latent_size):
        super().__init__()
        self.latent_size = latent_size
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, stride=2, padding=1)  # 14x14
        self.conv3 = nn.Conv2d(16, 16, kernel_size=3, stride=1, padding=1)
        self.linear1 = nn.Linear(16 * 14 * 14, 32)
        self.linear2 = nn.Linear(32, latent_size)
        self.linear3 = nn.Linear(32, latent_size)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.relu(self.conv3(x))
        x = torch.flatten(x, 1)
        x = F.relu(self.linear1(x))
        return self.linear2(x), self.linear3(x)

    def sampling(self, z_mean, z_log_var, epsilon):
        return z_mean + torch.exp(0.5 * z_log_var) * epsilon


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.to_shape = (16, 14, 14)  # (C, H, W)
        self.linear = nn.Linear(latent_size, int(np.prod(self.to_shape)))
        self.deconv = nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1)  # 28x28
        self.conv = nn.Conv2d(8, 1, kernel_size=3, stride=1, padding=1)

    def forward(self, x):
        x = F.relu(self.linear(x))
        x = x.reshape((-1,) + self.to_shape)
        x = F.relu(self.deconv(x))
        return torch.sigmoid(self.conv(x))


class VAE(nn.Module):
    def __init__(self, latent_size):
        super().__init__()
        self.encoder = Encoder(latent_size)
        self.decoder = Decoder()

    def forward(self, x, epsilon, C=1.0):
        """The loss: the ELBO times -1, per image (DeZero's VAE.forward with k = 1)."""
        z_mean, z_log_var = self.encoder(x)
        z = self.encoder.sampling(z_mean, z_log_var, epsilon)
        y = self.decoder(z)
        rec_loss = F.binary_cross_entropy(y.flatten(1), x.flatten(1), reduction="sum") / len(x)
        kl_loss = C * (z_mean**2 + torch.exp(z_log_var) - z_log_var - 1) * 0.5
        kl_loss = kl_loss.sum() / len(x)
        return rec_loss + kl_loss, rec_loss, kl_loss


# "MNIST": 28x28 rings and blobs in [0, 1], of shifting centre and radius
ii = torch.arange(28, dtype=torch.float32)
rows, cols = ii.reshape(28, 1), ii.reshape(1, 28)
images = []
for k in range(batch_size):
    r = ((rows - 14 + (k % 3) - 1) ** 2 + (cols - 14 - (k % 4) + 1.5) ** 2) ** 0.5
    ring = torch.exp(-((r - 3 - k) ** 2) / 4.0)
    images.append(ring.reshape(1, 28, 28))
x = torch.stack(images)

vae = VAE(latent_size)
deterministic_(vae)
optimizer = torch.optim.Adam(vae.parameters(), lr=0.001)  # DeZero: Adam()
rng = np.random.default_rng(0)
losses = []
for step in range(12):
    epsilon = torch.tensor(rng.standard_normal((batch_size, latent_size)).astype(np.float32))
    loss, rec, kl = vae(x, epsilon)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    print(f"step {step} loss {loss.item():.4f} rec {rec.item():.4f} kl {kl.item():.4f}")

with torch.no_grad():
    z_mean, z_log_var = vae.encoder(x)
    decoded = vae.decoder(torch.tensor([[0.0, 0.0], [1.0, -1.0]]))
print("latent means", [f"{v:.4f}" for v in z_mean[:3].flatten().tolist()])
print("latent spread", [f"{v:.4f}" for v in z_mean.std(0).tolist()])
print("decoded", tuple(decoded.shape), f"{decoded.mean().item():.4f}")
assert losses[-1] < 0.98 * losses[0], losses  # it trains: the loss drops
