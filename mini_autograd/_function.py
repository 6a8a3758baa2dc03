"""The graph node: `Function`, one subclass per op: `forward` on arrays, `backward` on either.

An op's `backward(gy, *xs)` is written once with plain operators and mini_autograd ops. The engine
calls it with numpy arrays when no graph of the backward pass is wanted (the common, fast case), and
with Tensors under `create_graph=True`, when the same formula records its own graph and gives
higher-order derivatives (DeZero's idea, without paying for graph recording when nobody needs it).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from . import _gcpause, _grad_mode, _version
from ._tensor import Tensor, _make

_grad_state = _grad_mode.state
_epoch = _version.epoch
_DEEP = _gcpause.DEEP
_call_paused = _gcpause.call_paused
_new = Tensor.__new__
_float64, _ndarray = np.float64, np.ndarray
_gc_isenabled, _gc_disable, _gc_enable = _gcpause._isenabled, _gcpause._disable, _gcpause._enable


def _live_views(base: Any) -> bool:
    """Whether base has views alive (set by mini_autograd._views, which imports this module)."""
    return False


# needs_input_grad of one- and two-input nodes, shared rather than built per node
_ONE_NEEDS = (True,)
_TWO_NEEDS = ((None, (False, True)), ((True, False), (True, True)))


class Function:
    """A node of the graph: one op applied to some inputs.

    Subclasses implement `forward(*arrays) -> array | tuple[array, ...]` and
    `backward(gy, *xs) -> gx | tuple[gx, ...]` (a tuple exactly when the op has several inputs; None
    for an input that gets no gradient). Parameters of the op go to `__init__`.

    A backward returns arrays it computed, or the gradients it was given (views of them too), never
    an array it keeps elsewhere (a cached constant): the engine makes a computed array a leaf's
    .grad without copying it, as torch steals an unshared gradient buffer.
    """

    __slots__ = (
        "inputs",
        "generation",
        "needs_input_grad",
        "_y",
        "_epoch",
        "__weakref__",
        "__dict__",
    )

    #: how many tensors forward returned (set on the node only by multi-output ops)
    n_outputs = 1
    #: output_nr -> weakref of each output with hooks or retain_grad, which backward must visit;
    #: the other outputs are not referenced at all (no weakref per node: less memory, less gc)
    _watched: dict[int, weakref.ref] | None = None
    #: set on ops whose backward uses their own output (exp, tanh, ...): forward's result is kept
    save_output = False
    #: whether a Python number among the inputs has a (None, 0) entry in next_functions, as in
    #: torch's ops that wrap it as a tensor (add, sub, mul, div, where); others list none
    scalar_edges = False
    #: which inputs backward reads (by position); None: every tensor input. An op whose backward
    #: needs only shapes (add, sum, reshape, slicing) declares () so that an input written in place
    #: after the op ran is no error, as in torch; the safe default makes such a write an error.
    saves: tuple[int, ...] | None = None
    #: set on the nodes of view ops (`_views.View`): the result shares its input's memory
    is_view = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # the class takes torch's node name (`type(y.grad_fn).__name__ == "AddBackward0"`, as in
        # torch): a class-level `node` string, else the op's name + "Backward0". Nodes named per
        # call (ops.Node) move to a same-layout subclass of that name, made once (named_class).
        super().__init_subclass__(**kwargs)
        if "_origin" in cls.__dict__:
            return
        cls._origin = cls
        fixed = cls.__dict__.get("node")
        if isinstance(fixed, str):
            delattr(cls, "node")  # the name is the type's now (ops.Node.node reads it)
        name = fixed if isinstance(fixed, str) else cls.__name__ + "Backward0"
        if name.startswith("torch::autograd::"):  # torch's type is the short name
            cls._torch_name, name = name, name.removeprefix("torch::autograd::")
        cls.__name__ = cls.__qualname__ = name

    def __call__(self, *grads: Any) -> Any:
        """A node of the graph called with its output gradients returns its input gradients, as
        torch's (the manual backprop of DeZero). The engine applies an op with `_run`."""
        try:
            self.generation  # noqa: B018 - set once the node is in a graph
        except AttributeError:
            raise TypeError(
                f"{type(self).__name__} is not in a graph: a node is called with the gradients of "
                "its outputs once an op has recorded it (ops apply with Function._run)"
            ) from None
        return _call_node(self, grads)

    def _run(self, *inputs: Any) -> Any:
        """Apply the op to its inputs (Tensors or arrays): the node records itself in the graph
        when an input requires grad and grad mode is on."""
        # nearly every op has one or two inputs: read those without building lists
        if len(inputs) == 1:
            x = inputs[0]
            if isinstance(x, Tensor):
                ys = self.forward(x._data)
                need = _ONE_NEEDS if x._requires_grad else None
            else:
                ys = self.forward(x)
                need = None
        elif len(inputs) == 2:
            a, b = inputs
            a_is, b_is = isinstance(a, Tensor), isinstance(b, Tensor)
            ys = self.forward(a._data if a_is else a, b._data if b_is else b)
            need = _TWO_NEEDS[a_is and a._requires_grad][b_is and b._requires_grad]
        else:
            ys = self.forward(*[x._data if isinstance(x, Tensor) else x for x in inputs])
            need = tuple([isinstance(x, Tensor) and x._requires_grad for x in inputs])
            if True not in need:
                need = None
        if need is None or not _grad_state.enabled:
            if type(ys) is tuple:
                return tuple([_make(y) for y in ys])
            return _make(ys)

        self.inputs = inputs
        self.needs_input_grad = need
        self._epoch = _epoch[0]  # in-place writes after this one may invalidate saved values
        # one more than the newest input's function: the engine runs consumers before producers
        gen = 0
        if need is _ONE_NEEDS:
            fn = inputs[0].grad_fn
            if fn is not None:
                gen = fn.generation + 1
        elif len(need) == 2:  # no zip object: one allocation less per node
            if need[0]:
                fn = inputs[0].grad_fn
                if fn is not None:
                    gen = fn.generation + 1
            if need[1]:
                fn = inputs[1].grad_fn
                if fn is not None and fn.generation >= gen:
                    gen = fn.generation + 1
        else:
            for x, x_needs in zip(inputs, need, strict=False):  # same length by construction
                if x_needs:
                    fn = x.grad_fn
                    if fn is not None and fn.generation >= gen:
                        gen = fn.generation + 1
        self.generation = gen
        if self.save_output:
            self._y = ys
        if type(ys) is not tuple:
            if type(ys) is not _float64 and ys.dtype.kind != "f":  # a 0-d result is a scalar
                return _make(ys)
            # _make(ys, self), inlined: this is the hot path of every recorded op
            t = _new(Tensor)
            t._data = ys
            t.grad_fn = self
            t._requires_grad = True
            t._grad = None
            t._output_nr = 0
            t._retains_grad = False
            t._hooks = None
            t._rebased = None
            return t
        self.n_outputs = len(ys)
        self._out_meta = [(np.shape(y), y.dtype) for y in ys]
        return tuple(
            [_make(y, self, i) if y.dtype.kind == "f" else _make(y) for i, y in enumerate(ys)]
        )

    @classmethod
    def apply(cls, *args: Any, **params: Any) -> Any:
        """Run the op on Tensors (recording the graph), or on arrays inside a plain backward."""
        # no loop when the first argument is a Tensor: its iterator would be one more object
        # for the collector, allocated before the pause below
        a = args[0] if args else None
        if not isinstance(a, Tensor):
            for a in args:  # noqa: B007 - a is the first Tensor, or the loop ends without one
                if isinstance(a, Tensor):
                    break
            else:
                return (cls(**params) if params else cls()).forward(*args)
        up = a.grad_fn
        if up is not None and up.generation >= _DEEP:
            # deep in a graph: the collector waits from the node's allocation on (see _gcpause)
            return _call_paused(cls, args, params)
        return (cls(**params) if params else cls())._run(*args)

    @classmethod
    def on_tensor(cls, x: Tensor) -> Any:
        """cls()(x) for a Tensor x, as `apply` (the collector waits deep in a graph), with
        nothing to look for: the public unary ops call this."""
        up = x.grad_fn
        if up is not None and up.generation >= _DEEP and _gc_isenabled():
            _gc_disable()  # _gcpause.call_paused, inlined
            try:
                return cls()._run(x)
            finally:
                _gc_enable()
        return cls()._run(x)

    @classmethod
    def on_operands(cls, a: Any, b: Any) -> Any:
        """cls()(a, b) for two operands of which one is a Tensor, as `apply`: the public binary
        ops call this."""
        up = a.grad_fn if isinstance(a, Tensor) else None
        if up is None and isinstance(b, Tensor):
            up = b.grad_fn
        if up is not None and up.generation >= _DEEP and _gc_isenabled():
            _gc_disable()  # _gcpause.call_paused, inlined
            try:
                return cls()._run(a, b)
            finally:
                _gc_enable()
        return cls()._run(a, b)

    def forward(self, *xs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, gy: Any, *xs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def _watch(self, output: Tensor) -> None:
        """Have backward visit this output (it has hooks, or retains its grad)."""
        if self._watched is None:
            self._watched = {}
        self._watched[output._output_nr] = weakref.ref(output)

    def saved_output(self, like: Any) -> Any:
        """The forward result: a Tensor of this graph when `like` is a Tensor, else an array."""
        if isinstance(like, Tensor):
            return _make(self._y, self)
        return self._y

    def saved_tensors_of_inputs(self) -> list[Tensor]:
        """The inputs backward reads (their values must not be written in place meanwhile)."""
        inputs = self.inputs or ()
        picks = range(len(inputs)) if self.saves is None else self.saves
        return [inputs[i] for i in picks if isinstance(inputs[i], Tensor)]

    def saved_arrays(self) -> list[tuple[Any, int, Tensor | None]]:
        """(array, epoch saved at, its tensor or None for the output) for each saved value."""
        saved: list[tuple[Any, int, Tensor | None]] = [
            (x._data, self._epoch, x) for x in self.saved_tensors_of_inputs()
        ]
        if self.save_output and self._y is not None:
            saved.append((self._y, self.__dict__.get("_out_epoch", self._epoch), None))
        return saved

    # --- torch's Node protocol, for walking and drawing the graph -------------------------------

    #: torch's name() where it is not the type's: "torch::autograd::CopySlices" (type CopySlices)
    _torch_name: str | None = None

    def name(self) -> str:
        """torch's node name, e.g. MulBackward0 (the type's name, as in torch)."""
        return self._torch_name or type(self).__name__

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """Per tensor input: (its grad_fn, output index), (AccumulateGrad, 0) for a leaf that
        requires grad, or (None, 0); Python numbers have no entry, as in torch."""
        if self.inputs is None:
            return ()
        nexts = []
        for x in self.inputs:
            if not isinstance(x, Tensor):
                if self.scalar_edges:
                    nexts.append((None, 0))
                continue
            if x._data.dtype.kind == "b":  # masks and conditions are no edges in torch
                continue
            fn, nr = input_edge(x, self._epoch)
            if fn is not None:
                nexts.append((fn, nr))
            elif x._requires_grad:
                nexts.append((AccumulateGrad.of(x), 0))
            else:
                nexts.append((None, 0))
        return tuple(nexts)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def _release(self) -> None:
        """Free the saved values, keeping the structure (next_functions), as torch: inputs
        holding more than a few KiB become stubs of their shape and dtype without memory. A
        node that saved values is marked freed (needs_input_grad None); one that saved nothing
        (add, sum, reshape) can run again."""
        inputs = self.inputs
        if inputs is None:
            return
        self._y = None
        if self.save_output or self.saves is None or self.saved_tensors_of_inputs():
            self.__dict__.clear()
            self.needs_input_grad = None  # freed: backward through it again raises
        elif self.is_view and _live_views(inputs[0]):
            return  # a view's base stays while the view does: in-place writes go through it
        for x in inputs:  # only big arrays (a 0-d result is a numpy scalar): stubs cost time
            if type(x) is Tensor and type(x._data) is _ndarray and x._data.nbytes > 4096:
                self.inputs = tuple([_stub(x) for x in inputs])
                return


def _call_node(fn: Function, grads: tuple) -> Any:
    """fn's input gradients for output gradients `grads`, as calling a torch node: a Tensor for
    a node with one edge (next_functions entry), else a tuple with None where no gradient flows;
    in grad mode the call records a graph of its own, as torch's."""
    n = fn.n_outputs
    if len(grads) != n:
        raise TypeError(f"expected {n} arguments, got {len(grads)} instead")
    for i, g in enumerate(grads):
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"argument {i} is not a Variable")
    inputs = fn.inputs
    needs = fn.needs_input_grad
    if needs is None:  # released by backward
        from ._engine import _FREED

        raise RuntimeError(_FREED)
    edges = []  # (input position or None for a Python number's edge)
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            if fn.scalar_edges:
                edges.append(None)
        elif x._data.dtype.kind != "b":
            edges.append(i)
    if all(g is None for g in grads):
        gxs: Any = (None,) * len(inputs)
    else:
        gy = grads[0] if n == 1 else grads
        gxs = fn.backward(gy, *inputs)
        if len(inputs) == 1:
            gxs = (gxs,)
    out = []
    for i in edges:
        gx = None if i is None or not needs[i] else gxs[i]
        if gx is not None and not isinstance(gx, Tensor):
            gx = _make(gx)
        out.append(gx)
    return out[0] if len(out) == 1 else tuple(out)


