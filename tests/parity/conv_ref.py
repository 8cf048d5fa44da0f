#!/usr/bin/python3
"""PyTorch reference for Gradlab's convolution, pooling and batch-norm blocks
(tests/parity/tst_parity_conv.cpp).

  conv_ref.py IN.safetensors OUT.safetensors

IN holds one or more cases; its metadata "cases" is a JSON list of
  {"name": N, "type": "Conv2D" | "ConvTranspose2D" | "Upsample2D" | "MaxPool2D" | "AvgPool2D"
            | "BatchNorm",
   "params": {the block's parameters as in a *.net.json file}, "dtype": "F32" | "F64"}
and for each case the tensors (in the case's dtype)
  N.x   the input [B, C, H, W] (BatchNorm also [B, F])
  N.dy  ∂L/∂y for L = Σ dy ⊙ y, the output's shape
  N.<param> for every parameter, PyTorch's names and layouts (Conv2d weight [O, C, k, k] and
        bias; BatchNorm weight, bias, running_mean, running_var), loaded with load_state_dict
  N.x2  (BatchNorm) a second input, run in evaluation mode after the training pass
For each case OUT gets (same dtype):
  N.y = the output of a training-mode forward pass, N.dx and N.grad.<param> for the trainable
  parameters; BatchNorm also N.running_mean and N.running_var after that pass and
  N.y_eval = the evaluation-mode output for x2.

Modules: Conv2d(C, O, k, stride, padding, bias) then the activation (torch.nn.functional),
ConvTranspose2d(C, O, k, stride, padding, output_padding, bias) then the activation,
Upsample(scale_factor=factor, mode="nearest"),
MaxPool2d(size, stride), AvgPool2d(size, stride), BatchNorm1d/2d(C, eps, momentum).
Conv1D and MaxPool1D take sequences x [B, T, F]: Conv1d(F, O, k, stride, padding, bias) and
MaxPool1d(size, stride) on x.transpose(1, 2), the result transposed back to [B, T', ·].
Gradlab's padding "valid" is 0 and "same" is (k - 1) // 2 (odd kernels); pooling's stride
"size" (the default) is the window size.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_ref import read_safetensors, write_safetensors  # noqa: E402

ACTIVATIONS = {
    "identity": lambda F, z: z,
    "relu": lambda F, z: F.relu(z),
    "tanh": lambda F, z: z.tanh(),
    "sigmoid": lambda F, z: z.sigmoid(),
    "leaky_relu": lambda F, z: F.leaky_relu(z, 0.01),
    "elu": lambda F, z: F.elu(z),
}


def tensor(torch, entry, dtype):
    _, shape, values = entry
    return torch.tensor(values, dtype=dtype).reshape(shape)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def build(torch, case, x):
    """The torch module for a case, and a function applying it (with the activation)."""
    nn, F = torch.nn, torch.nn.functional
    kind, p = case["type"], case.get("params", {})
    if kind == "Conv2D":
        k = int(p.get("kernel", 3))
        padding = p.get("padding", "valid")
        pad = 0 if padding == "valid" else (k - 1) // 2 if padding == "same" else int(padding)
        module = nn.Conv2d(x.shape[1], int(p["filters"]), k, stride=int(p.get("stride", 1)),
                           padding=pad, bias=bool(p.get("use_bias", True)))
        act = ACTIVATIONS[p.get("activation", "identity")]
        return module, lambda inp: act(F, module(inp))
    if kind == "ConvTranspose2D":
        module = nn.ConvTranspose2d(x.shape[1], int(p["filters"]), int(p.get("kernel", 3)),
                                    stride=int(p.get("stride", 1)),
                                    padding=int(p.get("padding", 0)),
                                    output_padding=int(p.get("output_padding", 0)),
                                    bias=bool(p.get("use_bias", True)))
        act = ACTIVATIONS[p.get("activation", "identity")]
        return module, lambda inp: act(F, module(inp))
    if kind == "Upsample2D":
        module = nn.Upsample(scale_factor=int(p.get("factor", 2)), mode="nearest")
        return module, module
    if kind == "Conv1D":  # x [B, T, F]: nn.Conv1d takes [B, F, T]
        k = int(p.get("kernel", 3))
        padding = p.get("padding", "valid")
        pad = 0 if padding == "valid" else (k - 1) // 2 if padding == "same" else int(padding)
        module = nn.Conv1d(x.shape[2], int(p["filters"]), k, stride=int(p.get("stride", 1)),
                           padding=pad, bias=bool(p.get("use_bias", True)))
        act = ACTIVATIONS[p.get("activation", "identity")]
        return module, lambda inp: act(F, module(inp.transpose(1, 2))).transpose(1, 2)
    if kind == "MaxPool1D":  # x [B, T, F] as nn.MaxPool1d's [B, F, T]
        size = int(p.get("size", 2))
        stride = p.get("stride", "size")
        module = nn.MaxPool1d(size, stride=size if stride == "size" else int(stride))
        return module, lambda inp: module(inp.transpose(1, 2)).transpose(1, 2)
    if kind in ("MaxPool2D", "AvgPool2D"):
        size = int(p.get("size", 2))
        stride = p.get("stride", "size")
        stride = size if stride == "size" else int(stride)
        cls = nn.MaxPool2d if kind == "MaxPool2D" else nn.AvgPool2d
        module = cls(size, stride=stride)
        return module, module
    if kind == "BatchNorm":
        cls = nn.BatchNorm1d if x.dim() == 2 else nn.BatchNorm2d
        module = cls(x.shape[1], eps=float(p.get("eps", 1e-5)),
                     momentum=float(p.get("momentum", 0.1)))
        return module, module
    raise SystemExit("unknown case type %r" % kind)


def run_case(torch, case, tensors, out):
    name = case["name"]
    code = case.get("dtype", "F64")
    dtype = torch.float64 if code == "F64" else torch.float32
    x = tensor(torch, tensors[name + ".x"], dtype).requires_grad_(True)
    dy = tensor(torch, tensors[name + ".dy"], dtype)
    module, apply = build(torch, case, x)
    module = module.to(dtype)
    state = module.state_dict()
    load = {}
    for key in state:
        if key == "num_batches_tracked":
            load[key] = state[key]
        else:
            load[key] = tensor(torch, tensors[name + "." + key], dtype)
    module.load_state_dict(load, strict=True)
    module.train()
    y = apply(x)
    y.backward(dy)
    results = {"y": y, "dx": x.grad}
    for pname, param in module.named_parameters():
        results["grad." + pname] = param.grad
    if case["type"] == "BatchNorm":
        results["running_mean"] = module.running_mean
        results["running_var"] = module.running_var
        module.eval()
        with torch.no_grad():
            results["y_eval"] = module(tensor(torch, tensors[name + ".x2"], dtype))
    for key, t in results.items():
        out[name + "." + key] = (code, list(t.shape), flat(t))


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: conv_ref.py IN.safetensors OUT.safetensors")
    import torch
    torch.set_num_threads(1)
    tensors, meta = read_safetensors(argv[0])
    cases = json.loads(meta["cases"])
    out = {}
    for case in cases:
        run_case(torch, case, tensors, out)
    write_safetensors(argv[1], out, {"torch": torch.__version__})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
