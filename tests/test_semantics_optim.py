"""Optimizers as torch's: param_groups and defaults, add_param_group, state_dict round trips,
zero_grad, closures, lr changes, bad parameters, and trajectories of the option combinations."""

from __future__ import annotations

import pytest
from semantics import Probe, check


def params(T):
    w = T.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    b = T.tensor([0.1, -0.3], requires_grad=True)
    return [w, b]


def loss_of(T, ps):
    w, b = ps
    x = T.tensor([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]])
    return ((x @ w + b) ** 2).sum() + (w**3).sum()


def trajectory(name, steps=4, **kw):
    def program(T):
        ps = params(T)
        opt = getattr(T.optim, name)(ps, **kw)
        out = []
        for _ in range(steps):
            opt.zero_grad()
            loss_of(T, ps).backward()
            opt.step()
            out.append(ps[0].detach().clone())
        return out + [ps[1].detach().clone()]

    return program


def groups(T):
    ps = params(T)
    opt = T.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.5}], lr=0.1, momentum=0.9)
    return (
        [sorted(g.keys()) for g in opt.param_groups],
        [g["lr"] for g in opt.param_groups],
        [g["momentum"] for g in opt.param_groups],
    )


def defaults(T, name, **kw):
    opt = getattr(T.optim, name)(params(T), **kw)
    d = dict(opt.defaults)
    return sorted(d), {
        k: v
        for k, v in d.items()
        if isinstance(v, float | int | bool | tuple) and not isinstance(v, type(None))
    }


def group_values(T, name, **kw):
    opt = getattr(T.optim, name)(params(T), **kw)
    g = opt.param_groups[0]
    return sorted(k for k in g if k != "params"), len(g["params"])


def add_group(T):
    ps = params(T)
    opt = T.optim.SGD([ps[0]], lr=0.1)
    opt.add_param_group({"params": ps[1], "lr": 0.01})
    return (
        len(opt.param_groups),
        opt.param_groups[1]["lr"],
        opt.param_groups[1]["momentum"],
        len(opt.param_groups[1]["params"]),
    )


def add_group_duplicate(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    opt.add_param_group({"params": [ps[0]]})


def state_dict_layout(T, name, **kw):
    ps = params(T)
    opt = getattr(T.optim, name)(ps, **kw)
    loss_of(T, ps).backward()
    opt.step()
    sd = opt.state_dict()
    state = sd["state"]
    return (
        sorted(sd.keys()),
        sorted(state.keys()),
        sorted(state[0].keys()),
        [g["params"] for g in sd["param_groups"]],
        [sorted(g.keys()) for g in sd["param_groups"]],
    )


def state_values(T, name, **kw):
    ps = params(T)
    opt = getattr(T.optim, name)(ps, **kw)
    for _ in range(2):
        opt.zero_grad()
        loss_of(T, ps).backward()
        opt.step()
    st = opt.state_dict()["state"][0]
    return sorted(st.items())


def round_trip(T, name, **kw):
    ps = params(T)
    opt = getattr(T.optim, name)(ps, **kw)
    for _ in range(2):
        opt.zero_grad()
        loss_of(T, ps).backward()
        opt.step()
    sd = opt.state_dict()
    ps2 = [p.detach().clone().requires_grad_() for p in ps]
    opt2 = getattr(T.optim, name)(ps2, **kw)
    opt2.load_state_dict(sd)
    for o, pp in ((opt, ps), (opt2, ps2)):
        o.zero_grad()
        loss_of(T, pp).backward()
        o.step()
    return ps[0].detach(), ps2[0].detach(), opt2.param_groups[0]["lr"]


def shared_buffers(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1, momentum=0.9)
    loss_of(T, ps).backward()
    opt.step()
    ps2 = [p.detach().clone().requires_grad_() for p in ps]
    opt2 = T.optim.SGD(ps2, lr=0.1, momentum=0.9)
    opt2.load_state_dict(opt.state_dict())
    return opt2.state[ps2[0]]["momentum_buffer"] is opt.state[ps[0]]["momentum_buffer"]


def load_wrong_groups(T):
    ps = params(T)
    sd = T.optim.SGD(ps, lr=0.1).state_dict()
    T.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]]}], lr=0.1).load_state_dict(sd)


