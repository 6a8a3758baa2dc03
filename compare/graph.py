"""Walk a recorded autograd graph through torch's Node protocol and draw it as mermaid.

Works for any framework that records graphs the way torch does: `tensor.grad_fn`, `node.name()`,
`node.next_functions` (pairs of node-or-None and output index), leaves as `AccumulateGrad` nodes
with a `.variable`.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: graphs with more nodes (after folding repeats) are drawn up to this many, the rest as one node
MAX_NODES = 60
#: the walk stops after this many nodes: enough to fold a chain of hundreds of repeated steps,
#: and far from the 10^5-node graphs that are slow to walk and that torch can crash freeing
WALK_MAX_NODES = 3000
#: a block of nodes repeated this many times in a row is drawn once, marked "× n"
MIN_REPEATS = 3

#: torch names that are an implementation detail, with the op a learner wrote
LEARNER_OPS = {
    "UnsafeViewBackward0": "matmul",
    "ReshapeAliasBackward0": "reshape",
    "AddmmBackward0": "linear",
    "TBackward0": "transpose",
    "RsubBackward1": "number − x",
    "MulBackward1": "× a number",
    "PowBackward0": "x ** number",
    "PowBackward1": "x ** y",
    "PowBackward2": "number ** x",
    "SumBackward1": "sum over dim",
    "MeanBackward1": "mean over dim",
    "MaxBackward0": "max of all",
    "MaxBackward1": "max over dim",
    "MinBackward0": "min of all",
    "MinBackward1": "min over dim",
    "ProdBackward1": "prod over dim",
    "ClampBackward1": "clamp",
    "NativeLayerNormBackward0": "layer_norm",
    "LinalgVectorNormBackward0": "norm",
    "ExpandBackward0": "broadcast",
    "CloneBackward0": "clone",
    "SplitBackward0": "chunk/split",
}


@dataclass(frozen=True)
class Graph:
    """Nodes (label, kind) in breadth-first order from the output; edges follow the data."""

    nodes: tuple[tuple[str, str], ...]  # kind: "output", "op" or "leaf"
    edges: tuple[tuple[int, int], ...]  # (producer, consumer) node indices; OMITTED: not walked
    omitted: int = 0  # nodes next to the walked ones that were not walked (the walk stopped)
    #: folded repeats: (the node indices of the one instance drawn, how many times it repeats)
    repeats: tuple[tuple[tuple[int, ...], int], ...] = field(default=(), compare=False)


#: the producer index of an edge from a node the walk did not visit
OMITTED = 1 << 62


def shape_text(shape: Any) -> str:
    dims = tuple(int(d) for d in shape)
    return str(dims) if dims else "scalar"


def walk(output: Any, inputs: Mapping[str, Any], max_nodes: int = WALK_MAX_NODES) -> Graph | None:
    """The graph that produced `output`, with leaves named after `inputs`; None if there is none.

    The walk stops after `max_nodes` nodes: touching every node of a huge graph is slow, and
    torch can crash freeing a 10^5-node graph whose nodes Python has seen.
    """
    root = getattr(output, "grad_fn", None)
    if root is None:
        return None
    names = {id(t): name for name, t in inputs.items()}
    nodes: list[tuple[str, str]] = [(f"output {shape_text(output.shape)}", "output")]
    edges: list[tuple[int, int]] = []
    index: dict[tuple[str, int], int] = {}
    alive: list[Any] = []  # keeps walked nodes alive, so their ids stay unique during the walk

    def visit(node: Any) -> tuple[int, bool]:
        """The node's index, and whether it is new."""
        variable = getattr(node, "variable", None)
        key = ("leaf", id(variable)) if variable is not None else ("op", id(node))
        if key in index:
            return index[key], False
        alive.append(node)
        alive.append(variable)
        if variable is not None:
            name = names.get(id(variable), "leaf")
            nodes.append((f"{name} {shape_text(variable.shape)}", "leaf"))
        else:
            nodes.append((str(node.name()).rsplit("::", 1)[-1], "op"))
        index[key] = len(nodes) - 1
        return index[key], True

    first, _ = visit(root)
    edges.append((first, 0))
    queue = deque([root])
    omitted: set[int] = set()
    while queue:
        node = queue.popleft()
        consumer = index[("op", id(node))]
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            variable = getattr(nxt, "variable", None)
            known = ("leaf", id(variable)) if variable is not None else ("op", id(nxt))
            if known not in index and len(nodes) >= max_nodes:
                alive.append(nxt)
                omitted.add(id(nxt))
                edges.append((OMITTED, consumer))
                continue
            producer, new = visit(nxt)
            edges.append((producer, consumer))
            if new and variable is None:
                queue.append(nxt)
    return Graph(tuple(nodes), tuple(edges), len(omitted))


