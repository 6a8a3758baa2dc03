"""Recurrent layers: RNN, LSTM, GRU and their cells, built from our own ops (DeZero's way), so
gradients, truncated BPTT and second derivatives come from the ops' backward formulas.

Parameter names, shapes, order and initialisation are torch's (`weight_ih_l0`,
`weight_hh_l1_reverse`, `weight_hr_l0` with proj_size, all U(-1/sqrt(hidden), 1/sqrt(hidden))),
so a state_dict moves between the two frameworks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ... import _creation
from ..._dtype import dtype as DType
from ..._tensor import Tensor
from ...ops.join import cat, chunk, split, stack
from ...ops.unary import relu, sigmoid, tanh
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from ._rnn_fused import GRULayer, LSTMLayer
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# --- one time step of each cell: gx = W_ih x + b_ih (precomputed for the whole sequence) -------


def _rnn_step(act: Callable[[Tensor], Tensor]) -> Callable:
    def step(gx: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
        """h' = act(W_ih x + b_ih + W_hh h + b_hh)"""
        return act(gx + F.linear(h, w_hh, b_hh))

    return step


def _lstm_step(
    gx: Tensor, state: tuple[Tensor, Tensor], w_hh: Tensor, b_hh: Tensor | None, w_hr: Tensor | None
) -> tuple[Tensor, Tensor]:
    """i, f, g, o = σ, σ, tanh, σ of the gates; c' = f c + i g; h' = o tanh(c') (W_hr h')"""
    h, c = state
    i, f, g, o = chunk(gx + F.linear(h, w_hh, b_hh), 4, 1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def _gru_step(gx: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """r, z = σ(..); n = tanh(W_in x + b_in + r (W_hn h + b_hn)); h' = n + z (h - n)"""
    rx, zx, nx = chunk(gx, 3, 1)
    rh, zh, nh = chunk(F.linear(h, w_hh, b_hh), 3, 1)
    r = sigmoid(rx + rh)
    z = sigmoid(zx + zh)
    n = tanh(nx + r * nh)
    return n + z * (h - n)


def _rows(state: Any, n: int) -> Any:
    """The first n rows of a state (h, or the pair (h, c))."""
    if isinstance(state, tuple):
        return tuple(_rows(s, n) for s in state)
    return state if state.shape[0] == n else state[:n]


def _merge(new: Any, old: Any, n: int) -> Any:
    """new rows on top of the old state's rows n.. (sequences that already ended keep theirs)."""
    if isinstance(new, tuple):
        return tuple(_merge(a, b, n) for a, b in zip(new, old, strict=True))
    return new if old.shape[0] == n else cat([new, old[n:]], 0)


def _fusable(w: dict[str, Tensor | None], sizes: list[int]) -> bool:
    """A whole layer as one node: equal-length sequences, no projection."""
    return w["weight_hr"] is None and len(set(sizes)) == 1


def _fused_lstm(data: Tensor, sizes: list[int], state: Any, w: dict) -> tuple[Tensor, Any]:
    """One LSTMLayer node: the input projection of every step in one matmul, then the loop."""
    gx = F.linear(data, w["weight_ih"], w["bias_ih"])
    if w["bias_hh"] is not None:
        gx = gx + w["bias_hh"]
    steps, batch = len(sizes), sizes[0]
    hs, c = LSTMLayer.apply(gx.reshape(steps, batch, gx.shape[1]), *state, w["weight_hh"])
    return hs.reshape(steps * batch, hs.shape[2]), (hs[steps - 1], c)


def _fused_gru(data: Tensor, sizes: list[int], h0: Tensor, w: dict) -> tuple[Tensor, Tensor]:
    """One GRULayer node: the input projection of every step in one matmul, then the loop."""
    gx = F.linear(data, w["weight_ih"], w["bias_ih"])
    steps, batch = len(sizes), sizes[0]
    hs = GRULayer.apply(gx.reshape(steps, batch, gx.shape[1]), h0, w["weight_hh"], w["bias_hh"])
    return hs.reshape(steps * batch, hs.shape[2]), hs[steps - 1]


_FUSED = {"LSTM": _fused_lstm, "GRU": _fused_gru}


class RNNBase(Module):
    """The shared machinery: parameters per layer and direction, and the loop over time."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError("num_layers must be an integer greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * directions
            for direction in range(directions):
                sfx = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (gate_size, layer_input))]
                shapes.append(("weight_hh", (gate_size, real_hidden)))
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + sfx, Parameter(_creation.empty(*shape, dtype=dtype)))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as torch."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction, in torch's order."""
        per = len(self._flat_weights_names) // (self.num_layers * (2 if self.bidirectional else 1))
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[i : i + per]] for i in range(0, len(names), per)]

    def flatten_parameters(self) -> None:
        """A no-op (torch's cuDNN layout call); kept so scripts that call it run."""

    def _weights(self, layer: int, direction: int) -> dict[str, Tensor | None]:
        sfx = f"_l{layer}" + ("_reverse" if direction else "")
        # getattr, not _parameters: a weight may be replaced by a plain tensor (as torch allows)
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return {n: getattr(self, n + sfx, None) for n in names}

    def _step(self) -> Callable:
        if self.mode == "LSTM":
            return _lstm_step
        if self.mode == "GRU":
            return _gru_step
        return _rnn_step(tanh if self.mode == "RNN_TANH" else relu)

    def _check_input(self, x: Tensor, batched: bool) -> None:
        expected = 3 if batched else 2
        if x.dim() != expected:
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {x.dim()}D instead"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {x.shape[-1]}"
            )

    def _zeros(self, width: int, batch: int, like: Tensor) -> Tensor:
        layers = self.num_layers * (2 if self.bidirectional else 1)
        return _creation.zeros(layers, batch, width, dtype=like.dtype)

    def _check_hidden(self, h: Tensor, width: int, batch: int, what: str) -> None:
        layers = self.num_layers * (2 if self.bidirectional else 1)
        if tuple(h.shape) != (layers, batch, width):
            raise RuntimeError(
                f"Expected {what} size {(layers, batch, width)}, got {tuple(h.shape)}"
            )

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        lstm = self.mode == "LSTM"
        out_width = self.proj_size or self.hidden_size
        packed = isinstance(input, PackedSequence)
        if packed:
            data, sizes = input.data, [int(b) for b in input.batch_sizes.tolist()]
            batch, batched = sizes[0], True
        else:
            batched = input.dim() == 3
            self._check_input(input, batched)
            x = input if batched else input.unsqueeze(1)
            if self.batch_first and batched:
                x = x.transpose(0, 1)
            steps, batch = x.shape[0], x.shape[1]
            data, sizes = x.reshape(steps * batch, x.shape[2]), [batch] * steps
        if hx is None:
            hx = self._zeros(out_width, batch, data)
            if lstm:
                hx = (hx, self._zeros(self.hidden_size, batch, data))
        else:
            if lstm:
                if not isinstance(hx, tuple | list) or len(hx) != 2:
                    raise RuntimeError("LSTM: hx must be a tuple (h_0, c_0)")
                hx = tuple(hx)
            if not batched:
                hx = tuple(h.unsqueeze(1) for h in hx) if lstm else hx.unsqueeze(1)
            if packed and input.sorted_indices is not None:
                idx = input.sorted_indices
                hx = tuple(h[:, idx] for h in hx) if lstm else hx[:, idx]
            if lstm:
                self._check_hidden(hx[0], out_width, batch, "hidden[0]")
                self._check_hidden(hx[1], self.hidden_size, batch, "hidden[1]")
            else:
                self._check_hidden(hx, out_width, batch, "hidden")
        data, h_n = self._run(data, sizes, hx)
        h_n = (stack([h for h, _ in h_n]), stack([c for _, c in h_n])) if lstm else stack(h_n)
        if packed:
            if input.unsorted_indices is not None:
                idx = input.unsorted_indices
                h_n = tuple(h[:, idx] for h in h_n) if lstm else h_n[:, idx]
            out = PackedSequence(
                data, input.batch_sizes, input.sorted_indices, input.unsorted_indices
            )
            return out, h_n
        out = data.reshape(len(sizes), batch, data.shape[1])
        if self.batch_first and batched:
            out = out.transpose(0, 1)
        if not batched:
            out = out.squeeze(1)
            h_n = tuple(h.squeeze(1) for h in h_n) if lstm else h_n.squeeze(1)
        return out, h_n

    def _run(self, data: Tensor, sizes: list[int], hx: Any) -> tuple[Tensor, list[Any]]:
        """Every layer over the packed steps; returns the last layer's output data and each
        (layer, direction)'s final state."""
        step = self._step()
        directions = 2 if self.bidirectional else 1
        finals: list[Any] = []
        for layer in range(self.num_layers):
            if layer and self.dropout and self.training:
                data = F.dropout(data, self.dropout, True)
            outs = []
            for direction in range(directions):
                k = layer * directions + direction
                state = (hx[0][k], hx[1][k]) if isinstance(hx, tuple) else hx[k]
                w = self._weights(layer, direction)
                if self.mode in _FUSED and not direction and _fusable(w, sizes):
                    data_out, final = _FUSED[self.mode](data, sizes, state, w)
                    finals.append(final)
                    outs.append(data_out)
                    continue
                gx = split(F.linear(data, w["weight_ih"], w["bias_ih"]), sizes, 0)
                extra = (w["weight_hr"],) if self.mode == "LSTM" else ()
                order = range(len(sizes) - 1, -1, -1) if direction else range(len(sizes))
                ys: list[Tensor] = [None] * len(sizes)  # type: ignore[list-item]
                for t in order:
                    n = sizes[t]
                    new = step(gx[t], _rows(state, n), w["weight_hh"], w["bias_hh"], *extra)
                    state = _merge(new, state, n)
                    ys[t] = new[0] if isinstance(new, tuple) else new
                finals.append(state)
                outs.append(ys[0] if len(ys) == 1 else cat(ys, 0))
            data = outs[0] if directions == 1 else cat(outs, 1)
        return data, finals

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu)."""

    def __init__(self, *args: Any, nonlinearity: str = "tanh", **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            nonlinearity, args = args[3], args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return s if self.nonlinearity == "tanh" else s + ", nonlinearity='relu'"


class LSTM(RNNBase):
    """Long short-term memory; returns output, (h_n, c_n). proj_size projects h (LSTMP)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit; gates r, z, n in torch's order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# --- cells: one step, for hand-written loops --------------------------------------------------


class RNNCellBase(Module):
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: Any = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(_creation.empty(gates, input_size, dtype=dtype))
        self.weight_hh = Parameter(_creation.empty(gates, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(gates, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(gates, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv)

    def _prepare(self, input: Tensor, hx: Any, pair: bool) -> tuple[Tensor, Any, bool]:
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.dim()}D instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[-1]} expected "
                f"{self.input_size}"
            )
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h = _creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
            hx = (h, h) if pair else h
        elif not batched:
            hx = tuple(h.unsqueeze(0) for h in hx) if pair else hx.unsqueeze(0)
        return x, hx, batched

    def _gx(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight_ih, self.bias_ih)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity='{self.nonlinearity}'"
        return s


class RNNCell(RNNCellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: DType | None = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, h, batched = self._prepare(input, hx, False)
        act = tanh if self.nonlinearity == "tanh" else relu
        h = _rnn_step(act)(self._gx(x), h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: returns (h', c')."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, dtype=dtype)

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        x, state, batched = self._prepare(input, hx, True)
        h, c = _lstm_step(self._gx(x), tuple(state), self.weight_hh, self.bias_hh, None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: returns h'."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, h, batched = self._prepare(input, hx, False)
        h = _gru_step(self._gx(x), h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
