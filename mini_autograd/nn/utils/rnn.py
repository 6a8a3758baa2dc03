"""torch.nn.utils.rnn: pad variable-length sequences, and pack them so an RNN skips the padding.

A PackedSequence stores the time steps one after another, each holding only the sequences still
running (sorted longest first): `batch_sizes[t]` rows at step t. Packing and padding are built
from indexing, cat and stack, so gradients flow through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ... import _creation
from ..._tensor import Tensor, _make
from ...ops.join import cat, split, stack


class PackedSequence(NamedTuple):
    """(data, batch_sizes, sorted_indices, unsorted_indices), as torch's."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self._replace(data=self.data.to(*args, **kwargs))

    @property
    def is_cuda(self) -> bool:
        return False


def _lengths(lengths: Any) -> np.ndarray:
    arr = np.asarray(lengths.tolist() if isinstance(lengths, Tensor) else lengths, np.int64)
    if arr.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D tensor, got {arr.ndim}D")
    return arr


def _padding(like: Tensor, rows: int, value: float, dim: int = 0) -> Tensor:
    shape = list(like.shape)
    shape[dim] = rows
    return _creation.full(tuple(shape), value, dtype=like.dtype)


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *)) of sequences of the given lengths."""
    lens = _lengths(lengths)
    if lens.size and lens.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    x = input.transpose(0, 1) if batch_first else input
    if x.shape[1] != lens.size:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} (batch_size="
            f"{x.shape[1]})"
        )
    sorted_idx = unsorted_idx = None
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_idx = _make(order.astype(np.int64))
        unsorted_idx = _make(np.argsort(order).astype(np.int64))
        x = x[:, sorted_idx]
    if lens[0] > x.shape[0]:
        raise RuntimeError(
            f"Expected the longest length {lens[0]} to be at most the padded length {x.shape[0]}"
        )
    sizes = [int((lens > t).sum()) for t in range(int(lens[0]))]
    data = cat([x[t, :n] for t, n in enumerate(sizes)], 0)
    return PackedSequence(data, _make(np.array(sizes, np.int64)), sorted_idx, unsorted_idx)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """The inverse of pack_padded_sequence: (padded batch, lengths) in the original order."""
    sizes = [int(b) for b in sequence.batch_sizes.tolist()]
    batch, steps = sizes[0], len(sizes)
    if total_length is not None and total_length < steps:
        raise ValueError(
            "Expected total_length to be at least the length of the longest sequence in "
            f"input, but got total_length={total_length} and max sequence length being "
            f"{steps}"
        )
    rows = split(sequence.data, sizes, 0)
    full = [r if n == batch else cat([r, _padding(r, batch - n, padding_value)], 0)
            for r, n in zip(rows, sizes, strict=True)]  # fmt: skip
    padded = stack(full, 0)
    if total_length is not None and total_length > steps:
        padded = cat([padded, _padding(padded, total_length - steps, padding_value)], 0)
    sizes_arr = np.array(sizes)
    lens = np.array([(sizes_arr > b).sum() for b in range(batch)], np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded[:, sequence.unsorted_indices]
        lens = lens[sequence.unsorted_indices._data]
    return (padded.transpose(0, 1) if batch_first else padded), _make(lens)


def pad_sequence(
    sequences: Sequence[Tensor] | Tensor,
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences of shapes (L_i, *) into (T, B, *) (or (B, T, *)), padding the short."""
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    seqs = list(sequences)
    longest = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        if s.shape[0] < longest:
            pad = _padding(s, longest - s.shape[0], padding_value)
            s = cat([s, pad] if padding_side == "right" else [pad, s], 0)
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(
    padded_sequences: Tensor, lengths: Any, batch_first: bool = False
) -> list[Tensor]:
    """The list of sequences pad_sequence padded."""
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[b, :n] for b, n in enumerate(_lengths(lengths).tolist())]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) of decreasing length (or any, without enforce_sorted)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences pack_sequence packed."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
