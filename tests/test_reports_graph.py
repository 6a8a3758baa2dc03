"""Graph drawings: deep graphs fold into "× n" blocks, implementation-detail names are glossed."""

from __future__ import annotations

import re

import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare.graph import fold, learner_label, mermaid, mermaid_pair, walk  # noqa: E402


def deep_chain(T, steps=400):
    x = T.tensor([0.5, -1.0, 2.0, 0.1], requires_grad=True)
    y = x
    for _ in range(steps):
        y = y + 0.05 * T.sin(y)
    return walk(y, {"x": x})


def node_lines(text: str) -> list[str]:
    return re.findall(r'^\s+\w+\[.*"\]\)?$|^\s+\w+\(\[.*\]\)$|^\s+\w+\[/.*/\]$', text, re.M)


@pytest.mark.parametrize("T", [torch, mini_autograd], ids=["torch", "mini_autograd"])
def test_a_deep_chain_folds_into_one_repeated_block(T):
    graph = deep_chain(T)
    assert len(graph.nodes) == 1 + 3 * 400 + 1  # output, 400 × (add, mul, sin), the leaf
    folded = fold(graph)
    # the output, one block of three drawn once for 399 steps, the last step (fed by the leaf
    # itself, so not the same block), and the leaf
    assert len(folded.nodes) == 1 + 3 + 3 + 1
    assert [n for _, n in folded.repeats] == [399]
    block = [folded.nodes[i][0] for i in folded.repeats[0][0]]
    assert sorted(block) == ["AddBackward0", "MulBackward0", "SinBackward0"]
    text = mermaid(graph)
    assert '["× 399: the same 3 nodes"]' in text and len(node_lines(text)) == 8
    assert "more node" not in text  # nothing cut off: all 1202 nodes are accounted for


def test_both_frameworks_fold_to_the_same_drawing():
    assert mermaid(deep_chain(torch)) == mermaid(deep_chain(mini_autograd))


def test_a_chain_of_one_op_is_one_node_and_its_leaf_edges_are_counted():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([0.9, 1.1], requires_grad=True)
    y = x
    for _ in range(54):
        y = y * w
    text = mermaid(walk(y, {"x": x, "w": w}))
    # 53 multiplications by the previous product and w; the first multiplies the leaf x by w
    assert '["× 53 MulBackward0"]' in text and text.count('"MulBackward0"') == 1
    assert re.search(r'n\d+ -->\|"×53"\| n1\b', text)  # w feeds each of the 53


def test_small_and_irregular_graphs_are_left_alone():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = torch.tanh(x)
    graph = walk((a * a + a * torch.sin(a)).sum(), {"x": x})
    assert fold(graph) is graph
    y = x
    for k in range(30):  # no block repeats three times in a row
        y = torch.sin(y) if k % 3 == 0 else (y * 2 if k % 3 == 1 else y + 1)
    y = torch.exp(y)
    assert "×" not in mermaid(walk(y, {"x": x}))


def test_implementation_detail_names_get_the_op_the_learner_wrote():
    a = torch.rand(2, 3, 4, requires_grad=True)
    b = torch.rand(4, 5, requires_grad=True)
    text = mermaid(walk(a @ b, {"a": a, "b": b}))
    assert '"UnsafeViewBackward0 (matmul)"' in text
    assert learner_label("MulBackward0") == "MulBackward0"
    assert learner_label("AddmmBackward0") == "AddmmBackward0 (linear)"


def test_two_graphs_side_by_side_in_one_diagram():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    left, right = walk(torch.exp(x), {"x": x}), walk(torch.sin(x), {"x": x})
    text = mermaid_pair(left, right, "mini_autograd", "torch")
    assert text.startswith("```mermaid\nflowchart TD") and text.count("```") == 2
    assert '    subgraph a["mini_autograd"]' in text and '    subgraph b["torch"]' in text
    assert '"ExpBackward0"' in text and '"SinBackward0"' in text
    assert "a1 --> a0" in text and "b1 --> b0" in text  # ids never collide
