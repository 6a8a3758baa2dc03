"""DeZero steps 55-57 in torch's names: the convolution output size, im2col (F.unfold), conv2d
and pooling built from it, checked against F.conv2d and F.max_pool2d."""

import torch
import torch.nn.functional as F


def get_conv_outsize(input_size, kernel_size, stride, pad):
    return (input_size + pad * 2 - kernel_size) // stride + 1


H, W = 4, 4
KH, KW = 3, 3
SH, SW = 1, 1
PH, PW = 1, 1
print("outsize", get_conv_outsize(H, KH, SH, PH), get_conv_outsize(W, KW, SW, PW))

x1 = torch.sin(torch.arange(1 * 3 * 7 * 7, dtype=torch.float32)).reshape(1, 3, 7, 7)
col1 = F.unfold(x1, kernel_size=5, stride=1, padding=0)
print("im2col", tuple(col1.shape))
x2 = torch.cos(torch.arange(10 * 3 * 7 * 7, dtype=torch.float32)).reshape(10, 3, 7, 7)
col2 = F.unfold(x2, kernel_size=(5, 5), stride=(1, 1), padding=(0, 0))
print("im2col", tuple(col2.shape))

N, C, H, W = 1, 5, 15, 15
OC, (KH, KW) = 8, (3, 3)
x = (torch.arange(N * C * H * W, dtype=torch.float32).reshape(N, C, H, W) % 7 - 3) / 3
x.requires_grad_(True)
w = torch.sin(torch.arange(OC * C * KH * KW, dtype=torch.float32)).reshape(OC, C, KH, KW)
w.requires_grad_(True)


def conv2d_simple(x, W, b=None, stride=1, pad=0):
    n, c, h, wd = x.shape
    oc, _, kh, kw = W.shape
    oh, ow = get_conv_outsize(h, kh, stride, pad), get_conv_outsize(wd, kw, stride, pad)
    col = F.unfold(x, (kh, kw), stride=stride, padding=pad)  # (N, C*KH*KW, OH*OW)
    y = W.reshape(oc, -1) @ col
    if b is not None:
        y = y + b.reshape(1, -1, 1)
    return y.reshape(n, oc, oh, ow)


y = conv2d_simple(x, w, b=None, stride=1, pad=1)
y.sum().backward()
print("conv2d_simple", tuple(y.shape), f"{y.sum().item():.4f}", f"{x.grad.abs().sum().item():.4f}")
ref = F.conv2d(x, w, padding=1)
print("matches F.conv2d", torch.allclose(y, ref, atol=1e-5))


def pooling_simple(x, kernel_size, stride=1, pad=0):
    n, c, h, wd = x.shape
    oh = get_conv_outsize(h, kernel_size, stride, pad)
    ow = get_conv_outsize(wd, kernel_size, stride, pad)
    col = F.unfold(x, kernel_size, stride=stride, padding=pad)
    col = col.reshape(n, c, kernel_size * kernel_size, oh * ow)
    return col.max(dim=2).values.reshape(n, c, oh, ow)


p = pooling_simple(y, 2, stride=2)
print("pooling_simple", tuple(p.shape), f"{p.sum().item():.4f}")
print("matches F.max_pool2d", torch.allclose(p, F.max_pool2d(y, 2, 2)))
