"""Shrink a mismatching program to a minimal one that still mismatches the same way.

Our own greedy shrinker over the program's structure (hypothesis shrinks the choice sequence that
drew a value, which for a DAG of shape-dependent ops mostly yields invalid programs): cut the
program at an earlier output, bypass an op, replace a subexpression by a fresh input, merge
inputs, shrink input shapes, then constants. Each step keeps a candidate only if torch still
accepts it (`generate.trace`) and it fails with the same signature and culprit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import torch

from .generate import MAX_INPUTS, trace
from .program import Input, Program

#: stop after this many candidate programs tried
MAX_TRIES = 400


def shrink(
    program: Program, same: Callable[[Program], bool], max_tries: int = MAX_TRIES
) -> Program:
    """The smallest program found from `program` for which `same(program)` holds."""
    tries = 0
    improved = True
    while improved and tries < max_tries:
        improved = False
        for candidate in candidates(program):
            if cost(candidate) >= cost(program):
                continue
            try:
                values = trace(candidate)
            except (IndexError, KeyError, TypeError, ValueError):
                continue  # a candidate its spec cannot render (a pair parameter cut to one)
            if values is None:
                continue
            tries += 1
            if same(candidate):
                program, improved = candidate, True
                break
            if tries >= max_tries:
                break
    return program


def cost(p: Program) -> tuple[int, int, int, int]:
    """Fewer ops, then fewer inputs, then fewer input elements, then simpler constants."""
    elements = sum(max(1, _numel(i.shape)) + len(i.shape) for i in p.inputs)
    ranges = sum((i.low, i.high) != (-1.0, 1.0) for i in p.inputs)
    return (p.size, len(p.inputs), elements, _complexity(p) + ranges)


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _complexity(p: Program) -> int:
    """How far a program's constants are from the simplest ones."""
    total = 0
    for node in p.nodes:
        for value in node.params.values():
            if isinstance(value, bool):
                total += int(value)
            elif isinstance(value, float):
                total += 0 if value in (0.0, 1.0) else 1
            elif isinstance(value, tuple | list):
                total += len(value)
    return total


def candidates(p: Program) -> Iterator[Program]:
    """Smaller variants of p, the biggest cuts first."""
    values = trace(p) or {}
    floats = [n for n in p.nodes if n.name in values and values[n.name].is_floating_point()]
    for node in floats:  # an earlier output: drops everything after it
        if node.name != p.output and values[node.name].requires_grad:
            yield p.with_output(node.name)
    for node in reversed(p.nodes):  # bypass an op: its uses read one of its arguments
        for arg in node.args:
            yield p.substitute(node.name, arg)
    for node in reversed(floats):  # a subexpression becomes an input of its shape
        yield from _as_input(p, node.name, values[node.name])
    for a in p.inputs:  # merge two inputs
        for b in p.inputs:
            if a.name != b.name:
                yield p.substitute(b.name, a.name)
    for i in p.inputs:
        yield from _smaller_inputs(p, i)
    for node in p.nodes:
        for params in _simpler_params(node.params):
            yield p.with_node(replace(node, params=params))


def _as_input(p: Program, name: str, value: torch.Tensor) -> Iterator[Program]:
    new = p.new_input_name()
    shape = tuple(value.shape)
    lo = float(value.detach().min()) if value.numel() else -1.0
    hi = float(value.detach().max()) if value.numel() else 1.0
    ranges = [(-1.0, 1.0), (0.1, 0.9), (round(lo, 1) - 0.1, round(hi, 1) + 0.1)]
    for low, high in dict.fromkeys(ranges):
        q = p.substitute(name, new, [Input(new, shape, low, high)])
        if len(q.inputs) <= MAX_INPUTS:
            yield q


def _smaller_inputs(p: Program, i: Input) -> Iterator[Program]:
    shape = i.shape
    for d in range(len(shape)):
        yield p.with_input(replace(i, shape=shape[:d] + shape[d + 1 :]))
    for d, s in enumerate(shape):
        for smaller in dict.fromkeys((1, s - 1)):
            if 0 < smaller < s or (smaller == 1 and s > 1):
                yield p.with_input(replace(i, shape=shape[:d] + (smaller,) + shape[d + 1 :]))
    if (i.low, i.high) != (-1.0, 1.0):
        yield p.with_input(replace(i, low=-1.0, high=1.0))


def _simpler_params(params) -> Iterator[dict]:
    for key, value in params.items():
        if isinstance(value, bool) and value:
            yield {**params, key: False}
        elif isinstance(value, float) and value not in (0.0, 1.0):
            for simpler in (0.0, 1.0, 0.5, 2.0):
                yield {**params, key: simpler}
        elif isinstance(value, tuple | list) and len(value) > 1:
            for k in range(len(value)):
                yield {**params, key: type(value)(v for j, v in enumerate(value) if j != k)}
