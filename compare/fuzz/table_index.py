"""Fuzzed indexing: `x[key]` with ints, slices with steps, None, `...`, int lists and tensors and
bool masks; gather and embedding with literal indices."""

from __future__ import annotations

import math

import torch

from .specs import Drawn, Params, Pool
from .table_struct import _simple

# ---- indexing ----


def _key_item(pool: Pool, size: int):
    """One entry of an index key for a dim of `size`."""
    kinds = ["slice", "slice"] + (["int", "list", "tensor"] if size else [])
    kind = pool.choice(kinds)
    if kind == "int":
        return ("int", pool.integer(-size, size - 1))
    if kind in ("list", "tensor"):
        return (
            kind,
            tuple(
                pool.integer(-size if kind == "list" else 0, size - 1)
                for _ in range(pool.integer(1, 3))
            ),
        )
    start = pool.choice((None, None, 0, 1, -2))
    stop = pool.choice((None, None, 2, -1, 3))
    step = pool.choice((None, None, 2, 3))
    return ("slice", start, stop, step)


def _draw_getitem(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 1)
    if v is None:
        return None
    if v.ndim >= 3 and 0 not in v.shape and pool.chance(0.5):
        # an int and an index list apart: where torch and numpy place the indexed dims differ
        items = [_key_item(pool, s) for s in v.shape]
        i, j = sorted(int(d) for d in pool.rng.choice(v.ndim, size=2, replace=False))
        if j == i + 1:
            j = min(i + 2, v.ndim - 1) if i + 2 < v.ndim else i
            i = j - 2 if j >= 2 else i
        ints, lists = (i, j) if pool.chance(0.5) else (j, i)
        items[ints] = ("int", pool.integer(0, v.shape[ints] - 1))
        items[lists] = (
            pool.choice(("list", "tensor")),
            tuple(pool.integer(0, v.shape[lists] - 1) for _ in range(pool.integer(1, 3))),
        )
        for k in range(min(i, j) + 1, max(i, j)):
            items[k] = ("slice", None, None, None)
        return (v.name,), {"key": tuple(items[: max(i, j) + 1])}
    n = pool.integer(1, v.ndim)
    items = [_key_item(pool, s) for s in v.shape[:n]]
    if pool.chance(0.2):
        items.insert(pool.integer(0, len(items)), ("none",))
    if n < v.ndim and pool.chance(0.3):
        k = pool.integer(0, len(items))
        # `...` stands for the dims the key skips: move the items after it to the trailing dims
        tail = (
            [_key_item(pool, s) for s in v.shape[v.ndim - (len(items) - k) :]]
            if len(items) > k
            else []
        )
        items = items[:k] + [("ellipsis",)] + tail
    return (v.name,), {"key": tuple(items)}


def _item_text(item) -> str:
    kind = item[0]
    if kind == "int":
        return str(item[1])
    if kind == "list":
        return repr(list(item[1]))
    if kind == "tensor":
        return f"T.tensor({list(item[1])!r})"
    if kind == "none":
        return "None"
    if kind == "ellipsis":
        return "..."
    start, stop, step = (("" if x is None else str(x)) for x in item[1:])
    return f"{start}:{stop}" + (f":{step}" if step else "")


def _render_getitem(a: list[str], p: Params) -> str:
    key = [_item_text(i) for i in p["key"]]
    if a[1:]:  # a bool mask value
        key = [a[1]]
    return f"{a[0]}[{', '.join(key)}]" if key else f"{a[0]}[()]"


_simple("getitem", "__getitem__", _render_getitem, _draw_getitem)


def _draw_mask(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 1)
    m = v and pool.pick(lambda m: m.ndim >= 1 and m.shape == v.shape[: m.ndim], kind="bool")
    return None if m is None else ((v.name, m.name), {"key": ()})


_simple("mask", "__getitem__", _render_getitem, _draw_mask)


def _draw_gather(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 1 and 0 < v.t.numel() <= 24)
    if v is None:
        return None
    d = pool.integer(0, v.ndim - 1)
    shape = [pool.integer(1, s) if i != d else pool.integer(1, 3) for i, s in enumerate(v.shape)]
    flat = [pool.integer(0, v.shape[d] - 1) for _ in range(math.prod(shape))]
    index = torch.tensor(flat).reshape(shape).tolist()
    return (v.name,), {"dim": d, "index": index}


_simple(
    "gather",
    "gather",
    lambda a, p: f"T.gather({a[0]}, {p['dim']}, T.tensor({p['index']!r}))",
    _draw_gather,
)


def _draw_embedding(pool: Pool) -> Drawn:
    w = pool.pick(lambda v: v.ndim == 2 and v.shape[0] > 0)
    if w is None:
        return None
    shape = pool.choice(((pool.integer(1, 4),), (2, pool.integer(1, 3))))
    flat = [pool.integer(0, w.shape[0] - 1) for _ in range(math.prod(shape))]
    return (w.name,), {"index": torch.tensor(flat).reshape(shape).tolist()}


_simple(
    "embedding",
    "embedding",
    lambda a, p: f"T.nn.functional.embedding(T.tensor({p['index']!r}), {a[0]})",
    _draw_embedding,
)
