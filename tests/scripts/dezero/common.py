"""What DeZero's `dezero.datasets` gives steps 49-60, in torch's names: the spiral, an MNIST-shaped
synthetic set (no download), the sine curve; and a numpy-seeded initialisation so that torch and
mini_autograd start from the same weights (their random generators differ)."""

import numpy as np
import torch
from torch.utils.data import Dataset


def get_spiral(train=True):
    """DeZero's spiral: 3 arms of 100 noisy points, shuffled (seed 1984 train, 2020 test)."""
    rng = np.random.RandomState(1984 if train else 2020)
    num_data, num_class = 100, 3
    x = np.zeros((num_data * num_class, 2), dtype=np.float32)
    t = np.zeros(num_data * num_class, dtype=np.int64)
    for j in range(num_class):
        for i in range(num_data):
            rate = i / num_data
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            x[num_data * j + i] = [rate * np.sin(theta), rate * np.cos(theta)]
            t[num_data * j + i] = j
    order = rng.permutation(num_data * num_class)
    return x[order], t[order]


class Spiral(Dataset):
    def __init__(self, train=True, transform=None):
        self.data, self.label = get_spiral(train)
        self.transform = transform

    def __getitem__(self, index):
        x = self.data[index]
        return (self.transform(x) if self.transform else x), self.label[index]

    def __len__(self):
        return len(self.data)


class FakeMNIST(Dataset):
    """MNIST-shaped: (1, 28, 28) uint8 images and labels 0-9: one noisy template per class."""

    def __init__(self, train=True, n=600, transform=None):
        templates = np.random.RandomState(42).randint(0, 256, size=(10, 1, 28, 28))
        rng = np.random.RandomState(0 if train else 1)
        self.label = rng.randint(0, 10, size=n)
        noise = rng.randint(-160, 160, size=(n, 1, 28, 28))
        self.data = np.clip(templates[self.label] + noise, 0, 255).astype(np.uint8)
        self.transform = transform

    def __getitem__(self, index):
        x = self.data[index]
        return (self.transform(x) if self.transform else x), int(self.label[index])

    def __len__(self):
        return len(self.data)


def mnist_transform(x):
    """DeZero's default MNIST transform: flatten, float32, divide by 255."""
    return x.reshape(-1).astype(np.float32) / 255.0


class SinCurve(Dataset):
    """DeZero's SinCurve: x[t] -> x[t + 1] on a noisy sine (train) or the cosine (test)."""

    def __init__(self, train=True, num_data=1000):
        x = np.linspace(0, 2 * np.pi, num_data)
        noise = np.random.RandomState(0).uniform(-0.05, 0.05, size=x.shape)
        y = (np.sin(x) + noise if train else np.cos(x)).astype(np.float32)
        self.data, self.label = y[:-1, None], y[1:, None]

    def __getitem__(self, index):
        return self.data[index], self.label[index]

    def __len__(self):
        return len(self.data)


def numpy_init(model, seed=0):
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) from numpy for every parameter, in registration order."""
    rng = np.random.RandomState(seed)
    with torch.no_grad():
        for p in model.parameters():
            bound = 1.0 / np.sqrt(p.shape[-1] if p.dim() > 1 else p.shape[0])
            p.copy_(torch.from_numpy(rng.uniform(-bound, bound, p.shape).astype(np.float32)))
    return model


class NumpyShuffle(torch.utils.data.Sampler):
    """shuffle=True with numpy's permutation, so both frameworks see the same batches."""

    def __init__(self, n, seed=0):
        self.n, self.rng = n, np.random.RandomState(seed)

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())

    def __len__(self):
        return self.n
