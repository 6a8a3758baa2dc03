"""In-place ops and version counters as torch's: each probe runs in torch and in mini_autograd and
must give the same values, gradients and node names, or the same error."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from semantics import Probe, check

import mini_autograd as ma

MODIFIED = "modified by an inplace operation"


def _leaves(T: Any) -> tuple[Any, Any]:
    x = T.tensor([0.5, 1.5, -0.3], requires_grad=True)
    z = T.tensor([2.0, 3.0, 4.0], requires_grad=True)
    return x, z


def grads_after(step: Any, backward_of: Any = None) -> Any:
    """A program: y = x * 1 (a non-leaf), step(T, y, z) in place, then the gradients."""

    def program(T: Any) -> Any:
        x, z = _leaves(T)
        y = x * 1.0
        out = step(T, y, z)
        out = y if out is None else out
        loss = (out * T.tensor([1.0, 2.0, 3.0])).sum()
        loss.backward()
        return out, x.grad, z.grad, y.grad_fn.name()

    return program


def _setitem(y: Any, key: Any, value: Any) -> None:
    y[key] = value


def saved_then_modified(T: Any) -> Any:
    """the issue's first probe: b saved by a * b, then b += 1"""
    a = T.ones(3, requires_grad=True)
    b = T.ones(3) * 2
    y = a * b
    b += 1
    y.sum().backward()
    return a.grad


def leaf_modified_under_no_grad(T: Any) -> Any:
    a = T.ones(3, requires_grad=True)
    y = (a * a).sum()
    with T.no_grad():
        a += 1
    y.backward()
    return a.grad


def output_modified_through_detach(T: Any) -> Any:
    a = T.ones(3, requires_grad=True)
    y = a.exp()
    y.detach().zero_()
    y.sum().backward()
    return a.grad


def output_modified_through_data(T: Any) -> Any:
    a = T.ones(3, requires_grad=True)
    y = a.tanh()
    y.data.mul_(2)  # .data does not share the version counter in torch: no error, stale value
    return y


def modified_but_not_needed(T: Any) -> Any:
    """add saves nothing: writing its input later is fine"""
    a = T.ones(3, requires_grad=True)
    b = T.ones(3) * 2
    y = a + b
    b += 1
    y.sum().backward()
    return a.grad


def mul_by_constant_then_modify_constant(T: Any) -> Any:
    """a * b with only a requiring grad saves b, not a"""
    a = T.ones(3, requires_grad=True)
    h = a * 3
    b = T.ones(3)
    y = h * b
    with T.no_grad():
        h.add_(1)  # h is not saved (only b is): fine
    y.sum().backward()
    return a.grad


def versions(T: Any) -> Any:
    x = T.zeros(3)
    v = x[1:]
    d = x.detach()
    x.add_(1)
    v.mul_(2)
    d.zero_()
    x[0] = 5
    return x._version, v._version, d._version


def consumer_before_write(T: Any) -> Any:
    """a node made before y.mul_(2) still reaches y's old node"""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y + 0  # consumed before the write
    y.mul_(3)
    (z.sum() + y.sum()).backward()
    return x.grad, z, y


def view_then_base_written(T: Any) -> Any:
    """a slice taken before the base is written follows the base, as torch's views"""
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[1:]
    y.mul_(3)
    v.sum().backward()
    return x.grad, v