def zero_grad_default(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    loss_of(T, ps).backward()
    opt.zero_grad()
    return ps[0].grad is None


def zero_grad_false(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    loss_of(T, ps).backward()
    opt.zero_grad(set_to_none=False)
    return ps[0].grad


def closure(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.01)

    def c():
        opt.zero_grad()
        loss = loss_of(T, ps)
        loss.backward()
        return loss

    r = opt.step(c)
    return r, ps[0].detach()


def no_closure_returns_none(T):
    ps = params(T)
    opt = T.optim.Adam(ps)
    loss_of(T, ps).backward()
    return opt.step()


def lr_change(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    for g in opt.param_groups:
        g["lr"] = 0.01
    loss_of(T, ps).backward()
    opt.step()
    return ps[0].detach()


def skip_none_grad(T):
    ps = params(T)
    opt = T.optim.Adam(ps, lr=0.1)
    (ps[0] ** 2).sum().backward()
    opt.step()
    return ps[1].detach(), sorted(opt.state_dict()["state"].keys())


def non_leaf(T):
    w = T.ones(2, requires_grad=True) * 2
    T.optim.SGD([w], lr=0.1)


def duplicate(T):
    w = T.ones(2, requires_grad=True)
    T.optim.SGD([w, w], lr=0.1)


def not_iterable(T):
    T.optim.SGD(T.ones(2, requires_grad=True), lr=0.1)


def empty_params(T):
    T.optim.SGD([], lr=0.1)


def scheduler_order(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    sched = T.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    sched.step()
    opt.step()
    return opt.param_groups[0]["lr"]


def scheduler_values(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    sched = T.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    out = []
    for _ in range(5):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def sched_state(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    sched = T.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    opt.step()
    sched.step()
    sd = sched.state_dict()
    return sorted(k for k in sd), sd["last_epoch"], sd["_step_count"]


def epoch_deprecated(T):
    opt = T.optim.SGD(params(T), lr=0.1)
    sched = T.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.step()
    sched.step(3)
    return opt.param_groups[0]["lr"]


def initial_lr(T):
    ps = params(T)
    opt = T.optim.SGD(ps, lr=0.1)
    T.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    return opt.param_groups[0]["initial_lr"], opt.param_groups[0]["lr"]


OPTIM = [
    Probe("param_groups keys and values", groups),
    Probe("SGD defaults", lambda T: defaults(T, "SGD", lr=0.1)),
    Probe("Adam defaults", lambda T: defaults(T, "Adam")),
    Probe("AdamW defaults", lambda T: defaults(T, "AdamW")),
    Probe("RMSprop defaults", lambda T: defaults(T, "RMSprop")),
    Probe("Adagrad defaults", lambda T: defaults(T, "Adagrad")),
    Probe("SGD group keys", lambda T: group_values(T, "SGD", lr=0.1)),
    Probe("Adam group keys", lambda T: group_values(T, "Adam")),
    Probe("add_param_group fills defaults", add_group),
    Probe(
        "add_param_group duplicate errors",
        add_group_duplicate,
        raises=ValueError,
        match="some parameters appear in more than one parameter group",
    ),
    Probe(
        "SGD momentum state_dict layout",
        lambda T: state_dict_layout(T, "SGD", lr=0.1, momentum=0.9),
    ),
    Probe(
        "SGD plain state_dict layout",
        lambda T: (
            lambda ps: (
                lambda o: (
                    loss_of(T, ps).backward(),
                    o.step(),
                    sorted(o.state_dict()["state"].keys()),
                    o.state_dict()["param_groups"][0]["params"],
                )[2:]
            )(T.optim.SGD(ps, lr=0.1))
        )(params(T)),
    ),
    Probe("Adam state_dict layout", lambda T: state_dict_layout(T, "Adam")),
    Probe("Adam amsgrad state_dict layout", lambda T: state_dict_layout(T, "Adam", amsgrad=True)),
    Probe("AdamW state_dict layout", lambda T: state_dict_layout(T, "AdamW")),
    Probe("RMSprop state_dict layout", lambda T: state_dict_layout(T, "RMSprop", momentum=0.5)),
    Probe("Adagrad state_dict layout", lambda T: state_dict_layout(T, "Adagrad")),
    Probe("Adam state values", lambda T: state_values(T, "Adam")),
    Probe("SGD momentum state values", lambda T: state_values(T, "SGD", lr=0.1, momentum=0.9)),
    Probe("Adam round trip", lambda T: round_trip(T, "Adam", lr=0.05)),
    Probe("SGD momentum round trip", lambda T: round_trip(T, "SGD", lr=0.05, momentum=0.9)),
    Probe("RMSprop round trip", lambda T: round_trip(T, "RMSprop", lr=0.01)),
    Probe("loaded state shares the buffers, as torch", lambda T: (lambda r: r)(shared_buffers(T))),
    Probe(
        "load_state_dict group mismatch errors",
        load_wrong_groups,
        raises=ValueError,
        match="loaded state dict has a different number of parameter groups",
    ),
    Probe("zero_grad default sets None", zero_grad_default),
    Probe("zero_grad set_to_none=False", zero_grad_false),
    Probe("step with closure returns the loss", closure),
    Probe("step without closure returns None", no_closure_returns_none),
    Probe("lr change via param_groups", lr_change),
    Probe("params without grad are skipped", skip_none_grad),
    Probe(
        "non-leaf parameter errors",
        non_leaf,
        raises=ValueError,
        match="can't optimize a non-leaf Tensor",
    ),
    Probe("duplicate parameter warns", duplicate, warns=UserWarning),
    Probe(
        "a tensor as params errors",
        not_iterable,
        raises=TypeError,
        match="params argument given to the optimizer should be an iterable of Tensors or dicts, "
        "but got (torch|mini_autograd).FloatTensor",
    ),
    Probe(
        "empty parameter list errors",
        empty_params,
        raises=ValueError,
        match="optimizer got an empty parameter list",
    ),
    Probe(
        "negative lr errors",
        lambda T: T.optim.SGD(params(T), lr=-0.1),
        raises=ValueError,
        match="Invalid learning rate: -0.1",
    ),
    Probe(
        "negative momentum errors",
        lambda T: T.optim.SGD(params(T), lr=0.1, momentum=-1),
        raises=ValueError,
        match="Invalid momentum value: -1",
    ),
    Probe(
        "nesterov without momentum errors",
        lambda T: T.optim.SGD(params(T), lr=0.1, nesterov=True),
        raises=ValueError,
        match="Nesterov momentum requires a momentum and zero dampening",
    ),
    Probe(
        "Adam bad beta errors",
        lambda T: T.optim.Adam(params(T), betas=(1.0, 0.999)),
        raises=ValueError,
        match="Invalid beta parameter at index 0: 1.0",
    ),
    Probe(
        "Adam bad eps errors",
        lambda T: T.optim.Adam(params(T), eps=-1.0),
        raises=ValueError,
        match="Invalid epsilon value: -1.0",
    ),
    Probe("SGD plain", trajectory("SGD", lr=0.01)),
    Probe("SGD momentum", trajectory("SGD", lr=0.01, momentum=0.9)),
    Probe("SGD momentum dampening", trajectory("SGD", lr=0.01, momentum=0.9, dampening=0.5)),
    Probe("SGD nesterov", trajectory("SGD", lr=0.01, momentum=0.9, nesterov=True)),
    Probe("SGD weight_decay", trajectory("SGD", lr=0.01, weight_decay=0.1)),
    Probe("SGD all", trajectory("SGD", lr=0.01, momentum=0.8, weight_decay=0.1, nesterov=True)),
    Probe("SGD maximize", trajectory("SGD", lr=0.01, momentum=0.5, maximize=True)),
    Probe(
        "SGD momentum dampening wd",
        trajectory("SGD", lr=0.01, momentum=0.9, dampening=0.3, weight_decay=0.05),
    ),
    Probe("Adam", trajectory("Adam", lr=0.1)),
    Probe("Adam amsgrad", trajectory("Adam", lr=0.1, amsgrad=True)),
    Probe("Adam maximize", trajectory("Adam", lr=0.1, maximize=True)),
    Probe("Adam weight_decay", trajectory("Adam", lr=0.1, weight_decay=0.1)),
    Probe(
        "Adam amsgrad maximize wd",
        trajectory("Adam", lr=0.1, amsgrad=True, maximize=True, weight_decay=0.01),
    ),
    Probe("Adam betas", trajectory("Adam", lr=0.1, betas=(0.5, 0.9))),
    Probe("AdamW", trajectory("AdamW", lr=0.1)),
    Probe("AdamW amsgrad", trajectory("AdamW", lr=0.1, amsgrad=True, weight_decay=0.1)),
    Probe("AdamW maximize", trajectory("AdamW", lr=0.1, maximize=True)),
    Probe("RMSprop", trajectory("RMSprop", lr=0.01)),
    Probe("RMSprop centered momentum", trajectory("RMSprop", lr=0.01, centered=True, momentum=0.5)),
    Probe("RMSprop wd", trajectory("RMSprop", lr=0.01, weight_decay=0.1, alpha=0.9)),
    Probe("Adagrad", trajectory("Adagrad", lr=0.1)),
    Probe("Adagrad lr_decay wd", trajectory("Adagrad", lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    Probe("Adadelta", trajectory("Adadelta", lr=1.0)),
    Probe("Adadelta wd", trajectory("Adadelta", lr=1.0, rho=0.8, weight_decay=0.1)),
    Probe("scheduler.step before optimizer.step warns", scheduler_order, warns=UserWarning),
    Probe("StepLR values", scheduler_values),
    Probe("scheduler.step(epoch) warns deprecated", epoch_deprecated, warns=UserWarning),
    Probe(
        "optimizer.step then scheduler.step: no warning",
        lambda T: (
            lambda o: (
                o.step(),
                T.optim.lr_scheduler.StepLR(o, 1),
                hasattr(o.step, "_wrapped_by_lr_sched"),
            )[2]
        )(T.optim.SGD(params(T), lr=0.1)),
    ),
    Probe("scheduler state_dict", sched_state),
    Probe("scheduler sets initial_lr", initial_lr),
]


@pytest.mark.parametrize("probe", OPTIM, ids=repr)
def test_optimizers_as_torch(probe: Probe) -> None:
    check(probe)
