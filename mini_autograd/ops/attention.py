"""Attention: scaled_dot_product_attention (boolean or additive masks, is_causal, dropout, scale,
grouped-query heads) and multi_head_attention_forward, torch's nn.MultiheadAttention computation.

Both are compositions of matmul, softmax and dropout, so they are differentiable as often as
those are, as torch's math path is.
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import tensor_arg
from .activation import dropout, softmax
from .elementwise import where
from .join import cat
from .linalg import bmm, linear
from .products import baddbmm


def _additive(mask: Tensor | None, dtype: np.dtype, name: str) -> Tensor | None:
    """torch's _canonical_mask: a bool mask (True = masked out) becomes 0 / -inf, a float mask
    is kept; any other dtype is refused."""
    if mask is None:
        return None
    kind = mask._data.dtype.kind
    if kind == "b":
        return _make(np.where(mask._data, -np.inf, 0.0).astype(dtype))
    if kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _pad_last(t: Tensor) -> Tensor:
    """F.pad(t, (0, 1)): one more column of zeros."""
    zeros = _make(np.zeros((*t.shape[:-1], 1), t._data.dtype))
    return cat([t, zeros], -1)


@register(top=False, method=False, functional=True)
def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(q k^T * scale + mask) v; a bool mask keeps where True, is_causal keeps j <= i; a
    row with nothing kept gives zeros (torch's safe softmax)."""
    q = tensor_arg(query, "scaled_dot_product_attention", "query")
    k = tensor_arg(key, "scaled_dot_product_attention", "key")
    v = tensor_arg(value, "scaled_dot_product_attention", "value")
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    if not (q._data.dtype == k._data.dtype == v._data.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{q.dtype} key.dtype: {k.dtype} and value.dtype: {v.dtype} instead."
        )
    n_q, n_k = q.shape[-2], k.shape[-2]
    if enable_gqa and q.dim() >= 3 and k.shape[-3] != q.shape[-3]:
        groups = q.shape[-3] // k.shape[-3]
        k, v = _repeat_heads(k, groups), _repeat_heads(v, groups)
    factor = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * factor
    dtype = q._data.dtype
    bias = None
    if is_causal:
        keep = np.tril(np.ones((n_q, n_k), dtype=bool))
        bias = np.where(keep, 0.0, -np.inf).astype(dtype)
    elif attn_mask is not None:
        if attn_mask._data.dtype.kind == "b":
            bias = np.where(attn_mask._data, 0.0, -np.inf).astype(dtype)
        else:
            bias = attn_mask
    if bias is None:
        weights = softmax(scores, -1)
    else:
        b = bias._data if isinstance(bias, Tensor) else bias
        empty = np.all(np.isneginf(b), axis=-1, keepdims=True)
        if np.any(empty):  # keep softmax finite there; the rows are zeroed below
            b_safe = np.where(empty, 0.0, b).astype(dtype)
            bias = _make(b_safe) if not isinstance(bias, Tensor) else where(_make(empty), 0.0, bias)
        scores = scores + (bias if isinstance(bias, Tensor) else _make(bias))
        weights = softmax(scores, -1)
        if np.any(empty):
            weights = where(_make(np.broadcast_to(empty, weights.shape)), 0.0, weights)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ v


def _repeat_heads(t: Tensor, groups: int) -> Tensor:
    """repeat_interleave(groups, dim=-3): each key/value head serves `groups` query heads."""
    shape = t.shape
    expanded = t.unsqueeze(-3).expand(*shape[:-3], shape[-3], groups, *shape[-2:])
    return expanded.reshape(*shape[:-3], shape[-3] * groups, *shape[-2:])


def _in_projection_packed(q, k, v, w, b):
    """q, k, v projected by the three row blocks of the packed in_proj_weight (and bias)."""
    e = q.shape[-1]
    if k is v:
        if q is k:
            return linear(q, w, b).chunk(3, -1)
        w_q, w_kv = w.split([e, e * 2])
        b_q, b_kv = (None, None) if b is None else b.split([e, e * 2])
        return (linear(q, w_q, b_q), *linear(k, w_kv, b_kv).chunk(2, -1))
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


@register(top=False, method=False, functional=True)
def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on (L, N, E) inputs (or unbatched (L, E)), as torch computes it."""
    batched = query.dim() == 3
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    dtype = query._data.dtype
    key_padding_mask = _additive(key_padding_mask, dtype, "key_padding_mask")
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # sdpa builds the causal mask itself
    else:
        attn_mask = _additive(attn_mask, dtype, "attn_mask")
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if not use_separate_proj_weight:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = in_proj_bias.chunk(3)
        q = linear(query, q_proj_weight, b_q)
        k = linear(key, k_proj_weight, b_k)
        v = linear(value, v_proj_weight, b_v)
    src_len = key.shape[0]
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                    f"{(tgt_len, src_len)}."
                )
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                    f"{(bsz * num_heads, tgt_len, src_len)}."
                )
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.reshape(1, 1, embed_dim).expand(1, bsz, embed_dim)])
        v = cat([v, bias_v.reshape(1, 1, embed_dim).expand(1, bsz, embed_dim)])
        attn_mask = None if attn_mask is None else _pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else _pad_last(key_padding_mask)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = (
        k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
        if static_k is None
        else static_k
    )
    v = (
        v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
        if static_v is None
        else static_v
    )
    if add_zero_attn:
        zeros = _make(np.zeros((bsz * num_heads, 1, head_dim), dtype))
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask = None if attn_mask is None else _pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else _pad_last(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(
                f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                f"{key_padding_mask.shape}"
            )
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        kt = k.transpose(-2, -1)
        if attn_mask is not None:
            scores = baddbmm(attn_mask.expand(bsz * num_heads, tgt_len, src_len), q_scaled, kt)
        else:
            scores = bmm(q_scaled, kt)
        weights = softmax(scores, -1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p)
        out = bmm(weights, v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        if attn_mask.shape[0] == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if not batched:
        out = out.squeeze(1)
    return out, None
