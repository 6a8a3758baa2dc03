"""The parity harness: the same cases run in mini_autograd and in torch, compared, reported.

`python -m compare` runs them all and writes reports/; `compare.registry` holds the cases,
`compare.function_case.case` declares one, `tests/test_parity.py` runs them under pytest.
"""
