"""A random program: inputs and a DAG of op calls, rendered as Python source against the torch
namespace `T`, so one program runs in torch and in the candidate and prints as a `@case`."""

from __future__ import annotations

import linecache
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..function_case import FunctionCase
from ..inputs import Arg
from .specs import SPECS


@dataclass(frozen=True)
class Input:
    """A float input that requires grad, uniform in [low, high)."""

    name: str
    shape: tuple[int, ...]
    low: float = -1.0
    high: float = 1.0

    @property
    def arg(self) -> Arg:
        return Arg(shape=self.shape, low=self.low, high=self.high)

    def declaration(self) -> str:
        """How a `@case` declares it, e.g. `uniform(2, 3, low=0.1, high=2)`."""
        dims = [str(d) for d in self.shape]
        if (self.low, self.high) != (-1.0, 1.0):
            dims += [f"low={self.low:g}", f"high={self.high:g}"]
        return f"uniform({', '.join(dims)})"


@dataclass(frozen=True)
class Node:
    """`name = <op spec rendered on args with params>`; args name inputs or earlier nodes."""

    name: str
    op: str  # a key of optable.SPECS
    args: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)

    def expression(self) -> str:
        return SPECS[self.op].render(list(self.args), dict(self.params))


@dataclass(frozen=True)
class Program:
    """Inputs, nodes in evaluation order, and the node whose value is the program's output."""

    name: str
    inputs: tuple[Input, ...]
    nodes: tuple[Node, ...]
    output: str

    @property
    def ops(self) -> list[str]:
        """The torch op of each node, in order (`__getitem__` for indexing)."""
        return [SPECS[n.op].op_name(n.params) for n in self.nodes]

    @property
    def size(self) -> int:
        return len(self.nodes)

    def source(self, doc: str | None = None) -> str:
        """`def <name>(T, x0, ...)` with one line per node and the output returned."""
        params = ", ".join(["T", *(i.name for i in self.inputs)])
        lines = [f"def {self.name}({params}):"]
        if doc:
            lines.append(f'    """{doc}"""')
        for node in self.nodes:
            if node.name == self.output:
                lines.append(f"    return {node.expression()}")
            else:
                lines.append(f"    {node.name} = {node.expression()}")
        if not self.nodes or self.nodes[-1].name != self.output:
            lines.append(f"    return {self.output}")
        return "\n".join(lines) + "\n"

    def function(self) -> Callable[..., Any]:
        """The compiled program; its source is registered so `inspect.getsource` finds it."""
        text = self.source(doc=f"random program, {_plural(self.size, 'op')}: {self.summary()}")
        filename = f"<fuzz {self.name} {abs(hash(text)):x}>"
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        scope: dict[str, Any] = {}
        exec(compile(text, filename, "exec"), scope)  # noqa: S102 - our own generated source
        return scope[self.name]

    def summary(self) -> str:
        return ", ".join(dict.fromkeys(self.ops)) or "no ops"

    def case(self) -> FunctionCase:
        """The program as a harness case (not registered): the harness runs and pages it."""
        return FunctionCase(
            fn=self.function(),
            name=self.name,
            inputs={i.name: i.arg for i in self.inputs},
            tags=("fuzz",),
        )

    def case_definition(self) -> str:
        """A copy-pasteable `@case` for compare/cases/ (same name: same input values)."""
        inputs = ", ".join(f'"{i.name}": {i.declaration()}' for i in self.inputs)
        doc = f"fuzz regression: {self.summary()}"
        return f"@case(inputs={{{inputs}}})\n" + self.source(doc=doc)

    # -- edits the shrinker makes; each returns a new program (dead code pruned) --

    def pruned(self) -> Program:
        """Only the nodes and inputs the output depends on."""
        by_name = {n.name: n for n in self.nodes}
        live, todo = set(), [self.output]
        while todo:
            name = todo.pop()
            if name in live:
                continue
            live.add(name)
            if name in by_name:
                todo.extend(by_name[name].args)
        nodes = tuple(n for n in self.nodes if n.name in live)
        inputs = tuple(i for i in self.inputs if i.name in live)
        return replace(self, nodes=nodes, inputs=inputs)

    def with_output(self, name: str) -> Program:
        return replace(self, output=name).pruned()

    def substitute(self, old: str, new: str, extra: Iterable[Input] = ()) -> Program:
        """Every use of value `old` reads `new` instead (an input, possibly a new one)."""
        nodes = tuple(
            replace(n, args=tuple(new if a == old else a for a in n.args))
            for n in self.nodes
            if n.name != old
        )
        output = new if self.output == old else self.output
        inputs = (*self.inputs, *extra)
        return replace(self, nodes=nodes, inputs=inputs, output=output).pruned()

    def with_node(self, node: Node) -> Program:
        return replace(self, nodes=tuple(node if n.name == node.name else n for n in self.nodes))

    def with_input(self, new: Input) -> Program:
        return replace(self, inputs=tuple(new if i.name == new.name else i for i in self.inputs))

    def canonical(self) -> Program:
        """Inputs renamed x0, x1, ... and nodes v0, v1, ... in order (input values change)."""
        names = {i.name: f"x{k}" for k, i in enumerate(self.inputs)}
        names.update({n.name: f"v{k}" for k, n in enumerate(self.nodes)})
        return replace(
            self,
            inputs=tuple(replace(i, name=names[i.name]) for i in self.inputs),
            nodes=tuple(
                replace(n, name=names[n.name], args=tuple(names[a] for a in n.args))
                for n in self.nodes
            ),
            output=names[self.output],
        )

    def new_input_name(self) -> str:
        taken = {i.name for i in self.inputs}
        return next(f"x{k}" for k in range(len(taken) + 1) if f"x{k}" not in taken)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