def double_backward_through_inplace(T: Any) -> Any:
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.mul_(x)  # y = x^3
    (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
    (g2,) = T.autograd.grad(g.sum(), x)
    return g, g2


def retain_grad_moves(T: Any) -> Any:
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.mul_(3)
    (y * T.tensor([1.0, 5.0])).sum().backward()
    return y.grad, x.grad


def in_place_in_loop(T: Any) -> Any:
    """a running sum updated in place, as a user writes a recurrence"""
    x = T.tensor([0.5, -1.0], requires_grad=True)
    h = T.zeros(2)
    for _ in range(3):
        h = h * 0.5
        h += x.tanh()
    h.sum().backward()
    return h, x.grad


INPLACE = [
    Probe("add_", grads_after(lambda T, y, z: y.add_(z, alpha=2))),
    Probe("iadd", grads_after(lambda T, y, z: y.__iadd__(1))),
    Probe("sub_", grads_after(lambda T, y, z: y.sub_(z))),
    Probe("mul_ scalar", grads_after(lambda T, y, z: y.mul_(2))),
    Probe("mul_ tensor", grads_after(lambda T, y, z: y.mul_(z))),
    Probe("imul tensor", grads_after(lambda T, y, z: y.__imul__(z))),
    Probe("div_ tensor", grads_after(lambda T, y, z: y.div_(z))),
    Probe("pow_", grads_after(lambda T, y, z: y.pow_(2))),
    Probe("exp_", grads_after(lambda T, y, z: y.exp_())),
    Probe("tanh_", grads_after(lambda T, y, z: y.tanh_())),
    Probe("sigmoid_", grads_after(lambda T, y, z: y.sigmoid_())),
    Probe("relu_", grads_after(lambda T, y, z: y.relu_())),
    Probe("clamp_", grads_after(lambda T, y, z: y.clamp_(0, 1))),
    Probe("abs_ then sqrt_", grads_after(lambda T, y, z: y.abs_().sqrt_())),
    Probe("neg_", grads_after(lambda T, y, z: y.neg_())),
    Probe("zero_", grads_after(lambda T, y, z: y.zero_())),
    Probe("fill_", grads_after(lambda T, y, z: y.fill_(3))),
    Probe("fill_ tensor", grads_after(lambda T, y, z: y.fill_(z.sum()))),
    Probe("copy_", grads_after(lambda T, y, z: y.copy_(z))),
    Probe("copy_ broadcast", grads_after(lambda T, y, z: y.copy_(z[:1]))),
    Probe("masked_fill_", grads_after(lambda T, y, z: y.masked_fill_(y > 0.6, 0.0))),
    Probe("add_ then use", grads_after(lambda T, y, z: y.add_(1) * y)),
    Probe(
        "chain y += 1; y.add_(1); y[0] = 5",
        grads_after(lambda T, y, z: (y.__iadd__(1), y.add_(1), _setitem(y, 0, 5.0))[0]),
    ),  # fmt: skip
    Probe("setitem tensor", grads_after(lambda T, y, z: _setitem(y, slice(0, 2), z[:2] * 2))),
    Probe("setitem mask", grads_after(lambda T, y, z: _setitem(y, y > 0.6, z[0]))),
    Probe("setitem index list", grads_after(lambda T, y, z: _setitem(y, [0, 2], z[1:]))),
    Probe("view mul_", grads_after(lambda T, y, z: (y[0:2].mul_(3), None)[1])),
    Probe("view zero_", grads_after(lambda T, y, z: (y[1].zero_(), None)[1])),
    Probe("view add_ tensor", grads_after(lambda T, y, z: (y[1:].add_(z[1:]), None)[1])),
    Probe("view of view", grads_after(lambda T, y, z: (y[1:][0].mul_(z[0]), None)[1])),
    Probe("exp_ then add_", grads_after(lambda T, y, z: y.exp_().add_(1)), RuntimeError, MODIFIED),
    Probe("consumer_before_write", consumer_before_write),
    Probe("view_then_base_written", view_then_base_written),
    Probe("double_backward_through_inplace", double_backward_through_inplace),
    Probe("retain_grad_moves", retain_grad_moves),
    Probe("in_place_in_loop", in_place_in_loop),
    Probe("modified_but_not_needed", modified_but_not_needed),
    Probe("mul_by_constant_then_modify_constant", mul_by_constant_then_modify_constant),
    Probe("versions", versions),
    Probe("output_modified_through_data", output_modified_through_data),
]

ERRORS = [
    Probe("saved_then_modified", saved_then_modified, RuntimeError, MODIFIED),
    Probe("leaf_modified_under_no_grad", leaf_modified_under_no_grad, RuntimeError, MODIFIED),
    Probe("output_modified_through_detach", output_modified_through_detach, RuntimeError, MODIFIED),
    Probe(
        "leaf in-place",
        lambda T: T.ones(2, requires_grad=True).add_(1),
        RuntimeError,
        "leaf Variable that requires grad is being used in an in-place operation",
    ),
    Probe(
        "leaf setitem",
        lambda T: T.ones(2, requires_grad=True).__setitem__(0, 1.0),
        RuntimeError,
        "leaf Variable that requires grad",
    ),
    Probe(
        "view of a leaf",
        lambda T: T.ones(2, requires_grad=True)[0].mul_(2),
        RuntimeError,
        "view of a leaf Variable that requires grad",
    ),
    Probe(
        "shape-mismatched +=",
        lambda T: T.ones(3).__iadd__(T.ones(2, 3)),
        RuntimeError,
        "doesn't match the broadcast shape",
    ),
    Probe(
        "float into long",
        lambda T: T.ones(3, dtype=T.int64).add_(1.5),
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
    ),
    Probe("assign None", lambda T: T.ones(3).__setitem__(0, None), TypeError, "can't assign a"),
    Probe(
        "mul_ of a saved input",
        lambda T: (lambda x: (lambda y: (y.sin().sum(), y.mul_(2)))(x * 1))(
            T.ones(2, requires_grad=True)
        )[0].backward(),
        RuntimeError,
        MODIFIED,
    ),
]


OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"]


def stepped(name: str, backward_again: bool) -> Any:
    """optimizer.step() writes the parameters in place: their versions move as torch's, and a
    graph that saved a parameter before the step refuses to backward after it."""

    def program(T: Any) -> Any:
        w = T.tensor([1.0, 2.0], requires_grad=True)
        opt = getattr(T.optim, name)([w], lr=0.1)
        y = (w * w).sum()
        y.backward(retain_graph=True)
        opt.step()
        if backward_again:
            y.backward()
        return w._version, w.detach()

    return program


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_step_bumps_versions_as_torch(name: str) -> None:
    check(Probe(f"{name}.step() versions", stepped(name, False)))
    check(Probe(f"backward after {name}.step()", stepped(name, True), RuntimeError, MODIFIED))


@pytest.mark.parametrize("probe", INPLACE, ids=repr)
def test_inplace_as_torch(probe: Probe) -> None:
    check(probe)


@pytest.mark.parametrize("probe", ERRORS, ids=repr)
def test_inplace_errors_as_torch(probe: Probe) -> None:
    check(probe)


def test_version_message_names_the_tensor_and_versions() -> None:
    x = ma.ones(3, requires_grad=True)
    y = x * 2
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"output 0 of MulBackward0, is at version 1; expected"):
        z.sum().backward()


def test_inplace_gradients_match_finite_differences() -> None:
    """y = x*x; y.mul_(x); y[0] = y[1]: gradients against central differences in float64."""

    def f(x: ma.Tensor) -> ma.Tensor:
        y = x * x
        y.mul_(x)
        y[0] = y[1] * 2
        y.add_(x.sin())
        return y

    x = ma.tensor(np.array([0.3, -0.7, 1.1]), requires_grad=True)
    assert ma.autograd.gradcheck(f, (x,))
    assert ma.autograd.gradgradcheck(f, (x,))