#: (op class, torch name) -> the op class under that name, for nodes named per call
_NAMED: dict[tuple[type, str], type] = {}


def named_class(cls: type[Function], name: str) -> type[Function]:
    """`cls` under torch's node name `name`: a subclass with the same layout (so a node can switch
    to it by assigning __class__), made once per name."""
    origin = cls._origin  # type: ignore[attr-defined]
    sub = _NAMED.get((origin, name))
    if sub is None:
        space = {"__slots__": (), "__module__": origin.__module__, "_origin": origin}
        short = name.removeprefix("torch::autograd::")  # the type of torch's CopySlices node
        if short != name:
            space["_torch_name"] = name
        sub = _NAMED[origin, name] = _NAMED[origin, short] = type(origin)(short, (origin,), space)
    return sub


def _stub(x: Any) -> Any:
    """x's place in the graph without its memory (leaves that require grad stay themselves:
    their AccumulateGrad refers to them, as torch's)."""
    if not isinstance(x, Tensor) or (x.grad_fn is None and x._requires_grad):
        return x
    data = x._data
    s = _make(np.broadcast_to(np.zeros((), dtype=data.dtype), np.shape(data)), x.grad_fn)
    s._output_nr, s._requires_grad, s._rebased = x._output_nr, x._requires_grad, x._rebased
    return s