def learner_label(name: str) -> str:
    """A node's name, with the op a learner wrote when torch's name is an implementation detail:
    "UnsafeViewBackward0 (matmul)"."""
    op = LEARNER_OPS.get(name)
    return f"{name} ({op})" if op else name


def fold(graph: Graph, min_repeats: int = MIN_REPEATS) -> Graph:
    """The graph with runs of identical blocks drawn once: a chain of 54 multiplications becomes
    one node "× 54 MulBackward0", 400 steps of y + 0.05·sin(y) one block marked "× 399".

    Blocks are cut at the graph's bottlenecks: the ops every path from the output down to the
    first ops (those fed by leaves alone) passes through. A block is a bottleneck and the ops
    between it and the next; two blocks are identical when their names, their edges inside,
    their edges to the next bottleneck and to leaves are.
    """
    producers: dict[int, list[int]] = {}
    for p, c in graph.edges:
        producers.setdefault(c, []).append(p)
    if graph.omitted:  # the walk stopped: what lies below is unknown, so nothing is folded
        return graph
    kinds = [k for _, k in graph.nodes]
    ops = [i for i, k in enumerate(kinds) if k == "op"]
    roots = [p for p in producers.get(0, []) if kinds[p] == "op"]
    if len(ops) < min_repeats or len(roots) != 1:
        return graph
    op_producers = {i: [p for p in producers.get(i, []) if kinds[p] == "op"] for i in ops}
    order = _topological(roots[0], op_producers)
    if len(order) != len(ops):
        return graph
    # paths from the root to each node, and from each node down to the virtual sink
    down: dict[int, int] = {}
    for v in reversed(order):
        down[v] = sum(down[p] for p in op_producers[v]) if op_producers[v] else 1
    up: dict[int, int] = dict.fromkeys(order, 0)
    up[roots[0]] = 1
    for v in order:
        for p in op_producers[v]:
            up[p] += up[v]
    total = down[roots[0]]
    spine = [v for v in order if up[v] * down[v] == total]
    level = {v: 0 for v in order}
    rank = {v: k for k, v in enumerate(spine)}
    for v in order:  # consumers come first, so each node's level is final when reached
        if v in rank:
            level[v] = rank[v]
        for p in op_producers[v]:
            if p not in rank:
                level[p] = max(level[p], level[v])
    blocks: list[list[int]] = [[] for _ in spine]
    for v in sorted(order):
        blocks[level[v]].append(v)
    signatures = [_signature(b, spine[k + 1] if k + 1 < len(spine) else None, graph, producers)
                  for k, b in enumerate(blocks)]  # fmt: skip
    runs: list[tuple[int, int]] = []  # (first block, count)
    k = 0
    while k < len(blocks):
        n = 1
        while k + n < len(blocks) and signatures[k + n] == signatures[k]:
            n += 1
        if n >= min_repeats:
            runs.append((k, n))
        k += n
    if not runs:
        return graph
    return _folded(graph, blocks, spine, runs, producers)


def _topological(root: int, producers: Mapping[int, list[int]]) -> list[int]:
    """Ops reachable from `root`, every consumer before its producers (Kahn's algorithm)."""
    indegree: Counter[int] = Counter()
    seen, stack = {root}, [root]
    while stack:
        v = stack.pop()
        for p in producers[v]:
            indegree[p] += 1
            if p not in seen:
                seen.add(p)
                stack.append(p)
    order, ready = [], deque([root])
    while ready:
        v = ready.popleft()
        order.append(v)
        for p in producers[v]:
            indegree[p] -= 1
            if indegree[p] == 0:
                ready.append(p)
    return order


def _signature(
    block: list[int], below: int | None, graph: Graph, producers: Mapping[int, list[int]]
) -> tuple:
    position = {v: k for k, v in enumerate(block)}
    edges = []
    for v in block:
        for p in producers.get(v, []):
            if p in position:
                edges.append(("in", position[p], position[v]))
            elif p == below:
                edges.append(("next", position[v]))
            elif graph.nodes[p][1] == "leaf":
                edges.append(("leaf", p, position[v]))
            else:
                return ("unique", block[0])  # an edge that skips a bottleneck: never folded
    return (tuple(graph.nodes[v][0] for v in block), tuple(sorted(edges)))


