"""Present an engine that does not speak torch's names through the harness's engine protocol.

The harness drives an engine through a torch-named namespace `T` (`T.tensor`, `T.float64`,
`T.tanh`, `x @ y`, `.backward(gradient=)`, `.grad`, `T.autograd.grad`, see compare/ENGINES.md).
An `Adapter` subclass says, for one engine, how to make a tensor, read it back, take gradients
and which torch names map to which of its functions (`ops`); `Adapter.namespace()` builds `T`
from that. A torch name the adapter does not map raises the AttributeError torch's own missing
names raise (`module 'dezero' has no attribute 'cat'`), which the harness reports as 🚧 missing.
"""

from __future__ import annotations

import operator
import types
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

Raw = Any  # one of the engine's own tensors (a DeZero Variable, a tinygrad Tensor, ...)


class NotApplicable(Exception):
    """The engine cannot run this case by design (e.g. micrograd has scalars only)."""


class DType:
    """`T.float32` / `T.float64`: a name the adapter maps to the engine's own dtype."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.is_floating_point = name.startswith("float")

    def __repr__(self) -> str:
        return f"{self.name}"


DTYPES = {name: DType(name) for name in ("float32", "float64", "int64", "bool")}


class Adapter:
    """How one engine creates, reads and differentiates tensors, and which torch names it has."""

    name: ClassVar[str] = "engine"  # what reports call it (and the module name in messages)
    package: ClassVar[str] = ""  # the distribution whose version the environment table shows
    #: one line each on the engine's documented design that shows in its rows
    quirks: ClassVar[tuple[str, ...]] = ()
    second_order: ClassVar[bool] = True  # can the engine differentiate its gradients?
    dtypes: ClassVar[tuple[str, ...]] = ("float32", "float64")  # float dtypes it computes in
    graph: ClassVar[str] = ""  # why the engine draws no backward graph, when node() can't

    def __init__(self) -> None:
        self.ops: dict[str, Callable[..., Any]] = self.op_table()

    # --- what an adapter implements -----------------------------------------------------------

    def op_table(self) -> dict[str, Callable[..., Any]]:
        """torch name -> function on the engine's tensors (and Python scalars) with torch's
        arguments; the dunders use "add", "sub", "mul", "truediv", "pow", "matmul", "neg",
        "getitem", each called as in `a OP b` (a scalar may stand on either side)."""
        return {}

    def make(self, array: np.ndarray, requires_grad: bool) -> Raw:
        """A leaf holding `array` (already in the dtype under test)."""
        raise NotImplementedError

    def to_numpy(self, raw: Raw) -> np.ndarray:
        raise NotImplementedError

    def grad(
        self, output: Raw, inputs: Sequence[Raw], grad_output: Raw | None, create_graph: bool
    ) -> list[Raw | None]:
        """d output / d inputs with upstream `grad_output` (None: ones); None where unused."""
        raise NotImplementedError

    def node(self, raw: Raw) -> tuple[str, Sequence[Raw], object] | None:
        """(op name, input tensors, identity) of the op that made `raw`; None for a leaf."""
        return None

    def shape(self, raw: Raw) -> tuple[int, ...]:
        return tuple(int(d) for d in np.shape(self.to_numpy(raw)))

    def depends(self, raw: Raw, leaves: Sequence[Raw]) -> bool:
        """Does `raw` depend on any of `leaves`? (Whether a gradient is constant.) By default,
        a walk of `node()`."""
        targets = {id(x) for x in leaves}
        seen: set[int] = set()
        stack = [raw]
        while stack:
            r = stack.pop()
            if id(r) in targets:
                return True
            found = self.node(r)
            if found is None or id(found[2]) in seen:
                continue
            seen.add(id(found[2]))
            stack.extend(found[1])
        return False

    def version(self) -> str:
        return ""

    # --- the namespace the harness sees -------------------------------------------------------

    def namespace(self) -> types.ModuleType:
        """The torch-named module `T` the cases and the harness run against."""
        return Namespace(self)


def _unwrap(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value.raw
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    return value


class Namespace(types.ModuleType):
    """`T`: tensor creation, dtypes, autograd and the adapter's ops under torch's names."""

    def __init__(self, adapter: Adapter) -> None:
        super().__init__(adapter.name)
        self.adapter = adapter
        self.__version__ = adapter.version()
        self.autograd = types.SimpleNamespace(grad=self._autograd_grad)
        self.nn = types.SimpleNamespace(functional=_Functional(self))
        for name, dt in DTYPES.items():
            setattr(self, name, dt)
        self.Tensor = Tensor
        # the live leaves that require grad, by their raw tensor: what backward() fills and
        # what graph drawing names
        self.leaves: weakref.WeakValueDictionary[int, Tensor] = weakref.WeakValueDictionary()

    def tensor(self, data: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
        array = np.asarray(data)
        if dtype is not None:
            if dtype.is_floating_point and dtype.name not in self.adapter.dtypes:
                raise NotApplicable(
                    f"{self.adapter.name} computes in {', '.join(self.adapter.dtypes)} only, "
                    f"not {dtype.name}"
                )
            array = array.astype(dtype.name)
        leaf = Tensor(self, self.adapter.make(array, requires_grad), requires_grad, leaf=True)
        if requires_grad:
            self.leaves[id(leaf.raw)] = leaf
        return leaf

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        fn = self.adapter.ops.get(name)
        if fn is None:
            raise AttributeError(f"module '{self.adapter.name}' has no attribute '{name}'")
        return lambda *args, **kwargs: self.wrap(fn(*_unwrap(args), **_unwrap(kwargs)), args)

    def wrap(self, raw: Any, args: Iterable[Any] = ()) -> Any:
        """An engine result as a Tensor (tuples of results as tuples of Tensors)."""
        if isinstance(raw, (tuple, list)):
            return type(raw)(self.wrap(r, args) for r in raw)
        if isinstance(raw, (int, float, bool, np.generic)):
            return raw
        needs = any(isinstance(a, Tensor) and a.requires_grad for a in _flat(args))
        return Tensor(self, raw, needs)

    def _autograd_grad(
        self,
        outputs: Any,
        inputs: Any,
        grad_outputs: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        allow_unused: bool | None = None,
    ) -> tuple[Tensor | None, ...]:
        outs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        gys = list(grad_outputs) if isinstance(grad_outputs, (list, tuple)) else [grad_outputs]
        xs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(outs) == 1:
            out, gy = outs[0], gys[0]
        else:  # several outputs: the gradient of sum_k <gy_k, out_k>, in the engine's own ops
            terms = [o if g is None else o * g for o, g in zip(outs, gys, strict=True)]
            sums = [t.sum() if t.ndim else t for t in terms]
            out, gy = sums[0], None
            for t in sums[1:]:
                out = out + t
        raws = self.adapter.grad(out.raw, [x.raw for x in xs], _unwrap(gy), create_graph)
        leaves = [t.raw for t in self.leaves.values()]
        grads = tuple(
            None if r is None else Tensor(self, r, create_graph and self.adapter.depends(r, leaves))
            for r in raws
        )
        if not allow_unused and any(g is None for g in grads):
            raise RuntimeError(
                "One of the differentiated Tensors appears to not have been used in the graph. "
                "Set allow_unused=True if this is the desired behavior."
            )
        return grads


class _Functional:
    """`T.nn.functional`: the adapter's ops again, as torch's F namespace has them."""

    def __init__(self, ns: Namespace) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ns, name)


def _flat(args: Iterable[Any]) -> Iterable[Any]:
    for a in args:
        if isinstance(a, (list, tuple)):
            yield from _flat(a)
        else:
            yield a


def _binary(op: str, reflected: bool = False) -> Callable[[Tensor, Any], Any]:
    def method(self: Tensor, other: Any) -> Any:
        fn = self.ns.adapter.ops.get(op)
        if fn is None:
            raise AttributeError(f"'Tensor' object has no attribute '__{op}__'")
        a, b = (_unwrap(other), self.raw) if reflected else (self.raw, _unwrap(other))
        return self.ns.wrap(fn(a, b), (self, other))

    return method


class Tensor:
    """One engine tensor seen through torch's Tensor API."""

    __slots__ = ("ns", "raw", "requires_grad", "is_leaf", "_grad", "__weakref__")

    def __init__(self, ns: Namespace, raw: Raw, requires_grad: bool, leaf: bool = False) -> None:
        self.ns, self.raw, self.requires_grad, self.is_leaf = ns, raw, requires_grad, leaf
        self._grad: Tensor | None = None

    # data
    @property
    def shape(self) -> tuple[int, ...]:
        return self.ns.adapter.shape(self.raw)

    def size(self, dim: int | None = None) -> Any:
        return self.shape if dim is None else self.shape[dim]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return int(np.prod(self.shape))

    @property
    def dtype(self) -> DType:
        kind = self.numpy().dtype
        return DTYPES.get(kind.name, DType(kind.name))

    def numpy(self) -> np.ndarray:
        return self.ns.adapter.to_numpy(self.raw)

    def detach(self) -> Tensor:
        return Tensor(self.ns, self.raw, False)

    def item(self) -> float:
        return self.numpy().item()

    def __repr__(self) -> str:
        return f"{self.ns.adapter.name}.Tensor({self.numpy()!r})"

    # autograd
    @property
    def grad(self) -> Tensor | None:
        return self._grad

    def backward(self, gradient: Tensor | None = None) -> None:
        leaves = list(self.ns.leaves.values())
        if not leaves:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn"
            )
        grads = self.ns.adapter.grad(self.raw, [t.raw for t in leaves], _unwrap(gradient), False)
        for leaf, g in zip(leaves, grads, strict=True):
            if g is not None:
                leaf._grad = Tensor(self.ns, g, False) if leaf._grad is None else leaf._grad + g

    @property
    def grad_fn(self) -> Node | None:
        found = self.ns.adapter.node(self.raw)
        return None if found is None else Node(self.ns, found, {})

    # ops by torch name
    def __getattr__(self, name: str) -> Any:
        fn = self.ns.adapter.ops.get(name)
        if fn is None or name.startswith("__"):
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")
        if name in ("T", "mT"):
            return self.ns.wrap(fn(self.raw), (self,))
        return lambda *a, **k: self.ns.wrap(fn(self.raw, *_unwrap(a), **_unwrap(k)), (self, *a))

    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("sub"), _binary("sub", True)
    __mul__, __rmul__ = _binary("mul"), _binary("mul", True)
    __truediv__, __rtruediv__ = _binary("truediv"), _binary("truediv", True)
    __pow__, __rpow__ = _binary("pow"), _binary("pow", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __getitem__ = _binary("getitem")

    def __neg__(self) -> Any:
        return self.ns.wrap(self.ns.adapter.ops.get("neg", operator.neg)(self.raw), (self,))

    __hash__ = object.__hash__


class Node:
    """torch's Node protocol over an adapter's `node()`: `name()`, `next_functions`."""

    def __init__(self, ns: Namespace, found: tuple[str, Sequence[Raw], object], seen: dict) -> None:
        self._ns, self._found, self._seen = ns, found, seen
        seen[id(found[2])] = self

    def name(self) -> str:
        return self._found[0]

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        out = []
        leaf_of = self._ns.leaves
        for raw in self._found[1]:
            found = self._ns.adapter.node(raw)
            if found is None:
                leaf = leaf_of.get(id(raw))
                out.append((None if leaf is None else _Leaf(leaf), 0))
            else:
                node = self._seen.get(id(found[2])) or Node(self._ns, found, self._seen)
                out.append((node, 0))
        return tuple(out)


class _Leaf:
    """torch's AccumulateGrad: a leaf input of the graph."""

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self.next_functions = ()

    def name(self) -> str:
        return "AccumulateGrad"