def input_edge(x: Tensor, when: int) -> tuple[Function | None, int]:
    """(grad_fn, output_nr) that x had at epoch `when`: a node recorded then reaches x's old node
    even if x was written in place (and rebased onto a new node) since."""
    history = x._rebased
    if history is not None:
        for at, fn, nr in history:
            if when < at:
                return fn, nr
    return x.grad_fn, x._output_nr


class AccumulateGrad:
    """The node that stands for a leaf in `next_functions`: one per leaf, as in torch."""

    __slots__ = ("_variable", "__weakref__")

    def __init__(self, variable: Tensor) -> None:
        key = id(variable)
        self._variable = weakref.ref(variable, lambda _, key=key: _ACCUMULATORS.pop(key, None))

    @classmethod
    def of(cls, leaf: Tensor) -> AccumulateGrad:
        """The leaf's node (the same object on every access)."""
        node = _ACCUMULATORS.get(id(leaf))
        if node is None or node._variable() is not leaf:
            node = _ACCUMULATORS[id(leaf)] = cls(leaf)
        return node

    @property
    def variable(self) -> Tensor | None:
        return self._variable()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __call__(self, *grads: Any) -> tuple[()]:
        """Accumulate the gradient into the leaf's .grad and return (), as torch's node."""
        if len(grads) != 1:
            raise TypeError(f"expected 1 arguments, got {len(grads)} instead")
        g = grads[0]
        if g is not None and not isinstance(g, Tensor):
            raise TypeError("argument 0 is not a Variable")
        leaf = self._variable()
        if g is not None and leaf is not None:
            from ._engine import _accumulate

            _accumulate(leaf, g)
        return ()

    @property
    def next_functions(self) -> tuple[()]:
        return ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


#: id(leaf) -> its AccumulateGrad node; an entry goes when its leaf does
_ACCUMULATORS: dict[int, AccumulateGrad] = {}
