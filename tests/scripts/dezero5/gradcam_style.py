"""DeZero's Grad-CAM and style-transfer examples in torch's names, small: class activation maps
from a forward hook and a full backward hook, and steps of a Gram-matrix style loss optimising
the image itself."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def deterministic_(model, scale=0.5):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            ramp = torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i
            p.copy_(torch.sin(ramp).reshape(p.shape) * scale / max(1, p[0].numel()) ** 0.5)


net = nn.Sequential(
    nn.Conv2d(3, 6, 3, padding=1),
    nn.ReLU(),
    nn.Conv2d(6, 8, 3, padding=1),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(8, 5),
)
deterministic_(net)
target_layer = net[2]
store = {}


def fwd_hook(module, inputs, output):
    store["act"] = output.detach()


def bwd_hook(module, grad_input, grad_output):
    store["grad"] = grad_output[0].detach()


h1 = target_layer.register_forward_hook(fwd_hook)
h2 = target_layer.register_full_backward_hook(bwd_hook)
img = torch.sin(torch.arange(3 * 8 * 8, dtype=torch.float32) * 0.1).reshape(1, 3, 8, 8)
img.requires_grad_(True)
scores = net(img)
cls = scores.argmax(dim=1).item()
scores[0, cls].backward()
weights = store["grad"].mean(dim=(2, 3), keepdim=True)
cam = F.relu((weights * store["act"]).sum(dim=1))
cam = cam / (cam.max() + 1e-8)
print("gradcam class", cls, tuple(cam.shape), f"{cam.sum().item():.4f}")
print("gradcam row", [f"{v:.4f}" for v in cam[0, 3].tolist()])
h1.remove()
h2.remove()


def gram(f):
    n, c, h, w = f.shape
    f = f.reshape(n, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


features = net[:4]
for p in features.parameters():
    p.requires_grad_(False)
style = torch.cos(torch.arange(3 * 8 * 8, dtype=torch.float32) * 0.3).reshape(1, 3, 8, 8)
content = img.detach()
with torch.no_grad():
    style_gram = gram(features(style))
    content_feat = features(content)
x = content.clone().requires_grad_(True)
opt = torch.optim.Adam([x], lr=0.05)
for step in range(5):
    opt.zero_grad()
    f = features(x)
    loss = F.mse_loss(f, content_feat) + 1e4 * F.mse_loss(gram(f), style_gram)
    loss.backward()
    opt.step()
    print("style step", step, f"loss {loss.item():.6f}", f"grad {x.grad.abs().sum().item():.6f}")
