"""Devices as torch code writes them: the CPU is the only one, the others are named clearly."""

from __future__ import annotations

import pytest
import torch

import mini_autograd as mt


@pytest.mark.parametrize("spec", ["cpu", "cpu:0", "cuda", "cuda:1", "mps", "meta"])
def test_device_objects_match_torch(spec):
    ours, ref = mt.device(spec), torch.device(spec)
    assert (str(ours), repr(ours), ours.type, ours.index) == (
        str(ref),
        repr(ref),
        ref.type,
        ref.index,
    )
    assert (ours == mt.device(spec)) and (ours == spec) == (ref == spec)


def test_device_arguments_and_errors():
    assert mt.device("cuda", 2) == mt.device("cuda:2") and repr(mt.device("cpu", 0)) == repr(
        torch.device("cpu", 0)
    )
    for bad in ("tpu", "cuda:x"):
        with pytest.raises(RuntimeError) as ours:
            mt.device(bad)
        with pytest.raises(RuntimeError) as ref:
            torch.device(bad)
        assert str(ours.value) == str(ref.value)
    assert len({mt.device("cpu"), mt.device("cpu"), mt.device("cuda")}) == 2


def test_tensor_device_and_moves():
    x = mt.ones(2, requires_grad=True)
    assert x.device == mt.device("cpu") and repr(x.device) == repr(torch.ones(2).device)
    assert x.cpu() is x and x.to("cpu") is x and x.to(mt.device("cpu")) is x
    assert x.to("cpu", mt.float64).dtype == mt.float64 and x.get_device() == -1
    assert not x.is_cuda
    for move in (lambda: x.cuda(), lambda: x.to("cuda"), lambda: x.to(device="cuda:0")):
        with pytest.raises(AssertionError, match="not compiled with CUDA.*CPU only"):
            move()
    with pytest.raises(RuntimeError, match="'mps' is not available"):
        x.to("mps")


def test_training_script_boilerplate():
    device = "cuda" if mt.cuda.is_available() else "cpu"
    assert device == "cpu" and not mt.backends.mps.is_available()
    assert mt.cuda.device_count() == 0 and not mt.backends.cudnn.is_available()
    net = mt.nn.Linear(2, 3).to(device)
    assert net.to(mt.device("cpu")) is net and net.cpu() is net
    with pytest.raises(AssertionError, match="CUDA"):
        net.cuda()
    with pytest.raises(AssertionError, match="CUDA"):
        net.to("cuda")
    assert net(mt.ones(1, 2).to(device)).shape == (1, 3)
