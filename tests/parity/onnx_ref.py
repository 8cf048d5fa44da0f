#!/usr/bin/python3
"""Consumers of Gradlab's ONNX export for tests/parity/tst_onnx_export.cpp (/usr/bin/python3).

  onnx_ref.py check FILE...
      onnx.checker.check_model on each file; prints one line per file:
      "FILE: ok opset 11 input x [batch, 2] output out [batch, 1]"
  onnx_ref.py recurrent MODEL BLOCK X.bin B T F OUT.bin
      runs the RNN / LSTM / GRU node of block BLOCK (the node writing "BLOCK/Y") on x, raw
      little-endian float64 [B, T, F], by the equations of ONNX's Operators.md (opset 11) with its
      weights W, R, B read from the file; writes every step's hidden state, float64 [B, T, H].

ONNX 1.12 has no reference evaluator (onnx.reference came with 1.13) and PyTorch cannot import
ONNX, so the equations of the three recurrent ops are written out here: OpenCV 4.6 has no RNN op
and runs GRU as linear_before_reset = 1 whatever the attribute says.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def dims(value_info):
    shape = value_info.type.tensor_type.shape
    return "[" + ", ".join(d.dim_param or str(d.dim_value) for d in shape.dim) + "]"


def check(files):
    for f in files:
        model = onnx.load(f)
        onnx.checker.check_model(model)
        opset = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0]
        g = model.graph
        inputs = ", ".join(i.name + " " + dims(i) for i in g.input)
        outputs = ", ".join(o.name + " " + dims(o) for o in g.output)
        print(f"{f}: ok opset {opset} input {inputs} output {outputs}")


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


ACTIVATIONS = {"Tanh": np.tanh, "Relu": lambda v: np.maximum(v, 0.0), "Sigmoid": sigmoid}


def recurrent(model_file, block, x_file, b, t, f, out_file):
    model = onnx.load(model_file)
    weights = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in model.graph.initializer}
    node = next(n for n in model.graph.node
                if n.op_type in ("RNN", "LSTM", "GRU") and n.output[0] == block + "/Y")
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    H = attrs["hidden_size"]
    W, R, Bias = (weights[name][0] for name in node.input[1:4])  # direction 0
    Wb, Rb = Bias[: Bias.size // 2], Bias[Bias.size // 2:]
    x = np.fromfile(x_file, dtype="<f8").reshape(b, t, f)
    h = np.zeros((b, H))
    c = np.zeros((b, H))
    ys = []

    def gate(k, xt, hp):  # Xt·W_kᵀ + Hp·R_kᵀ + Wb_k + Rb_k for gate block k
        s = slice(k * H, (k + 1) * H)
        return xt @ W[s].T + hp @ R[s].T + Wb[s] + Rb[s]

    for step in range(t):
        xt = x[:, step]
        if node.op_type == "RNN":
            f_act = ACTIVATIONS[attrs.get("activations", [b"Tanh"])[0].decode()]
            h = f_act(gate(0, xt, h))
        elif node.op_type == "LSTM":  # gate blocks i, o, f, c
            i, o, fg = sigmoid(gate(0, xt, h)), sigmoid(gate(1, xt, h)), sigmoid(gate(2, xt, h))
            cand = np.tanh(gate(3, xt, h))
            c = fg * c + i * cand
            h = o * np.tanh(c)
        else:  # GRU, gate blocks z, r, h
            z, r = sigmoid(gate(0, xt, h)), sigmoid(gate(1, xt, h))
            s = slice(2 * H, 3 * H)
            if attrs.get("linear_before_reset", 0):
                cand = np.tanh(xt @ W[s].T + Wb[s] + r * (h @ R[s].T + Rb[s]))
            else:
                cand = np.tanh(xt @ W[s].T + Wb[s] + (r * h) @ R[s].T + Rb[s])
            h = (1 - z) * cand + z * h
        ys.append(h)
    np.stack(ys, axis=1).astype("<f8").tofile(out_file)
    print(f"{block}: {node.op_type} {attrs} -> [{b}, {t}, {H}]")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        check(sys.argv[2:])
    elif len(sys.argv) == 9 and sys.argv[1] == "recurrent":
        a = sys.argv
        recurrent(a[2], a[3], a[4], int(a[5]), int(a[6]), int(a[7]), a[8])
    else:
        sys.exit(__doc__)
