"""Attention and metric learning: causal and masked self-attention, multi-head attention, a
triplet loss and a contrastive (cosine-embedding) loss on learnt embeddings."""

from __future__ import annotations

import numpy as np

from ..function_case import tagged
from ..inputs import Arg, fixed, uniform

case = tagged("attention")

CAUSAL = Arg(shape=(4, 4), value=np.tril(np.ones((4, 4))).astype(bool).tolist(), dtype="bool")


@case(inputs={"x": uniform(1, 4, 3), "wq": uniform(3, 3), "wk": uniform(3, 3),
              "wv": uniform(3, 3)}, second_order=False)  # fmt: skip
def causal_self_attention(T, x, wq, wk, wv):
    """softmax(q k^T / sqrt(d) + causal mask) v, is_causal=True (torch's fused kernel has no
    second derivative)"""
    F = T.nn.functional
    return F.scaled_dot_product_attention(x @ wq, x @ wk, x @ wv, is_causal=True)


@case(inputs={"x": uniform(1, 4, 3), "wq": uniform(3, 3), "wk": uniform(3, 3),
              "wv": uniform(3, 3), "keep": CAUSAL})  # fmt: skip
def masked_self_attention(T, x, wq, wk, wv, keep):
    """the same causal attention through an explicit boolean mask, twice differentiable"""
    F = T.nn.functional
    return F.scaled_dot_product_attention(x @ wq, x @ wk, x @ wv, attn_mask=keep, scale=0.4)


@case(inputs={"x": uniform(3, 1, 4), "w_in": uniform(12, 4), "b_in": uniform(12),
              "w_out": uniform(4, 4), "b_out": uniform(4)})  # fmt: skip
def multi_head_attention(T, x, w_in, b_in, w_out, b_out):
    """two-head self-attention (torch's multi_head_attention_forward), output and weights"""
    F = T.nn.functional
    out, weights = F.multi_head_attention_forward(
        x, x, x, 4, 2, w_in, b_in, None, None, False, 0.0, w_out, b_out, training=False
    )
    return out.sum(-1) + weights.sum(-1).T


@case(inputs={"a": uniform(6, 3), "p": uniform(6, 3), "n": uniform(6, 3), "w": uniform(3, 4)},
      tags="loss")  # fmt: skip
def triplet_loss(T, a, p, n, w):
    """triplet margin loss on tanh embeddings, with and without the swap"""
    F = T.nn.functional
    ea, ep, en = (T.tanh(v @ w) for v in (a, p, n))
    return F.triplet_margin_loss(ea, ep, en, margin=0.5) + F.triplet_margin_loss(
        ea, ep, en, p=1, swap=True
    )


@case(inputs={"x1": uniform(6, 4), "x2": uniform(6, 4),
              "y": fixed([1.0, -1.0, 1.0, -1.0, -1.0, 1.0], requires_grad=False)},
      tags="loss")  # fmt: skip
def contrastive_loss(T, x1, x2, y):
    """cosine-embedding loss + margin ranking of the cosine similarities + hinge embedding"""
    F = T.nn.functional
    cos = F.cosine_similarity(x1, x2)
    return (F.cosine_embedding_loss(x1, x2, y, margin=0.2)
            + F.margin_ranking_loss(cos, -cos, y, margin=0.1)
            + F.hinge_embedding_loss(F.pairwise_distance(x1, x2), y))  # fmt: skip


@case(inputs={"x": uniform(3, 6, low=-4, high=4)}, tags="nn")
def more_activations(T, x):
    """hardswish, mish, selu, celu, logsigmoid, softsign, relu6, hardtanh, softshrink, glu"""
    F = T.nn.functional
    return (F.hardswish(x) + F.mish(x) + F.selu(x) + F.celu(x, 0.5) + F.logsigmoid(x)
            + F.softsign(x) + F.relu6(x) + F.hardtanh(x) + F.softshrink(x)
            + F.glu(x, 1).sum())  # fmt: skip


@case(inputs={"x": uniform(4, 5, low=-2, high=2), "t": uniform(4, 5, requires_grad=False)},
      tags=("nn", "loss"))  # fmt: skip
def likelihood_losses(T, x, t):
    """kl_div between softmaxes, poisson and gaussian NLL, multilabel soft margin"""
    F = T.nn.functional
    p = T.softmax(t * 3, -1)
    return (F.kl_div(F.log_softmax(x, -1), p, reduction="batchmean")
            + F.poisson_nll_loss(x, t.abs() * 3)
            + F.gaussian_nll_loss(x, t, x.exp())
            + F.multilabel_soft_margin_loss(x, (t > 0).to(x.dtype)))  # fmt: skip
