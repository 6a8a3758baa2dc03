"""nn.Module's API as torch's: state_dict, load_state_dict, traversal orders, train/eval,
zero_grad, shared parameters, repr, apply, to(dtype), attribute assignment, containers."""

from __future__ import annotations

import pytest
from semantics import Probe, check


def net(T):
    T.manual_seed(0)
    return T.nn.Sequential(
        T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Sequential(T.nn.Linear(4, 2), T.nn.Tanh())
    )


def bn_net(T):
    return T.nn.Sequential(T.nn.Conv2d(1, 2, 3), T.nn.BatchNorm2d(2), T.nn.Flatten())


def keys(sd):
    return list(sd.keys())


def shared(T):
    lin = T.nn.Linear(2, 2)
    return T.nn.Sequential(lin, T.nn.ReLU(), lin)


def load(T, strict):
    m = T.nn.Linear(2, 2)
    sd = {"weight": T.ones(2, 2), "extra": T.ones(1)}
    r = m.load_state_dict(sd, strict=strict)
    return (list(r.missing_keys), list(r.unexpected_keys), m.weight.tolist())


def state_dict_shares(T):
    m = T.nn.Linear(2, 2)
    sd = m.state_dict()
    with T.no_grad():
        m.weight.fill_(3.0)
    return (sd["weight"].requires_grad, sd["weight"].tolist(), sd["weight"].grad_fn is None)


def state_dict_keep_vars(T):
    m = T.nn.Linear(2, 2)
    sd = m.state_dict(keep_vars=True)
    return (sd["weight"] is m.weight, sd["weight"].requires_grad)


def zero_grad(T, **kw):
    m = T.nn.Linear(2, 1)
    m(T.ones(1, 2)).sum().backward()
    m.zero_grad(**kw)
    return m.weight.grad if m.weight.grad is not None else "none"


def assign(T):
    m = T.nn.Module()
    m.a = T.nn.Parameter(T.ones(2))
    m.b = T.nn.Linear(1, 1)
    m.c = T.ones(1)
    m.register_buffer("buf", T.zeros(1))
    names = [n for n, _ in m.named_parameters()]
    return (
        names,
        keys(m.state_dict()),
        [n for n, _ in m.named_children()],
        [n for n, _ in m.named_buffers()],
    )


def assign_none(T):
    m = T.nn.Linear(1, 1)
    m.bias = None
    return [n for n, _ in m.named_parameters()], keys(m.state_dict()), m.bias


def delete_sub(T):
    m = net(T)
    del m[1]
    return len(m), [type(c).__name__ for c in m]


def del_attr(T):
    m = T.nn.Module()
    m.sub = T.nn.Linear(1, 1)
    del m.sub
    return list(m.named_children()), hasattr(m, "sub")


def modlist(T):
    ml = T.nn.ModuleList([T.nn.Linear(1, 1), T.nn.ReLU()])
    ml.append(T.nn.Tanh())
    ml.insert(0, T.nn.Sigmoid())
    ml.extend([T.nn.Identity()])
    return (
        len(ml),
        [type(c).__name__ for c in ml],
        type(ml[1:3]).__name__,
        type(ml[-1]).__name__,
        [n for n, _ in ml.named_children()],
    )


def moddict(T):
    md = T.nn.ModuleDict({"b": T.nn.ReLU(), "a": T.nn.Tanh()})
    md["c"] = T.nn.Identity()
    md.update({"d": T.nn.Sigmoid()})
    popped = type(md.pop("a")).__name__
    return list(md.keys()), popped, "b" in md, len(md), [type(v).__name__ for v in md.values()]


def seq_ops(T):
    s = net(T)
    return (
        len(s),
        type(s[0]).__name__,
        type(s[-1]).__name__,
        type(s[0:2]).__name__,
        len(s[0:2]),
        [n for n, _ in s[1:].named_children()],
    )


def seq_append(T):
    s = T.nn.Sequential(T.nn.ReLU())
    r = s.append(T.nn.Tanh())
    return r is s, len(s), [n for n, _ in s.named_children()]


def seq_index_error(T):
    return T.nn.Sequential(T.nn.ReLU())[3]


