#!/usr/bin/python3
"""PyTorch reference for Gradlab's input gradients (tests/parity/tst_parity_saliency.cpp) and
the model loader of bench/adversarial_torch.py.

  explain_ref.py NET.json W.safetensors IN.safetensors OUT.safetensors

IN holds x [N, ...input shape] and y [N] (class indices), its metadata "eps" one ε. In float64
(the weights and x as stored, float32 values widened), OUT gets
  class     [N]  the predicted class (argmax of the logits)
  saliency  [N, ...]  ∂(logit of the predicted class)/∂x, per sample (x.grad of Σ_b z[b, c_b])
  loss_grad [N, ...]  ∂ CrossEntropyLoss(z, y) / ∂x (mean over the batch)
  fgsm      [N, ...]  clamp(x + ε·sign(loss_grad), 0, 1)   (Goodfellow et al. 2015)

Networks are chains (each block reads the one before) of Input, Conv2D (stride, padding
"valid", "same" or a number, activation), MaxPool2D / AvgPool2D (size, stride), Flatten, Dense
(activation) and Activation, with gradlab's parameter names ("<block id>.weight").
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_ref import read_safetensors, write_safetensors  # noqa: E402


def activation(name, torch):
    F = torch.nn.functional
    table = {"identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
             "relu": F.relu, "leaky_relu": lambda z: F.leaky_relu(z, 0.01), "elu": F.elu}
    if (name or "identity") not in table:
        raise SystemExit("unknown activation %r" % name)
    return table[name or "identity"]


def build(spec, torch):
    """(model, order): a torch module whose state_dict names are gradlab's, and the chain."""
    nn = torch.nn
    blocks = {b["id"]: b for b in spec["blocks"]}
    after = {src: dst for src, dst in spec["edges"]}
    order = [next(b["id"] for b in spec["blocks"] if b["type"] == "Input")]
    while order[-1] in after:
        order.append(after[order[-1]])
    modules = nn.ModuleDict()
    shape = None
    for bid in order:
        b = blocks[bid]
        t = b["type"]
        if t == "Input":
            shape = list(b["shape"])
        elif t == "Dense":
            modules[bid] = nn.Linear(shape[0], int(b["units"]))
            shape = [int(b["units"])]
        elif t == "Flatten":
            n = 1
            for d in shape:
                n *= d
            shape = [n]
        elif t == "Conv2D":
            k, s = int(b.get("kernel", 3)), int(b.get("stride", 1))
            padding = b.get("padding", "valid")
            pad = 0 if padding == "valid" else (k - 1) // 2 if padding == "same" else int(padding)
            modules[bid] = nn.Conv2d(shape[0], int(b["filters"]), k, stride=s, padding=pad)
            shape = [int(b["filters"]), (shape[1] + 2 * pad - k) // s + 1,
                     (shape[2] + 2 * pad - k) // s + 1]
        elif t in ("MaxPool2D", "AvgPool2D"):
            k = int(b.get("size", 2))
            s = b.get("stride", "size")
            s = k if s == "size" else int(s)
            modules[bid] = (nn.MaxPool2d if t == "MaxPool2D" else nn.AvgPool2d)(k, stride=s)
            shape = [shape[0], (shape[1] - k) // s + 1, (shape[2] - k) // s + 1]
        elif t != "Activation":
            raise SystemExit("block type %s (%s) is not supported by explain_ref.py" % (t, bid))

    class Chain(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = modules

        def forward(self, x):
            v = x
            for bid in order:
                b = blocks[bid]
                t = b["type"]
                if t in ("Dense", "Conv2D"):
                    v = activation(b.get("activation"), torch)(self.blocks[bid](v))
                elif t in ("MaxPool2D", "AvgPool2D"):
                    v = self.blocks[bid](v)
                elif t == "Flatten":
                    v = v.reshape(v.shape[0], -1)
                elif t == "Activation":
                    v = activation(b.get("function", "relu"), torch)(v)
            return v

    return Chain(), order


def load_model(net_path, weights_path, torch, dtype):
    """The chain of NET.json with the weights of a gradlab safetensors file, in `dtype`."""
    with open(net_path, "r", encoding="utf-8") as f:
        spec = json.load(f)
    model, _ = build(spec, torch)
    weights, _ = read_safetensors(weights_path)
    state = {"blocks." + name: torch.tensor(v, dtype=dtype).reshape(shape)
             for name, (_, shape, v) in weights.items()}
    model.load_state_dict(state)
    return model.to(dtype).eval()


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__)
    net, weights, inp, out = argv
    import torch
    torch.set_num_threads(1)
    dtype = torch.float64
    model = load_model(net, weights, torch, dtype)
    tensors, meta = read_safetensors(inp)
    _, xshape, xv = tensors["x"]
    _, _, yv = tensors["y"]
    eps = float(meta.get("eps", "0.1"))

    x = torch.tensor(xv, dtype=dtype).reshape(xshape).requires_grad_(True)
    z = model(x)
    cls = z.argmax(dim=1)
    z.gather(1, cls[:, None]).sum().backward()
    saliency = x.grad.detach().clone()

    x2 = torch.tensor(xv, dtype=dtype).reshape(xshape).requires_grad_(True)
    y = torch.tensor([int(v) for v in yv])
    torch.nn.functional.cross_entropy(model(x2), y).backward()
    g = x2.grad.detach()
    fgsm = (x2.detach() + eps * g.sign()).clamp(0, 1)

    n = xshape[0]
    write_safetensors(out, {
        "class": ("F64", [n], [float(c) for c in cls.tolist()]),
        "saliency": ("F64", xshape, flat(saliency)),
        "loss_grad": ("F64", xshape, flat(g)),
        "fgsm": ("F64", xshape, flat(fgsm)),
    }, {"torch": torch.__version__})


if __name__ == "__main__":
    main(sys.argv[1:])
