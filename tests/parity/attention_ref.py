#!/usr/bin/python3
"""PyTorch reference for Gradlab's sequence-to-sequence blocks (tests/parity/tst_parity_attention.cpp).

  attention_ref.py IN.safetensors OUT.safetensors

IN holds one or more cases; its metadata "cases" is a JSON list of
  {"name": N, "type": "Attention" | "Dense" | "RepeatVector" | "PositionEncoding",
   "params": {the block's parameters}, "inputs": 1 or 2}
and for each case the tensors (float64) N.x0 (and N.x1), N.dy (the output's shape) and the
block's parameters N.<name> in PyTorch's layout. For each case OUT gets (float64): N.y = the
block's output, the gradients of L = Σ dy ⊙ y: N.dx0 (and N.dx1), N.grad.<param>; and for
Attention N.weights, the attention weights.

References, written with torch ops (torch 1.13 has no F.scaled_dot_product_attention):
  Attention         Q = x0 @ Wqᵀ, K = x1 @ Wkᵀ, V = x1 @ Wvᵀ (x1 = x0 with one input; without
                    projections Q = x0, K = V = x1); A = torch.softmax(Q @ Kᵀ / sqrt(d), -1);
                    y = A @ V — MultiheadAttention's one-head arithmetic without its biases and
                    output projection.
  Dense             torch.nn.Linear on [B, T, F] (it applies to the last axis), then the
                    activation (softmax over the last axis).
  RepeatVector      x0.unsqueeze(1).expand(B, T, F), T from "times" or x1's steps.
  PositionEncoding  x0 + P; learned: P is the parameter "weight"; sinusoidal: the table of the
                    PyTorch tutorial ("Language modeling with nn.Transformer"):
                    div = exp(arange(0, F, 2)·(−ln 10000 / F)); P[:, 0::2] = sin(t·div),
                    P[:, 1::2] = cos(t·div).
Linear's parameters are loaded with load_state_dict, so their names and shapes are checked too.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_ref import read_safetensors, write_safetensors  # noqa: E402


def tensor(torch, entry):
    _, shape, values = entry
    return torch.tensor(values, dtype=torch.float64).reshape(shape)


def run_case(torch, case, data):
    name, kind, params = case["name"], case["type"], case.get("params", {})
    xs = [tensor(torch, data[name + ".x%d" % i]).requires_grad_(True)
          for i in range(case["inputs"])]
    dy = tensor(torch, data[name + ".dy"])
    prefix = name + "."
    found = {k[len(prefix):]: tensor(torch, v) for k, v in data.items()
             if k.startswith(prefix) and k[len(prefix):] not in ("dy", "x0", "x1")}
    out = {}
    grads = {}
    if kind == "Attention":
        q_in, kv_in = xs[0], xs[-1]
        units = int(params.get("units", 0))
        if units > 0:
            w = {k: found[k].clone().requires_grad_(True)
                 for k in ("q_proj_weight", "k_proj_weight", "v_proj_weight")}
            grads = w
            q, k, v = q_in @ w["q_proj_weight"].T, kv_in @ w["k_proj_weight"].T, kv_in @ w["v_proj_weight"].T
        else:
            q, k, v = q_in, kv_in, kv_in
        a = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(k.shape[-1]), dim=-1)
        y = a @ v
        out["weights"] = a.detach()
    elif kind == "Dense":
        lin = torch.nn.Linear(xs[0].shape[-1], int(params["units"]),
                              bias=bool(params.get("use_bias", True))).double()
        lin.load_state_dict({k: v for k, v in found.items()}, strict=True)
        grads = dict(lin.named_parameters())
        z = lin(xs[0])
        act = params.get("activation", "identity")
        y = {"identity": lambda t: t, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
             "relu": torch.relu, "softmax": lambda t: torch.softmax(t, dim=-1)}[act](z)
    elif kind == "RepeatVector":
        steps = int(params.get("times", 0)) or xs[1].shape[1]
        y = xs[0].unsqueeze(1).expand(xs[0].shape[0], steps, xs[0].shape[1])
    elif kind == "PositionEncoding":
        T, F = xs[0].shape[1], xs[0].shape[2]
        if params.get("encoding", "learned") == "learned":
            p = found["weight"].clone().requires_grad_(True)
            grads = {"weight": p}
        else:
            position = torch.arange(T, dtype=torch.float64).unsqueeze(1)
            div = torch.exp(torch.arange(0, F, 2, dtype=torch.float64) * (-math.log(10000.0) / F))
            p = torch.zeros(T, F, dtype=torch.float64)
            p[:, 0::2] = torch.sin(position * div)
            p[:, 1::2] = torch.cos(position * div)
        y = xs[0] + p
    else:
        raise SystemExit("unknown case type %r" % kind)
    (y * dy).sum().backward()
    out["y"] = y.detach()
    for i, x in enumerate(xs):
        out["dx%d" % i] = x.grad if x.grad is not None else torch.zeros_like(x)
    for k, p in grads.items():
        out["grad." + k] = p.grad
    return {prefix + k: ("F64", list(v.shape), [float(t) for t in v.flatten().tolist()])
            for k, v in out.items()}


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: attention_ref.py IN.safetensors OUT.safetensors")
    import torch
    torch.set_num_threads(1)
    data, meta = read_safetensors(argv[0])
    result = {}
    for case in json.loads(meta["cases"]):
        result.update(run_case(torch, case, data))
    write_safetensors(argv[1], result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