def _folded(
    graph: Graph,
    blocks: list[list[int]],
    spine: list[int],
    runs: list[tuple[int, int]],
    producers: Mapping[int, list[int]],
) -> Graph:
    """Keep each run's first block, send its edges on to the bottleneck after the run."""
    dropped: set[int] = set()
    redirect: dict[int, int] = {}  # a dropped bottleneck -> the bottleneck after its run
    count: dict[int, int] = {}  # a kept node -> how many it stands for
    for first, n in runs:
        for v in blocks[first]:
            count[v] = n
        for b in blocks[first + 1 : first + n]:
            dropped.update(b)
        after = spine[first + n] if first + n < len(spine) else None
        if after is not None:
            redirect[spine[first + 1]] = after
    keep = [i for i in range(len(graph.nodes)) if i not in dropped]
    new = {old: k for k, old in enumerate(keep)}
    nodes = []
    for old in keep:
        label, kind = graph.nodes[old]
        single = any(blocks[f] == [old] for f, _ in runs)
        nodes.append((f"× {count[old]} {label}" if single else label, kind))
    edges = []
    for p, c in graph.edges:
        if c in dropped:
            continue
        p = redirect.get(p, p)
        if p in dropped:
            continue
        times = count.get(c, 1) if graph.nodes[p][1] == "leaf" else 1
        edges += [(new[p], new[c])] * times
    repeats = tuple((tuple(new[v] for v in blocks[f]), n) for f, n in runs if len(blocks[f]) > 1)
    return Graph(tuple(nodes), tuple(edges), 0, repeats)


def _label(text: str) -> str:
    """A label mermaid accepts inside double quotes."""
    return text.replace('"', "#quot;")


def _body(graph: Graph, max_nodes: int, prefix: str = "n", indent: str = "    ") -> list[str]:
    """Mermaid lines for one graph (nodes, folded repeats as subgraphs, edges)."""
    graph = fold(graph)
    shown = min(len(graph.nodes), max_nodes)
    hidden = len(graph.nodes) - shown + graph.omitted
    shapes = {"output": '(["{}"])', "op": '["{}"]', "leaf": '[/"{}"/]'}
    grouped = {v: k for k, (members, _) in enumerate(graph.repeats) for v in members}
    lines = []
    for i, (label, kind) in enumerate(graph.nodes[:shown]):
        if i not in grouped:
            lines.append(f"{indent}{prefix}{i}" + shapes[kind].format(_label(learner_label(label))))
    for k, (members, n) in enumerate(graph.repeats):
        inside = [v for v in members if v < shown]
        if not inside:
            continue
        lines.append(f'{indent}subgraph {prefix}r{k}["× {n}: the same {len(members)} nodes"]')
        for v in inside:
            label, kind = graph.nodes[v]
            lines.append(
                f"{indent}    {prefix}{v}" + shapes[kind].format(_label(learner_label(label)))
            )
        lines.append(f"{indent}end")
    more = f"{prefix}more"
    if hidden:
        plus = "+" if graph.omitted else ""  # the walk stopped: more may lie behind these
        many = "s" if hidden > 1 or plus else ""
        lines.append(f'{indent}{more}["... {hidden}{plus} more node{many}"]')
    counts: dict[tuple[str, str], int] = {}  # in first-seen order; a*a uses its input twice
    for producer, consumer in graph.edges:
        if consumer < shown:
            edge = (more if producer >= shown else f"{prefix}{producer}", f"{prefix}{consumer}")
            counts[edge] = counts.get(edge, 0) + 1
    for (a, b), n in counts.items():
        lines.append(f'{indent}{a} -->|"×{n}"| {b}' if n > 1 else f"{indent}{a} --> {b}")
    return lines


def mermaid(graph: Graph, max_nodes: int = MAX_NODES) -> str:
    """The graph as a mermaid flowchart (a fenced block GitHub renders), inputs at the top;
    repeated blocks folded, implementation-detail names glossed."""
    return "\n".join(["```mermaid", "flowchart TD", *_body(graph, max_nodes), "```"])


def mermaid_pair(
    left: Graph, right: Graph, left_name: str, right_name: str, max_nodes: int = MAX_NODES
) -> str:
    """Two graphs side by side in one flowchart, each in a box named after its framework."""
    lines = ["```mermaid", "flowchart TD"]
    for key, graph, name in (("a", left, left_name), ("b", right, right_name)):
        lines.append(f'    subgraph {key}["{_label(name)}"]')
        lines.append("    direction TB")
        lines += _body(graph, max_nodes, prefix=key, indent="        ")
        lines.append("    end")
    lines.append("```")
    return "\n".join(lines)