def train_eval(T):
    m = net(T)
    r = m.eval()
    a = [c.training for c in m.modules()]
    r2 = m.train()
    b = [c.training for c in m.modules()]
    m.train(False)
    c = m.training
    return r is m, r2 is m, a, b, c


def requires_grad_(T):
    m = net(T)
    r = m.requires_grad_(False)
    return r is m, [p.requires_grad for p in m.parameters()]


def apply_(T):
    m = net(T)
    seen = []
    r = m.apply(lambda mod: seen.append(type(mod).__name__))
    return r is m, seen


def to_dtype(T):
    m = T.nn.Linear(2, 2).to(T.float64)
    return m.weight.dtype, m.bias.dtype, type(m.weight).__name__, m.weight.requires_grad


def double(T):
    m = bn_net(T).double()
    return [b.dtype for b in m.buffers()], [p.dtype for p in m.parameters()]


def half_call(T):
    m = T.nn.Linear(2, 2).half()
    return m.weight.dtype


def parameters_count(T):
    m = net(T)
    return sum(p.numel() for p in m.parameters()), len(list(m.parameters()))


def param_repr(T):
    return repr(T.nn.Parameter(T.tensor([1.0, 2.0])))


def buffers_in_state_dict(T):
    m = bn_net(T)
    return keys(m.state_dict()), [n for n, _ in m.named_buffers()]


def non_persistent(T):
    m = T.nn.Module()
    m.register_buffer("a", T.ones(1), persistent=False)
    m.register_buffer("b", T.ones(1))
    return keys(m.state_dict()), [n for n, _ in m.named_buffers()]


def load_shape_mismatch(T):
    m = T.nn.Linear(2, 2)
    m.load_state_dict({"weight": T.ones(3, 2), "bias": T.ones(2)})


def load_strict_missing(T):
    m = T.nn.Linear(2, 2)
    m.load_state_dict({"weight": T.ones(2, 2)})


def load_copies(T):
    m = T.nn.Linear(2, 2)
    src = T.ones(2, 2)
    m.load_state_dict({"weight": src, "bias": T.zeros(2)})
    src.fill_(5.0)
    return m.weight.tolist(), type(m.weight).__name__, m.weight.requires_grad


def get_submodule(T):
    m = net(T)
    return type(m.get_submodule("2.0")).__name__, m.get_parameter("2.0.bias").shape


def register_parameter_none(T):
    m = T.nn.Module()
    m.register_parameter("p", None)
    return list(m.named_parameters()), m.p


def bad_param_assign(T):
    m = T.nn.Linear(1, 1)
    m.weight = T.ones(1, 1)


def extra_repr(T):
    return T.nn.Linear(3, 4, bias=False).extra_repr()


