"""More of nn and optim as torch's: Parameter and buffer conversions, traversal with shared
modules, load_state_dict returns, grad assignment checks, container arithmetic, layer and loss
argument errors, optimizer reprs and param-group forms. Each probe runs in both frameworks."""

from __future__ import annotations

import pytest
from semantics import Probe, check


def m_state_after_to(T):
    m = T.nn.Linear(2, 2)
    w = m.weight
    m.to(T.float64)
    return w is m.weight, m.weight.dtype, isinstance(m.weight, T.nn.Parameter)


def buffers_to(T):
    m = T.nn.BatchNorm1d(2).to(T.float64)
    return m.running_mean.dtype, m.num_batches_tracked.dtype


def sd_order(T):
    class M(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("b", T.zeros(1))
            self.p = T.nn.Parameter(T.ones(1))
            self.sub = T.nn.Linear(1, 1)

    return list(M().state_dict().keys())


def modules_prefix(T):
    return [n for n, _ in T.nn.Sequential(T.nn.Linear(1, 1)).named_parameters(prefix="model")]


def named_modules_memo(T):
    m = T.nn.Sequential(T.nn.ReLU(), T.nn.ReLU())
    return [n for n, _ in m.named_modules()]


def shared_relu(T):
    r = T.nn.ReLU()
    m = T.nn.Sequential(r, r)
    return [n for n, _ in m.named_modules()], len(list(m.modules())), len(list(m.children()))


def load_partial(T):
    m = T.nn.Sequential(T.nn.Linear(1, 1), T.nn.Linear(1, 1))
    r = m.load_state_dict({"0.weight": T.ones(1, 1)}, strict=False)
    return sorted(r.missing_keys), r.unexpected_keys


def zero_grad_opt_param(T):
    m = T.nn.Linear(1, 1)
    m.weight.grad = T.ones(1, 1)
    m.zero_grad(set_to_none=False)
    return m.weight.grad, m.bias.grad


def param_grad_assign_wrong_shape(T):
    p = T.nn.Parameter(T.ones(2))
    p.grad = T.ones(3)


def param_grad_assign_dtype(T):
    p = T.nn.Parameter(T.ones(2))
    p.grad = T.ones(2, dtype=T.float64)


def seq_forward_kwargs(T):
    return T.nn.Sequential(T.nn.Linear(2, 1))(T.ones(1, 2)).shape


def module_call_no_forward(T):
    T.nn.Module()(T.ones(1))


def add_module_bad_name(T):
    T.nn.Module().add_module("a.b", T.nn.ReLU())


def register_buffer_bad(T):
    T.nn.Module().register_buffer("b", 3)


def state_dict_prefix_list(T):
    ml = T.nn.ModuleList([T.nn.Linear(1, 1)])
    return list(ml.state_dict().keys())


def param_list(T):
    pl = T.nn.ParameterList([T.nn.Parameter(T.ones(1)), T.nn.Parameter(T.zeros(2))])
    m = T.nn.Module()
    m.pl = pl
    return [n for n, _ in m.named_parameters()], len(pl)


def sgd_lr_tensor(T):
    p = T.ones(2, requires_grad=True)
    opt = T.optim.SGD([p], lr=0.1)
    p.grad = T.ones(2)
    opt.step()
    return p.detach()


def opt_repr(T):
    return repr(T.optim.SGD([T.ones(1, requires_grad=True)], lr=0.1))


def adam_repr(T):
    return repr(T.optim.Adam([T.ones(1, requires_grad=True)]))


def sgd_no_lr(T):
    p = T.ones(1, requires_grad=True)
    return T.optim.SGD([p]).defaults["lr"]


def adam_step_type(T):
    p = T.ones(1, requires_grad=True)
    opt = T.optim.Adam([p])
    p.grad = T.ones(1)
    opt.step()
    s = opt.state[p]["step"]
    return type(s).__name__, s.dtype if hasattr(s, "dtype") else None, float(s)


def param_groups_other_keys(T):
    p = T.ones(1, requires_grad=True)
    opt = T.optim.SGD([{"params": [p], "custom": 7}], lr=0.1)
    return opt.param_groups[0]["custom"], opt.state_dict()["param_groups"][0]["custom"]


def opt_param_group_generator(T):
    p = T.ones(1, requires_grad=True)
    opt = T.optim.SGD((q for q in [p]), lr=0.1)
    return len(opt.param_groups[0]["params"])


def opt_params_set_warns(T):
    T.optim.SGD({T.ones(1, requires_grad=True)}, lr=0.1)


def grad_is_none_step(T):
    p = T.ones(1, requires_grad=True)
    opt = T.optim.SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    return len(opt.state), p.detach()


def cosine(T):
    p = T.ones(1, requires_grad=True)
    opt = T.optim.SGD([p], lr=1.0)
    s = T.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.1)
    out = []
    for _ in range(6):
        opt.step()
        s.step()
        out.append(opt.param_groups[0]["lr"])
    return out


