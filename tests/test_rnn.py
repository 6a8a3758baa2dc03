"""RNN/LSTM/GRU and their cells against torch: same parameters in, same outputs, final states,
gradients and second derivatives out; packing and padding too."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as mt

RNG = np.random.default_rng(0)

CONFIGS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 2, "batch_first": True}),
    ("LSTM", {"bias": False, "bidirectional": True, "proj_size": 3}),
    ("GRU", {}),
    ("GRU", {"num_layers": 3, "batch_first": True, "bidirectional": True}),
    ("GRU", {"bias": False}),
]


def _pair(kind: str, kwargs: dict, input_size: int = 3, hidden: int = 4):
    ref = getattr(torch.nn, kind)(input_size, hidden, **kwargs).double()
    ours = getattr(mt.nn, kind)(input_size, hidden, **kwargs, dtype=mt.float64)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in ref.named_parameters()
    ]
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    return ours, ref


def _both(arr: np.ndarray):
    return mt.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def _states(h):
    return list(h) if isinstance(h, tuple) else [h]


@pytest.mark.parametrize(("kind", "kwargs"), CONFIGS, ids=lambda c: str(c))
def test_layer_matches_torch(kind, kwargs):
    ours, ref = _pair(kind, kwargs)
    steps, batch = 5, 2
    shape = (batch, steps, 3) if kwargs.get("batch_first") else (steps, batch, 3)
    x, tx = _both(RNG.standard_normal(shape))
    out, h = ours(x)
    tout, th = ref(tx)
    _close(out, tout)
    for a, b in zip(_states(h), _states(th), strict=True):
        _close(a, b)
    gy = RNG.standard_normal(tuple(out.shape))
    loss = (out * mt.tensor(gy)).sum() + sum(s.sum() for s in _states(h))
    tloss = (tout * torch.tensor(gy)).sum() + sum(s.sum() for s in _states(th))
    loss.backward()
    tloss.backward()
    _close(x.grad, tx.grad)
    for (name, p), tp in zip(ours.named_parameters(), ref.parameters(), strict=True):
        np.testing.assert_allclose(
            p.grad.numpy(), tp.grad.numpy(), rtol=1e-10, atol=1e-10, err_msg=name
        )


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_initial_state_unbatched_and_truncated_bptt(kind):
    ours, ref = _pair(kind, {"num_layers": 2})
    h0 = RNG.standard_normal((2, 4))
    hx, thx = (
        ((mt.tensor(h0), mt.tensor(h0 * 0.5)), (torch.tensor(h0), torch.tensor(h0 * 0.5)))
        if kind == "LSTM"
        else (mt.tensor(h0), torch.tensor(h0))
    )
    data = RNG.standard_normal((6, 3))  # unbatched: (L, H_in)
    # two chunks, the state detached between them (truncated BPTT)
    for chunk in (data[:3], data[3:]):
        x, tx = _both(chunk)
        out, hx = ours(x, hx)
        tout, thx = ref(tx, thx)
        _close(out, tout)
        (out.sum()).backward()
        tout.sum().backward()
        _close(x.grad, tx.grad)
        hx = tuple(h.detach() for h in hx) if kind == "LSTM" else hx.detach()
        thx = tuple(h.detach() for h in thx) if kind == "LSTM" else thx.detach()
    for p, tp in zip(ours.parameters(), ref.parameters(), strict=True):
        _close(p.grad, tp.grad)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_packed_sequences_match_torch(kind):
    ours, ref = _pair(kind, {"bidirectional": True})
    lengths = [3, 5, 2]
    x, tx = _both(RNG.standard_normal((5, 3, 3)))
    packed = mt.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
    tpacked = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, enforce_sorted=False)
    assert packed.batch_sizes.tolist() == tpacked.batch_sizes.tolist()
    assert packed.sorted_indices.tolist() == tpacked.sorted_indices.tolist()
    out, h = ours(packed)
    tout, th = ref(tpacked)
    _close(out.data, tout.data)
    for a, b in zip(_states(h), _states(th), strict=True):
        _close(a, b)
    padded, lens = mt.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=6)
    tpadded, tlens = torch.nn.utils.rnn.pad_packed_sequence(tout, batch_first=True, total_length=6)
    _close(padded, tpadded)
    assert lens.tolist() == tlens.tolist() and lens.dtype == mt.int64
    w = RNG.standard_normal(tuple(padded.shape))
    ((padded * mt.tensor(w)).sum() + _states(h)[0].sum()).backward()
    ((tpadded * torch.tensor(w)).sum() + _states(th)[0].sum()).backward()
    _close(x.grad, tx.grad)
    for p, tp in zip(ours.parameters(), ref.parameters(), strict=True):
        _close(p.grad, tp.grad)


def test_pad_and_pack_sequence_helpers():
    seqs = [RNG.standard_normal((n, 2)) for n in (4, 1, 3)]
    ours = mt.nn.utils.rnn.pad_sequence([mt.tensor(s) for s in seqs], padding_value=-1.0)
    ref = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], padding_value=-1.0)
    _close(ours, ref)
    left = mt.nn.utils.rnn.pad_sequence(
        [mt.tensor(s) for s in seqs], batch_first=True, padding_side="left"
    )
    tleft = torch.nn.utils.rnn.pad_sequence(
        [torch.tensor(s) for s in seqs], batch_first=True, padding_side="left"
    )
    _close(left, tleft)
    packed = mt.nn.utils.rnn.pack_sequence([mt.tensor(s) for s in seqs], enforce_sorted=False)
    tpacked = torch.nn.utils.rnn.pack_sequence(
        [torch.tensor(s) for s in seqs], enforce_sorted=False
    )
    _close(packed.data, tpacked.data)
    back = mt.nn.utils.rnn.unpack_sequence(packed)
    for a, s in zip(back, seqs, strict=True):
        np.testing.assert_array_equal(a.numpy(), s)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        mt.nn.utils.rnn.pack_padded_sequence(mt.zeros(4, 3, 2), [1, 4, 2])


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch_including_second_order(kind):
    ref = getattr(torch.nn, kind)(3, 2).double()
    ours = getattr(mt.nn, kind)(3, 2, dtype=mt.float64)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    x, tx = _both(RNG.standard_normal((4, 3)))
    h0, th0 = _both(RNG.standard_normal((4, 2)))
    hx, thx = ((h0, h0 * 2), (th0, th0 * 2)) if kind == "LSTMCell" else (h0, th0)
    out, tout = ours(x, hx), ref(tx, thx)
    y = out[0] * out[1] if kind == "LSTMCell" else out
    ty = tout[0] * tout[1] if kind == "LSTMCell" else tout
    (gx,) = mt.autograd.grad((y**2).sum(), x, create_graph=True)
    (tgx,) = torch.autograd.grad((ty**2).sum(), tx, create_graph=True)
    _close(gx, tgx)
    (ggx, ggh) = mt.autograd.grad((gx**2).sum(), (x, h0))
    (tggx, tggh) = torch.autograd.grad((tgx**2).sum(), (tx, th0))
    _close(ggx, tggx)
    _close(ggh, tggh)
    unbatched = ours(x[0]) if kind != "LSTMCell" else ours(x[0])[0]
    tunbatched = ref(tx[0]) if kind != "LSTMCell" else ref(tx[0])[0]
    _close(unbatched, tunbatched)


def test_lstm_gradcheck_and_gradgradcheck():
    lstm = mt.nn.LSTM(2, 2, num_layers=2, bidirectional=True, dtype=mt.float64)  # both paths
    x = mt.tensor(RNG.standard_normal((3, 1, 2)), requires_grad=True)
    h0 = mt.tensor(RNG.standard_normal((4, 1, 2)), requires_grad=True)

    def f(x, h0):
        out, (h, c) = lstm(x, (h0, h0 * 0.5))
        return out.sum(dim=2) + c.sum()

    assert mt.autograd.gradcheck(f, (x, h0))
    assert mt.autograd.gradgradcheck(f, (x, h0))


def test_init_and_errors_follow_torch():
    lstm = mt.nn.LSTM(3, 16)
    for p in lstm.parameters():
        assert float(abs(p).max()) <= 0.25 and float(p.std()) > 0.1  # U(-1/4, 1/4)
    for kind, kwargs, err in [
        ("GRU", {"proj_size": 2}, ValueError),
        ("LSTM", {"proj_size": 4}, ValueError),
        ("LSTM", {"dropout": 1.5}, ValueError),
    ]:
        with pytest.raises(err) as ours:
            getattr(mt.nn, kind)(3, 4, **kwargs)
        with pytest.raises(err) as ref:
            getattr(torch.nn, kind)(3, 4, **kwargs)
        assert str(ours.value) == str(ref.value)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        mt.nn.GRU(3, 4)(mt.zeros(2, 1, 5))
    assert repr(mt.nn.LSTM(3, 4, num_layers=2, batch_first=True)) == repr(
        torch.nn.LSTM(3, 4, num_layers=2, batch_first=True)
    )


def test_dropout_between_layers_only_in_training():
    gru = mt.nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = mt.randn(5, 2, 3)
    gru.eval()
    a, b = gru(x)[0], gru(x)[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    gru.train()
    c, d = gru(x)[0], gru(x)[0]
    assert not np.array_equal(c.detach().numpy(), d.detach().numpy())


@pytest.mark.parametrize(
    ("kind", "use"), [("LSTM", "h_n"), ("LSTM", "c_n"), ("LSTM", "output"), ("GRU", "h_n")]
)
def test_whole_layer_node_gradients_and_second_order_match_torch(kind, use):
    """A one-direction layer over equal-length sequences is one node (LSTMLayerBackward,
    GRULayerBackward) with its own BPTT: first and second derivatives still torch's, whichever
    output the loss reads (c_n alone: the hidden outputs get no gradient)."""
    ours, ref = _pair(kind, {}, input_size=3, hidden=5)
    x, h0, c0 = (RNG.standard_normal(s) for s in ((6, 2, 3), (1, 2, 5), (1, 2, 5)))
    grads = []
    for T, model in ((mt, ours), (torch, ref)):
        inputs = [
            T.tensor(a, requires_grad=True) for a in ((x, h0, c0) if kind == "LSTM" else (x, h0))
        ]
        out, state = model(inputs[0], tuple(inputs[1:]) if kind == "LSTM" else inputs[1])
        y = {"output": out, "h_n": state[0] if kind == "LSTM" else state}.get(use)
        y = state[1] if use == "c_n" else y
        params = list(model.parameters())
        first = T.autograd.grad((y**2).sum(), inputs + params, create_graph=True)
        second = T.autograd.grad(sum((g**2).sum() for g in first), [inputs[0], params[1]])
        grads.append([g.detach().numpy() for g in (*first, *second)])
    node = ours(mt.tensor(x, requires_grad=True))[0].grad_fn
    while node.name() == "ViewBackward0":
        node = node.next_functions[0][0]
    assert node.name() == f"{kind}LayerBackward"
    for a, b in zip(*grads, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
