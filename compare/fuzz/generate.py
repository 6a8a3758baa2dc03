"""Draw random programs from the op table, with torch (float64) as the oracle of what is valid."""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Sequence
from types import CodeType

import numpy as np
import torch

from .program import Input, Node, Program
from .specs import LIMIT, SPECS, Pool, Spec, Value

MIN_OPS, MAX_OPS = 2, 40
MAX_INPUTS = 3
#: input value ranges: around zero, positive (for log, sqrt, probabilities), wider
RANGES = ((-1.0, 1.0), (-1.0, 1.0), (0.1, 0.9), (-2.0, 2.0))


def family(spec: Spec) -> str:
    """The op's family in the engine's op table (mini_autograd.ops.OPS)."""
    from mini_autograd.ops import OPS

    return OPS[spec.torch_name].family


def families() -> list[str]:
    """Every family the fuzz table covers, in the table's order."""
    return list(dict.fromkeys(family(s) for s in SPECS.values()))


def trace(program: Program) -> dict[str, torch.Tensor] | None:
    """Every value of the program in torch float64, or None when the program is not valid.

    Valid: each op's arguments are inside its domain, each op runs in torch, float results are
    finite and moderate, and the output is a float tensor that depends on an input.
    """
    arrays = program.case().arrays(0)
    env: dict[str, torch.Tensor] = {
        n: torch.tensor(a, dtype=torch.float64, requires_grad=True) for n, a in arrays.items()
    }
    for node in program.nodes:
        value = evaluate(node, env)
        if value is None:
            return None
        env[node.name] = value
    out = env.get(program.output)
    if out is None or not out.is_floating_point() or not out.requires_grad:
        return None
    return env


def evaluate(node: Node, env: dict[str, torch.Tensor]) -> torch.Tensor | None:
    """The node's value from `env` (torch float64), or None if it is outside the rules."""
    spec = SPECS[node.op]
    try:
        args = [env[a] for a in node.args]
    except KeyError:
        return None
    try:
        if spec.domain is not None and not spec.domain(
            [a.detach() for a in args], dict(node.params)
        ):
            return None
        value = eval(_compiled(node.expression()), {"T": torch}, env)  # noqa: S307 - our source
    except Exception:  # noqa: BLE001 - torch refusing the call (or shrunk shapes the domain cannot read) makes the node invalid
        return None
    if not isinstance(value, torch.Tensor):
        return None
    if value.is_floating_point() and value.numel():
        d = value.detach()
        if not bool(torch.isfinite(d).all()) or float(d.abs().max()) > LIMIT:
            return None
    if value.is_floating_point() and value.dtype != torch.float64:
        value = value.double()  # a .float() inside: later ops see float64 values here
    return value


@functools.lru_cache(maxsize=4096)
def _compiled(expression: str) -> CodeType:
    return compile(expression, "<fuzz node>", "eval")


def _shape(rng: np.random.Generator, sizes: Sequence[int]) -> tuple[int, ...]:
    ndim = int(rng.choice([0, 1, 2, 2, 3, 3, 4], p=None))
    shape = [int(rng.choice(sizes)) for _ in range(ndim)]
    if shape and rng.random() < 0.15:
        shape[int(rng.integers(ndim))] = 0
    return tuple(shape)


def generate(
    rng: np.random.Generator,
    name: str,
    allowed: Collection[str] | None = None,
    max_ops: int = MAX_OPS,
    tries: int = 20,
) -> Program | None:
    """A valid random program of MIN_OPS..max_ops ops from the specs in `allowed` families."""
    specs = [s for s in SPECS.values() if allowed is None or family(s) in allowed]
    by_family: dict[str, list[Spec]] = {}
    for s in specs:
        by_family.setdefault(family(s), []).append(s)
    # a family's weight grows with its number of ops (square root); indexing and shape ops,
    # where frameworks differ most, count double
    weights = np.array(
        [len(by_family[f]) ** 0.5 * (2 if f in ("indexing", "shape") else 1) for f in by_family]
    )
    names = list(by_family)
    chances = np.cumsum(weights) / weights.sum()
    for _ in range(tries):
        program = _attempt(rng, name, by_family, names, chances, max_ops)
        if program is not None:
            return program
    return None


def _attempt(
    rng: np.random.Generator,
    name: str,
    by_family: dict[str, list[Spec]],
    names: list[str],
    chances: np.ndarray,
    max_ops: int,
) -> Program | None:
    sizes = [int(s) for s in rng.choice([1, 2, 3, 4, 5], size=2, replace=False)]
    inputs = []
    for k in range(int(rng.integers(1, MAX_INPUTS + 1))):
        low, high = RANGES[int(rng.integers(len(RANGES)))]
        inputs.append(Input(f"x{k}", _shape(rng, sizes), low, high))
    program = Program(name, tuple(inputs), (), inputs[0].name)
    env = trace_inputs(program)
    pool = Pool(rng, [Value.of(n, t) for n, t in env.items()])
    target = int(round(math.exp(rng.uniform(math.log(MIN_OPS), math.log(max_ops)))))
    nodes: list[Node] = []
    for _ in range(target * 8):
        if len(nodes) >= target:
            break
        group = by_family[
            names[min(int(np.searchsorted(chances, rng.random(), side="right")), len(names) - 1)]
        ]
        spec = group[int(rng.integers(len(group)))]
        drawn = spec.draw(pool)
        if drawn is None:
            continue
        node = Node(f"v{len(nodes)}", spec.key, *drawn)
        value = evaluate(node, env)
        if value is None:
            continue
        nodes.append(node)
        env[node.name] = value
        pool.values.append(Value.of(node.name, value))
    outputs = [
        n.name for n in nodes if env[n.name].is_floating_point() and env[n.name].requires_grad
    ]
    if not outputs:
        return None
    program = Program(name, tuple(inputs), tuple(nodes), outputs[-1]).pruned()
    if program.size < min(MIN_OPS, max_ops) or trace(program) is None:
        return None
    return program


def trace_inputs(program: Program) -> dict[str, torch.Tensor]:
    arrays = program.case().arrays(0)
    return {n: torch.tensor(a, dtype=torch.float64, requires_grad=True) for n, a in arrays.items()}