P = [
    Probe("to() keeps Parameter objects", m_state_after_to),
    Probe("buffers to float64", buffers_to),
    Probe("state_dict order", sd_order),
    Probe("named_parameters prefix", modules_prefix),
    Probe("named_modules distinct relus", named_modules_memo),
    Probe("shared relu dedup", shared_relu),
    Probe("load partial", load_partial),
    Probe("zero_grad set_to_none=False with none bias", zero_grad_opt_param),
    Probe(
        "grad wrong shape errors",
        param_grad_assign_wrong_shape,
        raises=RuntimeError,
        match="attempting to assign a gradient of size '\\[3\\]' to a tensor of size "
        "'\\[2\\]'. Please ensure that the gradient and the tensor are the same size",
    ),
    Probe(
        "grad wrong dtype errors",
        param_grad_assign_dtype,
        raises=RuntimeError,
        match="attempting to assign a gradient with dtype 'double' to a tensor with "
        "grad_dtype 'Float'",
    ),
    Probe("Sequential forward", seq_forward_kwargs),
    Probe(
        "Module without forward errors",
        module_call_no_forward,
        raises=NotImplementedError,
        match='Module \\[Module\\] is missing the required "forward" function',
    ),
    Probe(
        "register_buffer non-tensor errors",
        register_buffer_bad,
        raises=TypeError,
        match="cannot assign 'int' object to buffer 'b' "
        "\\((torch|mini_autograd) Tensor or None required\\)",
    ),
    Probe("ModuleList state_dict keys", state_dict_prefix_list),
    Probe("ParameterList", param_list),
    Probe("SGD step", sgd_lr_tensor),
    Probe("SGD repr", opt_repr),
    Probe("Adam repr", adam_repr),
    Probe("SGD default lr", sgd_no_lr),
    Probe("Adam step type", adam_step_type),
    Probe("param_group custom keys", param_groups_other_keys),
    Probe("params from a generator", opt_param_group_generator),
    Probe(
        "params as a set",
        lambda T: len(
            T.optim.SGD({T.ones(1, requires_grad=True)}, lr=0.1).param_groups[0]["params"]
        ),
    ),
    Probe("step with no grads", grad_is_none_step),
    Probe("CosineAnnealingLR", cosine),
    Probe(
        "Linear weight init range",
        lambda T: (lambda m: bool((m.weight.abs() <= 1 / 2**0.5 + 1e-6).all()))(T.nn.Linear(2, 3)),
    ),
    Probe("Conv2d weight shape", lambda T: T.nn.Conv2d(3, 8, (3, 5)).weight.shape),
    Probe("Embedding padding_idx zero", lambda T: T.nn.Embedding(4, 2, padding_idx=1).weight[1]),
    Probe(
        "Embedding out of range errors",
        lambda T: T.nn.Embedding(4, 2)(T.tensor([4])),
        raises=IndexError,
        match="index out of range in self",
    ),
    Probe(
        "Embedding float index errors",
        lambda T: T.nn.Embedding(4, 2)(T.tensor([1.0])),
        raises=RuntimeError,
        match="Expected tensor for argument #1 'indices' to have one of the following scalar "
        "types: Long, Int; but got (torch|mini_autograd).FloatTensor instead",
    ),
    Probe(
        "CrossEntropy int target float",
        lambda T: T.nn.CrossEntropyLoss()(T.tensor([[1.0, 2.0]]), T.tensor([1])),
    ),
    Probe(
        "CrossEntropy int32 target errors",
        lambda T: T.nn.CrossEntropyLoss()(T.tensor([[1.0, 2.0]]), T.tensor([1], dtype=T.int32)),
        raises=RuntimeError,
        match="expected target dtype to be Long or Byte, but got Int",
    ),
    Probe(
        "MSELoss shape mismatch warns",
        lambda T: T.nn.MSELoss()(T.ones(2, 1), T.ones(2)),
        warns=UserWarning,
    ),
    Probe("MSELoss int target", lambda T: T.nn.MSELoss()(T.ones(2), T.tensor([0, 3]))),
    Probe(
        "BCELoss out of range errors",
        lambda T: T.nn.BCELoss()(T.tensor([1.5]), T.tensor([1.0])),
        raises=RuntimeError,
        match="all elements of input should be between 0 and 1",
    ),
    Probe(
        "Dropout p out of range errors",
        lambda T: T.nn.Dropout(1.5),
        raises=ValueError,
        match="dropout probability has to be between 0 and 1, but got 1.5",
    ),
    Probe("Linear zero features", lambda T: T.nn.Linear(0, 2)(T.ones(3, 0))),
    Probe("Softmax dim None warns", lambda T: T.nn.Softmax()(T.ones(2, 2)), warns=UserWarning),
    Probe(
        "F.softmax no dim warns", lambda T: T.nn.functional.softmax(T.ones(2, 2)), warns=UserWarning
    ),
    Probe("Flatten start_dim", lambda T: T.nn.Flatten(0)(T.ones(2, 3, 4)).shape),
    Probe("Unflatten", lambda T: T.nn.Unflatten(1, (2, 2))(T.ones(3, 4)).shape),
    Probe("Identity args", lambda T: T.nn.Identity(3, foo=4)(T.ones(1))),
    Probe("ReLU inplace repr", lambda T: repr(T.nn.ReLU(inplace=True))),
    Probe(
        "Sequential OrderedDict",
        lambda T: (lambda s: [n for n, _ in s.named_children()])(
            T.nn.Sequential(
                __import__("collections").OrderedDict([("a", T.nn.ReLU()), ("b", T.nn.Tanh())])
            )
        ),
    ),
    Probe(
        "Sequential OrderedDict repr",
        lambda T: repr(
            T.nn.Sequential(__import__("collections").OrderedDict([("a", T.nn.ReLU())]))
        ),
    ),
    Probe(
        "Sequential getattr by name",
        lambda T: (
            type(
                T.nn.Sequential(__import__("collections").OrderedDict([("a", T.nn.ReLU())])).a
            ).__name__
        ),
    ),
    Probe(
        "Sequential + Sequential",
        lambda T: len(T.nn.Sequential(T.nn.ReLU()) + T.nn.Sequential(T.nn.Tanh())),
    ),
    Probe("Sequential * 2", lambda T: len(T.nn.Sequential(T.nn.ReLU()) * 2)),
    Probe(
        "2 * Sequential shares modules",
        lambda T: (lambda s: (s[0] is s[1], [n for n, _ in s.named_modules()]))(
            2 * T.nn.Sequential(T.nn.ReLU())
        ),
    ),
    Probe(
        "Sequential += Sequential",
        lambda T: (lambda s: (s.__iadd__(T.nn.Sequential(T.nn.Tanh())) is s, len(s)))(
            T.nn.Sequential(T.nn.ReLU())
        ),
    ),
    Probe(
        "Sequential * 0 errors",
        lambda T: T.nn.Sequential(T.nn.ReLU()) * 0,
        raises=ValueError,
        match="Non-positive multiplication factor 0",
    ),
    Probe(
        "ModuleList + ModuleList",
        lambda T: len(T.nn.ModuleList([T.nn.ReLU()]) + T.nn.ModuleList([T.nn.Tanh()])),
    ),
    Probe(
        "ModuleList setitem negative",
        lambda T: (lambda ml: (ml.__setitem__(-1, T.nn.Tanh()), type(ml[1]).__name__)[1])(
            T.nn.ModuleList([T.nn.ReLU(), T.nn.ReLU()])
        ),
    ),
    Probe(
        "ModuleList index out of range",
        lambda T: T.nn.ModuleList([T.nn.ReLU()])[2],
        raises=IndexError,
        match="index 2 is out of range",
    ),
    Probe(
        "ModuleDict bad key type",
        lambda T: T.nn.ModuleDict({1: T.nn.ReLU()}),
        raises=TypeError,
        match="module name should be a string. Got int",
    ),
    Probe(
        "train(mode) non-bool errors",
        lambda T: T.nn.Linear(1, 1).train("yes"),
        raises=ValueError,
        match="training mode is expected to be boolean",
    ),
    Probe(
        "parameters recurse=False",
        lambda T: len(list(T.nn.Sequential(T.nn.Linear(1, 1)).parameters(recurse=False))),
    ),
    Probe(
        "half params grad dtype",
        lambda T: (
            lambda m: (m(T.ones(1, 1, dtype=T.float16)).sum().backward(), m.weight.grad.dtype)[1]
        )(T.nn.Linear(1, 1).half()),
    ),
    Probe(
        "float module double input errors",
        lambda T: T.nn.Linear(2, 2)(T.ones(1, 2, dtype=T.float64)),
        raises=RuntimeError,
        match="mat1 and mat2 must have the same dtype, but got Double and Float",
    ),
    Probe("Conv2d 3-d input unbatched", lambda T: T.nn.Conv2d(1, 2, 3)(T.ones(1, 5, 5)).shape),
    Probe(
        "Conv2d wrong channels errors",
        lambda T: T.nn.Conv2d(2, 2, 3)(T.ones(1, 1, 5, 5)),
        raises=RuntimeError,
        match="expected input\\[1, 1, 5, 5\\] to have 2 channels, but got 1 channels instead",
    ),
]


@pytest.mark.parametrize("probe", P, ids=repr)
def test_layers_as_torch(probe: Probe) -> None:
    check(probe)
