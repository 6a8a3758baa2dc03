"""A complete adapter: the step-9 engine beside it, driven by `python -m compare`.

python -m compare --engine examples/engines/step09_adapter.py --cases book
"""

import numpy as np
import step09 as dz  # the adapter's folder is on sys.path while it loads

from compare.engines import Adapter


class Step09(Adapter):
    name = "step09"
    second_order = False  # step 9's backward works on plain arrays
    quirks = ("Step 9 has one-input functions only: square, exp, sigmoid, tanh and sum.",)

    def make(self, array, requires_grad):
        return dz.Variable(np.array(array))

    def to_numpy(self, raw):
        return raw.data

    def grad(self, output, inputs, grad_output, create_graph):
        for x in inputs:
            x.grad = None
        output.grad = None if grad_output is None else grad_output.data
        output.backward()
        return [None if x.grad is None else dz.Variable(np.asarray(x.grad)) for x in inputs]

    def node(self, raw):  # lets the report draw the engine's own graph
        f = raw.creator
        return None if f is None else (type(f).__name__, [f.input], f)

    def op_table(self):
        ops = ("square", "exp", "sigmoid", "tanh", "sum")
        return {name: getattr(dz, name) for name in ops}