MODULES = [
    Probe("state_dict keys", lambda T: keys(net(T).state_dict())),
    Probe("state_dict values", lambda T: list(net(T).state_dict().values())[0].shape),
    Probe("state_dict is detached and shares storage", state_dict_shares),
    Probe("state_dict keep_vars", state_dict_keep_vars),
    Probe("state_dict type", lambda T: type(net(T).state_dict()).__name__),
    Probe("state_dict with buffers", buffers_in_state_dict),
    Probe("non-persistent buffer", non_persistent),
    Probe("load_state_dict strict=False", lambda T: load(T, False)),
    Probe(
        "load_state_dict strict unexpected errors",
        lambda T: load(T, True),
        raises=RuntimeError,
        match="Error\\(s\\) in loading state_dict for Linear:\\s+Missing key\\(s\\) in state_dict: "
        '"bias". \\s*Unexpected key\\(s\\) in state_dict: "extra".',
    ),
    Probe(
        "load_state_dict strict missing errors",
        load_strict_missing,
        raises=RuntimeError,
        match='Missing key\\(s\\) in state_dict: "bias"',
    ),
    Probe(
        "load_state_dict shape mismatch errors",
        load_shape_mismatch,
        raises=RuntimeError,
        match="size mismatch for weight: copying a param with shape (torch|mini_autograd).Size"
        "\\(\\[3, 2\\]\\) from checkpoint, the shape in current model is "
        "(torch|mini_autograd).Size\\(\\[2, 2\\]\\)",
    ),
    Probe(
        "load_state_dict return ok",
        lambda T: tuple(
            map(list, T.nn.Linear(1, 1).load_state_dict(T.nn.Linear(1, 1).state_dict()))
        ),
    ),
    Probe("load_state_dict copies", load_copies),
    Probe("named_parameters order", lambda T: [n for n, _ in net(T).named_parameters()]),
    Probe("named_modules order", lambda T: [n for n, _ in net(T).named_modules()]),
    Probe("named_children", lambda T: [n for n, _ in net(T).named_children()]),
    Probe("children types", lambda T: [type(c).__name__ for c in net(T).children()]),
    Probe("modules count", lambda T: len(list(net(T).modules()))),
    Probe("parameters count", parameters_count),
    Probe("shared module parameters dedup", lambda T: len(list(shared(T).parameters()))),
    Probe("shared module named_modules dedup", lambda T: [n for n, _ in shared(T).named_modules()]),
    Probe("shared module state_dict keeps both", lambda T: keys(shared(T).state_dict())),
    Probe(
        "named_parameters remove_duplicate=False",
        lambda T: [n for n, _ in shared(T).named_parameters(remove_duplicate=False)],
    ),
    Probe("train/eval recursion", train_eval),
    Probe("requires_grad_ returns self", requires_grad_),
    Probe("zero_grad sets None", lambda T: zero_grad(T)),
    Probe("zero_grad set_to_none=False zeroes", lambda T: zero_grad(T, set_to_none=False)),
    Probe("apply order and return", apply_),
    Probe("to(float64)", to_dtype),
    Probe("double() converts buffers", double),
    Probe("half()", half_call),
    Probe("assignment registers", assign),
    Probe("assigning None to a parameter", assign_none),
    Probe(
        "assigning a tensor to a parameter errors",
        bad_param_assign,
        raises=TypeError,
        match="cannot assign '(torch|mini_autograd).FloatTensor' as parameter 'weight' "
        "\\((torch|mini_autograd).nn.Parameter or None expected\\)",
    ),
    Probe("register_parameter None", register_parameter_none),
    Probe("del of a Sequential item", delete_sub),
    Probe("del of a submodule attribute", del_attr),
    Probe("ModuleList ops", modlist),
    Probe("ModuleDict ops", moddict),
    Probe("Sequential indexing and slicing", seq_ops),
    Probe("Sequential.append returns self", seq_append),
    Probe(
        "Sequential index out of range",
        seq_index_error,
        raises=IndexError,
        match="index 3 is out of range",
    ),
    Probe("get_submodule/get_parameter", get_submodule),
    Probe("Parameter repr", param_repr),
    Probe("Linear repr", lambda T: repr(T.nn.Linear(3, 4))),
    Probe("Linear no bias repr", lambda T: repr(T.nn.Linear(3, 4, bias=False))),
    Probe("extra_repr", extra_repr),
    Probe("Conv2d repr", lambda T: repr(T.nn.Conv2d(3, 8, 3, stride=2, padding=1))),
    Probe(
        "Conv2d repr tuple kernel",
        lambda T: repr(T.nn.Conv2d(1, 2, (3, 5), bias=False, dilation=2)),
    ),
    Probe("Sequential nested repr", lambda T: repr(net(T))),
    Probe(
        "ModuleList repr",
        lambda T: repr(T.nn.ModuleList([T.nn.ReLU(), T.nn.ReLU(), T.nn.Linear(1, 2)])),
    ),
    Probe(
        "ModuleList repr runs",
        lambda T: repr(
            T.nn.ModuleList([T.nn.ReLU(), T.nn.Linear(1, 2), T.nn.Linear(1, 2), T.nn.ReLU()])
        ),
    ),
    Probe(
        "ModuleList of Sequentials repr",
        lambda T: repr(T.nn.ModuleList([T.nn.Sequential(T.nn.ReLU()) for _ in range(3)])),
    ),
    Probe("empty ModuleList repr", lambda T: repr(T.nn.ModuleList())),
    Probe(
        "ModuleList pop",
        lambda T: (
            lambda ml: (type(ml.pop(0)).__name__, len(ml), [n for n, _ in ml.named_children()])
        )(T.nn.ModuleList([T.nn.ReLU(), T.nn.Tanh(), T.nn.Sigmoid()])),
    ),
    Probe("BatchNorm1d no affine repr", lambda T: repr(T.nn.BatchNorm1d(3, affine=False))),
    Probe("GroupNorm repr", lambda T: repr(T.nn.GroupNorm(2, 4))),
    Probe("InstanceNorm2d repr", lambda T: repr(T.nn.InstanceNorm2d(3))),
    Probe("LayerNorm no bias repr", lambda T: repr(T.nn.LayerNorm(4, bias=False))),
    Probe("ModuleDict repr", lambda T: repr(T.nn.ModuleDict({"act": T.nn.ReLU()}))),
    Probe("BatchNorm2d repr", lambda T: repr(T.nn.BatchNorm2d(4))),
    Probe("Dropout repr", lambda T: repr(T.nn.Dropout(0.25))),
    Probe("LeakyReLU repr", lambda T: repr(T.nn.LeakyReLU(0.1))),
    Probe("Embedding repr", lambda T: repr(T.nn.Embedding(10, 3))),
    Probe("LayerNorm repr", lambda T: repr(T.nn.LayerNorm(5))),
    Probe("MaxPool2d repr", lambda T: repr(T.nn.MaxPool2d(2))),
    Probe("Softmax repr", lambda T: repr(T.nn.Softmax(dim=1))),
    Probe("Flatten repr", lambda T: repr(T.nn.Flatten())),
    Probe("empty Module repr", lambda T: repr(T.nn.Module())),
    Probe("Identity repr", lambda T: repr(T.nn.Identity())),
    Probe("CrossEntropyLoss repr", lambda T: repr(T.nn.CrossEntropyLoss())),
    Probe(
        "Module call unknown attr errors",
        lambda T: T.nn.Linear(1, 1).nonexistent,
        raises=AttributeError,
        match="'Linear' object has no attribute 'nonexistent'",
    ),
    Probe(
        "Linear on wrong shape errors",
        lambda T: T.nn.Linear(3, 2)(T.ones(2, 4)),
        raises=RuntimeError,
        match="mat1 and mat2 shapes cannot be multiplied \\(2x4 and 3x2\\)",
    ),
    Probe(
        "Linear on int input errors",
        lambda T: T.nn.Linear(2, 2)(T.ones(1, 2, dtype=T.int64)),
        raises=RuntimeError,
        match="mat1 and mat2 must have the same dtype, but got Long and Float",
    ),
    Probe(
        "Parameter is leaf requiring grad",
        lambda T: (lambda p: (p.is_leaf, p.requires_grad))(T.nn.Parameter(T.ones(2))),
    ),
    Probe(
        "Parameter requires_grad=False",
        lambda T: T.nn.Parameter(T.ones(2), requires_grad=False).requires_grad,
    ),
    Probe(
        "Parameter of int errors",
        lambda T: T.nn.Parameter(T.ones(2, dtype=T.int64)),
        raises=RuntimeError,
        match="Only Tensors of floating point and complex dtype can require gradients",
    ),
    Probe("isinstance Parameter Tensor", lambda T: isinstance(T.nn.Parameter(T.ones(1)), T.Tensor)),
    Probe("Parameter times 2 is a Tensor", lambda T: type(T.nn.Parameter(T.ones(1)) * 2).__name__),
    Probe("Module.training default", lambda T: T.nn.Linear(1, 1).training),
    Probe("Dropout eval is identity", lambda T: T.nn.Dropout(0.5).eval()(T.ones(3))),
    Probe("num buffers BatchNorm", lambda T: [n for n, _ in T.nn.BatchNorm1d(3).named_buffers()]),
    Probe("BatchNorm num_batches_tracked dtype", lambda T: T.nn.BatchNorm1d(3).num_batches_tracked),
    Probe("parameters() is a generator", lambda T: type(T.nn.Linear(1, 1).parameters()).__name__),
]


@pytest.mark.parametrize("probe", MODULES, ids=repr)
def test_modules_as_torch(probe: Probe) -> None:
    check(probe)
