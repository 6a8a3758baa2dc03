"""Attention against torch: scaled_dot_product_attention (cases in the op table style) and
nn.MultiheadAttention with the same weights, over its options: values, attention weights,
gradients of the inputs and of every parameter, and second derivatives where torch has them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from opinfo import F, bools, case, randn, table_tests

import mini_autograd as ma


def sdpa(T, *args, **kw):
    return F(T).scaled_dot_product_attention(*args, **kw)


MASK = bools([[1, 0, 1, 1, 0], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]])  # row 1: nothing to attend

# torch's fused CPU kernel (no mask, or is_causal) has no double backward: second=False there
CASES = [
    case("scaled_dot_product_attention", lambda T, q, k, v: sdpa(T, q, k, v), randn(2, 3, 4),
         randn(2, 5, 4), randn(2, 5, 4), node=False, second=False),
    case("scaled_dot_product_attention", lambda T, q, k, v: sdpa(T, q, k, v, is_causal=True),
         randn(2, 2, 4, 3), randn(2, 2, 4, 3), randn(2, 2, 4, 3), label="causal", node=False,
         second=False),
    case("scaled_dot_product_attention", lambda T, q, k, v, m: sdpa(T, q, k, v, attn_mask=m,
         scale=0.3), randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 4), MASK, label="bool-mask",
         node=False),
    case("scaled_dot_product_attention", lambda T, q, k, v, m: sdpa(T, q, k, v, attn_mask=m),
         randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 4), randn(3, 5), label="float-mask",
         node=False),
    case("scaled_dot_product_attention", lambda T, q, k, v: sdpa(T, q, k, v, enable_gqa=True),
         randn(1, 4, 3, 2), randn(1, 2, 5, 2), randn(1, 2, 5, 2), label="gqa", node=False,
         second=False),
    case("multi_head_attention_forward", lambda T, x, w, b, wo: F(T).multi_head_attention_forward(
         x, x, x, 4, 2, w, b, None, None, False, 0.0, wo, None, need_weights=True),
         randn(3, 2, 4), randn(12, 4), randn(12), randn(4, 4), node=False),
]  # fmt: skip
test_against_torch, test_gradcheck = table_tests(CASES)


def test_sdpa_dropout_is_seeded_and_scales_kept_weights():
    q = ma.ones(1, 2, 4, dtype=ma.float64)
    ma.manual_seed(0)
    a = sdpa(ma, q, q, q, dropout_p=0.5)
    ma.manual_seed(0)
    assert np.array_equal(sdpa(ma, q, q, q, dropout_p=0.5).numpy(), a.numpy())
    # uniform weights 1/2 over two keys of ones: each kept weight becomes 1, dropped 0
    assert set(np.unique(a.numpy())) <= {0.0, 1.0, 2.0}


MHA_CONFIGS = {
    "default": dict(kw={}, call={}),
    "batch-first": dict(kw=dict(batch_first=True), call={}),
    "no-bias": dict(kw=dict(bias=False), call=dict(average_attn_weights=False)),
    "kdim-vdim": dict(kw=dict(kdim=3, vdim=5), call={}),
    "bias-kv-zero-attn": dict(kw=dict(add_bias_kv=True, add_zero_attn=True), call={}),
    "padding-mask": dict(kw={}, call=dict(key_padding_mask=True)),
    "causal-sdpa-path": dict(kw={}, call=dict(attn_mask="causal", need_weights=False,
                                              is_causal=True)),
    "float-mask": dict(kw={}, call=dict(attn_mask="float")),
    "unbatched": dict(kw={}, call=dict(unbatched=True)),
}  # fmt: skip


def _mha_inputs(cfg, lib, arrays):
    return [lib.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("name", list(MHA_CONFIGS))
def test_multihead_attention_matches_torch(name):
    cfg = MHA_CONFIGS[name]
    kw, call = dict(cfg["kw"]), dict(cfg["call"])
    e, heads, n, lq, lk = 4, 2, 2, 3, 5
    torch.manual_seed(0)
    t_mod = torch.nn.MultiheadAttention(e, heads, dtype=torch.float64, **kw)
    m_mod = ma.nn.MultiheadAttention(e, heads, dtype=ma.float64, **kw)
    assert [(k, tuple(p.shape)) for k, p in m_mod.named_parameters()] == [
        (k, tuple(p.shape)) for k, p in t_mod.named_parameters()
    ]
    m_mod.load_state_dict({k: ma.tensor(v.numpy()) for k, v in t_mod.state_dict().items()})
    rng = np.random.default_rng(1)
    kdim, vdim = kw.get("kdim", e), kw.get("vdim", e)
    unbatched = call.pop("unbatched", False)
    shapes = [(lq, n, e), (lk, n, kdim), (lk, n, vdim)]
    if kw.get("batch_first"):
        shapes = [(s[1], s[0], s[2]) for s in shapes]
    if unbatched:
        shapes = [(s[0], s[2]) for s in shapes]
    arrays = [rng.standard_normal(s) for s in shapes]
    extra_t, extra_m = {}, {}
    if call.pop("key_padding_mask", False):
        pad = np.zeros((n, lk), dtype=bool)
        pad[0, -2:] = True
        extra_t["key_padding_mask"], extra_m["key_padding_mask"] = torch.tensor(pad), ma.tensor(pad)
    mask = call.pop("attn_mask", None)
    if mask == "causal":
        causal = ~np.tril(np.ones((lq, lk), dtype=bool))
        extra_t["attn_mask"], extra_m["attn_mask"] = torch.tensor(causal), ma.tensor(causal)
    elif mask == "float":
        fm = rng.standard_normal((lq, lk))
        extra_t["attn_mask"], extra_m["attn_mask"] = torch.tensor(fm), ma.tensor(fm)
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    m_in = [ma.tensor(a, requires_grad=True) for a in arrays]
    t_out, t_w = t_mod(*t_in, **extra_t, **call)
    m_out, m_w = m_mod(*m_in, **extra_m, **call)
    torch.testing.assert_close(torch.tensor(m_out.detach().numpy()), t_out.detach())
    if t_w is None:
        assert m_w is None
    else:
        torch.testing.assert_close(torch.tensor(m_w.detach().numpy()), t_w.detach())
    gy = rng.standard_normal(tuple(t_out.shape))
    t_out.backward(torch.tensor(gy))
    m_out.backward(ma.tensor(gy))
    for t, m in zip(t_in, m_in):
        torch.testing.assert_close(torch.tensor(m.grad.numpy()), t.grad)
    t_params = dict(t_mod.named_parameters())
    for k, p in m_mod.named_parameters():
        torch.testing.assert_close(torch.tensor(p.grad.numpy()), t_params[k].grad, msg=k)
