#!/usr/bin/python3
"""PyTorch reference for Gradlab's recurrent blocks (tests/parity/tst_parity_recurrent.cpp).

  recurrent_ref.py IN.safetensors OUT.safetensors

IN holds one or more cases; its metadata "cases" is a JSON list of
  {"name": N, "type": "SimpleRNN" | "LSTM" | "GRU", "units": H, "return_sequences": bool,
   "activation": "tanh" | "relu"   (SimpleRNN only),
   "forget_bias": b                (LSTM only, optional)}
and for each case the tensors (float64)
  N.x [B, T, I], N.dy (the output's shape: [B, T, H] or [B, H]) and the parameters
  N.weight_ih_l0, N.weight_hh_l0, N.bias_ih_l0, N.bias_hh_l0 in PyTorch's layout.
For each case OUT gets (float64): N.y = the block's output, and the gradients of
L = Σ dy ⊙ y: N.dx and N.grad.<param> for the four parameters. With forget_bias b the LSTM's
forget-gate bias is raised after loading, as one does in PyTorch (gate rows i, f, g, o):
lstm.bias_ih_l0[H:2H] += b; N.init.bias_ih_l0 is then that bias.

References:
  SimpleRNN  torch.nn.RNN(I, H, nonlinearity=activation, batch_first=True)
  LSTM       torch.nn.LSTM(I, H, batch_first=True)
  GRU        the lecture's GRU written out below with torch ops (autograd for the gradients):
               r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
               g = tanh(W_ig x + b_ig + W_hg (r ⊙ h) + b_hg)
               h' = z ⊙ h + (1 − z) ⊙ g
             (torch.nn.GRU applies r after the matrix: r ⊙ (W_hn h + b_hn), a different function.)
Parameters are loaded with load_state_dict, so the names and shapes are checked as well.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_ref import read_safetensors, write_safetensors  # noqa: E402

PARAMS = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]


def tensor(torch, entry):
    _, shape, values = entry
    return torch.tensor(values, dtype=torch.float64).reshape(shape)


class LectureGRU:
    """The lecture's GRU on PyTorch's parameter layout (gate rows r, z, g)."""

    def __init__(self, torch, params, units):
        self.torch = torch
        self.p = params
        self.h = units

    def parameters(self):
        return [self.p[n] for n in PARAMS]

    def __call__(self, x):
        torch, H = self.torch, self.h
        w_ih, w_hh, b_ih, b_hh = self.parameters()
        w_ir, w_iz, w_ig = w_ih[:H], w_ih[H:2 * H], w_ih[2 * H:]
        w_hr, w_hz, w_hg = w_hh[:H], w_hh[H:2 * H], w_hh[2 * H:]
        b_r = b_ih[:H] + b_hh[:H]
        b_z = b_ih[H:2 * H] + b_hh[H:2 * H]
        b_g = b_ih[2 * H:] + b_hh[2 * H:]
        h = torch.zeros(x.shape[0], H, dtype=x.dtype)
        outs = []
        for t in range(x.shape[1]):
            xt = x[:, t]
            r = torch.sigmoid(xt @ w_ir.T + h @ w_hr.T + b_r)
            z = torch.sigmoid(xt @ w_iz.T + h @ w_hz.T + b_z)
            g = torch.tanh(xt @ w_ig.T + (r * h) @ w_hg.T + b_g)
            h = z * h + (1 - z) * g
            outs.append(h)
        return torch.stack(outs, dim=1)


def run_case(torch, case, tensors):
    name, kind, H = case["name"], case["type"], int(case["units"])
    x = tensor(torch, tensors[name + ".x"]).requires_grad_(True)
    dy = tensor(torch, tensors[name + ".dy"])
    state = {p: tensor(torch, tensors[name + "." + p]) for p in PARAMS}
    I = x.shape[2]
    if kind == "GRU":
        params = {p: v.clone().requires_grad_(True) for p, v in state.items()}
        module = LectureGRU(torch, params, H)
        seq = module(x)
    else:
        if kind == "LSTM":
            module = torch.nn.LSTM(I, H, batch_first=True)
        elif kind == "SimpleRNN":
            module = torch.nn.RNN(I, H, nonlinearity=case.get("activation", "tanh"),
                                  batch_first=True)
        else:
            raise SystemExit("unknown type %r" % kind)
        module = module.double()
        module.load_state_dict(state, strict=True)
        if "forget_bias" in case:
            with torch.no_grad():
                module.bias_ih_l0[H:2 * H] += float(case["forget_bias"])
        seq, _ = module(x)
        params = dict(module.named_parameters())
    y = seq if case["return_sequences"] else seq[:, -1]
    (y * dy).sum().backward()
    out = {name + ".y": y.detach(), name + ".dx": x.grad}
    for p in PARAMS:
        out[name + ".grad." + p] = params[p].grad
    if "forget_bias" in case:
        out[name + ".init.bias_ih_l0"] = params["bias_ih_l0"].detach()
    return {k: ("F64", list(v.shape), v.reshape(-1).tolist()) for k, v in out.items()}


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    import torch
    torch.set_num_threads(1)
    tensors, meta = read_safetensors(argv[0])
    out = {}
    for case in json.loads(meta["cases"]):
        out.update(run_case(torch, case, tensors))
    write_safetensors(argv[1], out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
