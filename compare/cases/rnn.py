"""Recurrent layers: nn.RNN, nn.LSTM and nn.GRU (one layer and stacked, bidirectional,
batch_first) with their weights as the case's inputs, so gradients and second
derivatives reach them; and the cells."""

from __future__ import annotations

import math

from ..function_case import tagged
from ..inputs import uniform

case = tagged("nn", "rnn")

_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _shapes(kind: str, input_size: int, hidden: int, layers: int = 1, directions: int = 1):
    """Every weight's name (as torch names it) and shape, for a layer stack."""
    gates = _GATES[kind] * hidden
    out = {}
    for layer in range(layers):
        width = input_size if layer == 0 else hidden * directions
        for d in range(directions):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            out[f"weight_ih{sfx}"] = (gates, width)
            out[f"weight_hh{sfx}"] = (gates, hidden)
            out[f"bias_ih{sfx}"] = (gates,)
            out[f"bias_hh{sfx}"] = (gates,)
    return out


def _flat(shapes):
    """One input holding all the weights (cut into them by _use)."""
    return uniform(sum(math.prod(s) for s in shapes.values()), low=-0.5, high=0.5)


def _use(module, flat, shapes):
    """Replace the module's parameters by slices of `flat` (gradients then flow to it)."""
    start = 0
    for name, shape in shapes.items():
        n = math.prod(shape)
        delattr(module, name)
        setattr(module, name, flat[start : start + n].reshape(shape))
        start += n
    return module


def _states(h):
    return h if isinstance(h, tuple) else (h,)


def _joined(T, *outputs):
    """The outputs (output, h_n[, c_n]) as one vector, so one gy weighs them all."""
    return T.cat([o.reshape(-1) for o in outputs])


def _run(T, kind, x, w, shapes, **kwargs):
    module = _use(getattr(T.nn, kind)(x.shape[-1], 3, **kwargs).to(x.dtype), w, shapes)
    out, h = module(x)
    return _joined(T, out, *_states(h))


_RNN = _shapes("RNN", 2, 3)
_RNN_2 = _shapes("RNN", 2, 3, layers=2)
_LSTM = _shapes("LSTM", 2, 3)
_LSTM_2_BI = _shapes("LSTM", 2, 3, layers=2, directions=2)
_LSTM_BI = _shapes("LSTM", 2, 3, directions=2)
_GRU = _shapes("GRU", 2, 3)
_GRU_2_BI = _shapes("GRU", 2, 3, layers=2, directions=2)


@case(inputs={"x": uniform(5, 2, 2), "w": _flat(_RNN)})
def rnn_tanh(T, x, w):
    """nn.RNN(2, 3) over 5 steps x batch 2: output and h_n, joined"""
    return _run(T, "RNN", x, w, _RNN)


@case(inputs={"x": uniform(4, 2, 2), "w": _flat(_RNN_2)})
def rnn_relu_stacked(T, x, w):
    """nn.RNN(2, 3, num_layers=2, nonlinearity='relu')"""
    return _run(T, "RNN", x, w, _RNN_2, num_layers=2, nonlinearity="relu")


@case(inputs={"x": uniform(5, 2, 2), "w": _flat(_LSTM)})
def lstm(T, x, w):
    """nn.LSTM(2, 3) over 5 steps x batch 2: output, h_n and c_n"""
    return _run(T, "LSTM", x, w, _LSTM)


@case(inputs={"x": uniform(4, 2, 2), "w": _flat(_LSTM_2_BI)})
def lstm_stacked_bidirectional(T, x, w):
    """nn.LSTM(2, 3, num_layers=2, bidirectional=True)"""
    return _run(T, "LSTM", x, w, _LSTM_2_BI, num_layers=2, bidirectional=True)


@case(inputs={"x": uniform(2, 4, 2), "w": _flat(_LSTM_BI)})
def lstm_batch_first_bidirectional(T, x, w):
    """nn.LSTM(2, 3, batch_first=True, bidirectional=True) on (batch 2, 4 steps, 2)"""
    return _run(T, "LSTM", x, w, _LSTM_BI, batch_first=True, bidirectional=True)


@case(inputs={"x": uniform(5, 2, 2), "w": _flat(_GRU)})
def gru(T, x, w):
    """nn.GRU(2, 3) over 5 steps x batch 2: output and h_n"""
    return _run(T, "GRU", x, w, _GRU)


@case(inputs={"x": uniform(2, 4, 2), "w": _flat(_GRU_2_BI)})
def gru_stacked_bidirectional_batch_first(T, x, w):
    """nn.GRU(2, 3, num_layers=2, bidirectional=True, batch_first=True)"""
    return _run(T, "GRU", x, w, _GRU_2_BI, num_layers=2, bidirectional=True, batch_first=True)


_LSTM_CELL = {"weight_ih": (16, 2), "weight_hh": (16, 4), "bias_ih": (16,), "bias_hh": (16,)}
_GRU_CELL = {"weight_ih": (12, 2), "weight_hh": (12, 4), "bias_ih": (12,), "bias_hh": (12,)}


@case(inputs={"x": uniform(3, 2), "h": uniform(3, 4), "c": uniform(3, 4), "w": _flat(_LSTM_CELL)})
def lstm_cell(T, x, h, c, w):
    """nn.LSTMCell(2, 4): one step from (h, c)"""
    cell = _use(T.nn.LSTMCell(2, 4).to(x.dtype), w, _LSTM_CELL)
    return _joined(T, *cell(x, (h, c)))


@case(inputs={"x": uniform(3, 2), "h": uniform(3, 4), "w": _flat(_GRU_CELL)})
def gru_cell(T, x, h, w):
    """nn.GRUCell(2, 4): one step from h"""
    cell = _use(T.nn.GRUCell(2, 4).to(x.dtype), w, _GRU_CELL)
    return cell(x, h)
