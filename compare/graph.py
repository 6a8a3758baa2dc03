"""Walk a recorded autograd graph through torch's Node protocol and draw it as mermaid.

Works for any framework that records graphs the way torch does: `tensor.grad_fn`, `node.name()`,
`node.next_functions` (pairs of node-or-None and output index), leaves as `AccumulateGrad` nodes
with a `.variable`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: graphs with more nodes are drawn up to this many, with the rest folded into one node
MAX_NODES = 60


@dataclass(frozen=True)
class Graph:
    """Nodes (label, kind) in breadth-first order from the output; edges follow the data."""

    nodes: tuple[tuple[str, str], ...]  # kind: "output", "op" or "leaf"
    edges: tuple[tuple[int, int], ...]  # (producer, consumer) node indices; OMITTED: not walked
    omitted: int = 0  # nodes next to the walked ones that were not walked (the walk stopped)


#: the producer index of an edge from a node the walk did not visit
OMITTED = 1 << 62


def shape_text(shape: Any) -> str:
    dims = tuple(int(d) for d in shape)
    return str(dims) if dims else "scalar"


def walk(output: Any, inputs: Mapping[str, Any], max_nodes: int = MAX_NODES) -> Graph | None:
    """The graph that produced `output`, with leaves named after `inputs`; None if there is none.

    The walk stops after `max_nodes` nodes, what can be drawn: touching every node of a huge
    graph is slow, and torch can crash freeing a 10^5-node graph whose nodes Python has seen.
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


def _label(text: str) -> str:
    """A label mermaid accepts inside double quotes."""
    return text.replace('"', "#quot;")


def mermaid(graph: Graph, max_nodes: int = MAX_NODES) -> str:
    """The graph as a mermaid flowchart (a fenced block GitHub renders), inputs at the top."""
    shown = min(len(graph.nodes), max_nodes)
    hidden = len(graph.nodes) - shown + graph.omitted
    shapes = {"output": '(["{}"])', "op": '["{}"]', "leaf": '[/"{}"/]'}
    lines = ["```mermaid", "flowchart TD"]
    for i, (label, kind) in enumerate(graph.nodes[:shown]):
        lines.append(f"    n{i}" + shapes[kind].format(_label(label)))
    if hidden:
        plus = "+" if graph.omitted else ""  # the walk stopped: more lie behind these
        lines.append(f'    more["... {hidden}{plus} more node{"s" if hidden > 1 else ""}"]')
    counts: dict[tuple[str, str], int] = {}  # in first-seen order; a*a uses its input twice
    for producer, consumer in graph.edges:
        if consumer < shown:
            edge = ("more" if producer >= shown else f"n{producer}", f"n{consumer}")
            counts[edge] = counts.get(edge, 0) + 1
    for (a, b), n in counts.items():
        lines.append(f'    {a} -->|"×{n}"| {b}' if n > 1 else f"    {a} --> {b}")
    lines.append("```")
    return "\n".join(lines)
