#!/usr/bin/python3
"""Reference for Li et al.'s filter normalisation (tests/parity/tst_parity_filter_directions.cpp).

  filter_directions_ref.py IN.safetensors OUT.safetensors [IN2 OUT2 ...]

IN holds, per trainable tensor <name> of a network (gradlab's names and PyTorch's layouts, F64):
theta.<name> (the weights) and raw1.<name>, raw2.<name> (a Gaussian draw of the same shape), as
`gradlab-cli landscape --dump-directions` writes them. OUT gets d1.<name>, d2.<name>: the raw
draws normalised as the authors' code does (github.com/tomgoldstein/loss-landscape,
net_plotter.py, normalize_directions_for_weights with norm='filter', ignore='biasbn'):

    for d, w in zip(direction, weights):
        if d.dim() <= 1:
            d.fill_(0)                                # biases and BN parameters: left still
        else:
            for di, wi in zip(d, w):                  # each filter: a slice along dim 0
                di.mul_(wi.norm() / (di.norm() + 1e-10))

With torch (python3-torch) the very code above runs on float64 tensors; without it, the same
arithmetic in plain Python (math.fsum) — the script says which on stdout.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_ref import read_safetensors, write_safetensors  # noqa: E402


def normalise_torch(direction, weights, torch):
    d = torch.tensor(direction[2], dtype=torch.float64).reshape(direction[1])
    w = torch.tensor(weights[2], dtype=torch.float64).reshape(weights[1])
    if d.dim() <= 1:
        d.fill_(0)
    else:
        for di, wi in zip(d, w):
            di.mul_(wi.norm() / (di.norm() + 1e-10))
    return d.reshape(-1).tolist()


def normalise_plain(direction, weights):
    shape, d, w = direction[1], list(direction[2]), weights[2]
    if len(shape) <= 1:
        return [0.0] * len(d)
    each = len(d) // shape[0] if shape[0] else 0
    for f in range(shape[0]):
        lo, hi = f * each, (f + 1) * each
        dn = math.sqrt(math.fsum(v * v for v in d[lo:hi]))
        wn = math.sqrt(math.fsum(v * v for v in w[lo:hi]))
        scale = wn / (dn + 1e-10)
        for i in range(lo, hi):
            d[i] *= scale
    return d


def normalise_file(src, dst, torch):
    tensors, _ = read_safetensors(src)
    out = {}
    names = sorted(n[len("theta."):] for n in tensors if n.startswith("theta."))
    if not names:
        raise SystemExit("%s: no theta.<name> tensors" % src)
    for name in names:
        w = tensors["theta." + name]
        for k in ("1", "2"):
            raw = tensors["raw%s.%s" % (k, name)]
            if raw[1] != w[1]:
                raise SystemExit("%s: raw%s.%s is %s but theta is %s" % (src, k, name, raw[1], w[1]))
            d = normalise_torch(raw, w, torch) if torch else normalise_plain(raw, w)
            out["d%s.%s" % (k, name)] = ("F64", w[1], d)
    write_safetensors(dst, out)
    print("%s: normalised %d tensors with %s"
          % (os.path.basename(src), len(names), "torch " + torch.__version__ if torch else "plain Python"))


def main(argv):
    if len(argv) < 3 or len(argv) % 2 != 1:
        raise SystemExit(__doc__)
    try:  # importing torch takes seconds: once for every pair of files
        import torch  # noqa: F401
        torch.set_num_threads(1)
    except ImportError:
        torch = None
    for i in range(1, len(argv), 2):
        normalise_file(argv[i], argv[i + 1], torch)


if __name__ == "__main__":
    main(sys.argv)
