#!/usr/bin/python3
"""PyTorch reference trainer for Gradlab's parity tests.

Reads a Gradlab network file (*.net.json), builds the same network out of torch modules,
loads the initial weights from a safetensors file (PyTorch names: <block id>.weight [out, in],
<block id>.bias [out]), trains it with torch.optim and writes the same log CSV as
`gradlab-cli train --log` (header `step,train_loss,test_loss,test_acc`, one row per step).

It takes the same command line as gradlab-cli, so a test can run both with one argument list:

  torch_ref.py train NET.json --data D.safetensors --test-split 0 --steps N --batch B \
      --optimizer NAME --lr X [--l2 X] [--l1 X] --seed S --no-shuffle --init W.safetensors \
      --dtype f64 --log LOG.csv --threads 1

and two helper modes, which may be combined with `train` in one call (importing torch takes
seconds, so a test does all three in one process: data, then init, then training):

  torch_ref.py init NET.json --write-init W.safetensors --seed S
      torch's default init (nn.Linear: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias),
      seeded with torch.manual_seed(S), in float64, saved as F64.
  torch_ref.py data --make-data TASK --data D.safetensors --data-seed S [--rows N]
      a deterministic dataset: x [N, F] and y ([N] class indices, or [N, k] targets), both
      stored as F32 (Gradlab keeps datasets in float32; storing F32 makes both sides read the
      very same numbers). Tasks: see TASKS below.
  torch_ref.py train NET.json --make-data TASK --data-seed S --write-init W --data D ...
      all three in order.

Training semantics (what Gradlab must match):
  * --no-shuffle: batch k (from 0) covers rows (k*B + i) mod N, i < B, in file order.
  * train_loss is the data loss of the batch, before the update (no penalty term).
  * --l2 λ: grad += λ·w, --l1 λ: grad += λ·sign(w), for Dense weights only (not biases),
    added before the optimizer step, for every optimizer.
  * optimizers: torch.optim with its defaults: sgd, momentum (SGD momentum=0.9),
    nesterov (SGD momentum=0.9, nesterov=True), adagrad, adadelta, rmsprop, adam.
  * losses (reduction="mean"): mse (MSELoss: mean over every element), bce (BCELoss on
    probabilities), bce_logits (BCEWithLogitsLoss), cross_entropy (CrossEntropyLoss on
    logits with integer class targets). bce/bce_logits/mse on a 1-unit output with class
    labels y [N] use the label as a float target [B, 1].

Only the Python standard library, numpy-free, plus torch.
"""
import argparse
import json
import math
import struct
import sys
from collections import OrderedDict

# ----------------------------------------------------------------------------------------
# safetensors (no `safetensors` package on the machine): a tiny reader and writer.
# Layout: 8-byte little-endian header length N, N bytes of JSON header (padded with spaces
# to a multiple of 8), then the raw little-endian data.

_DTYPES = {  # safetensors dtype -> (struct code, item size)
    "F64": ("d", 8), "F32": ("f", 4), "I64": ("q", 8), "I32": ("i", 4),
    "I16": ("h", 2), "I8": ("b", 1), "U8": ("B", 1), "BOOL": ("?", 1),
}


def _numel(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


def write_safetensors(path, tensors, metadata=None):
    """tensors: {name: (dtype "F32"|"F64", shape list, flat list of floats)} in any order.
    Names are written sorted; data laid out in that order."""
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        dtype, shape, values = tensors[name]
        code, size = _DTYPES[dtype]
        if len(values) != _numel(shape):
            raise ValueError("%s: %d values for shape %s" % (name, len(values), shape))
        blob = struct.pack("<%d%s" % (len(values), code), *values)
        header[name] = {"dtype": dtype, "shape": [int(d) for d in shape],
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Returns ({name: (dtype, shape, flat list)}, metadata dict). Checks sizes and offsets."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("%s: too short for a safetensors file" % path)
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError("%s: header length %d exceeds the file" % (path, n))
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    out = {}
    meta = header.pop("__metadata__", {}) or {}
    for name, info in header.items():
        dtype = info["dtype"]
        if dtype not in _DTYPES:
            raise ValueError("%s: tensor %r: unsupported dtype %s" % (path, name, dtype))
        code, size = _DTYPES[dtype]
        shape = [int(d) for d in info["shape"]]
        begin, end = (int(v) for v in info["data_offsets"])
        count = _numel(shape)
        if not (0 <= begin <= end <= len(body)) or end - begin != count * size:
            raise ValueError("%s: tensor %r: bad data_offsets %s for shape %s %s"
                             % (path, name, info["data_offsets"], shape, dtype))
        values = list(struct.unpack("<%d%s" % (count, code), body[begin:end]))
        out[name] = (dtype, shape, values)
    return out, meta


def _to_f32(v):
    """Rounds a Python float to the nearest float32 (as a Python float)."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


# ----------------------------------------------------------------------------------------
# Datasets. Pure-Python generation with random.Random(seed): deterministic everywhere.

TASKS = {
    "two-class": "2-D points, labels 0/1: two interleaved noisy blobs (XOR-like quadrants)",
    "three-class": "2-D points, labels 0/1/2: three noisy Gaussian blobs",
    "regression": "3 features -> 2 targets: smooth nonlinear function plus noise",
    "simplex": "2 features -> 3 targets on the probability simplex (softmax of a linear map)",
}


def make_data(task, seed, rows):
    import random
    rnd = random.Random(seed)
    xs, ys, y_shape, meta = [], [], None, {"task": task, "seed": str(seed)}
    if task == "two-class":
        for _ in range(rows):
            a, b = rnd.uniform(-1, 1), rnd.uniform(-1, 1)
            label = 1.0 if (a > 0) != (b > 0) else 0.0
            xs += [a + rnd.gauss(0, 0.1), b + rnd.gauss(0, 0.1)]
            ys.append(label)
        y_shape, meta["num_classes"] = [rows], "2"
    elif task == "three-class":
        centres = [(0.0, 1.0), (-0.87, -0.5), (0.87, -0.5)]
        for i in range(rows):
            c = i % 3 if rnd.random() < 0.5 else rnd.randrange(3)
            cx, cy = centres[c]
            xs += [cx + rnd.gauss(0, 0.45), cy + rnd.gauss(0, 0.45)]
            ys.append(float(c))
        y_shape, meta["num_classes"] = [rows], "3"
    elif task == "regression":
        for _ in range(rows):
            a, b, c = (rnd.uniform(-1.5, 1.5) for _ in range(3))
            xs += [a, b, c]
            ys += [math.sin(a) + 0.5 * b * c + rnd.gauss(0, 0.05),
                   0.3 * a * a - math.cos(b) + 0.2 * c + rnd.gauss(0, 0.05)]
        y_shape, meta["num_classes"] = [rows, 2], "0"
    elif task == "simplex":
        wmat = [(1.5, -0.5), (-1.0, 1.2), (0.2, 0.8)]
        for _ in range(rows):
            a, b = rnd.uniform(-2, 2), rnd.uniform(-2, 2)
            z = [wa * a + wb * b for wa, wb in wmat]
            m = max(z)
            e = [math.exp(v - m) for v in z]
            s = sum(e)
            xs += [a, b]
            ys += [v / s for v in e]
        y_shape, meta["num_classes"] = [rows, 3], "0"
    else:
        raise SystemExit("unknown task %r; tasks: %s" % (task, ", ".join(sorted(TASKS))))
    feats = len(xs) // rows
    return ({"x": ("F32", [rows, feats], [_to_f32(v) for v in xs]),
             "y": ("F32", y_shape, [_to_f32(v) for v in ys])}, meta)


# ----------------------------------------------------------------------------------------
# The network: a small graph executor over torch modules, in topological order.

def load_net(path):
    with open(path, "r", encoding="utf-8") as f:
        spec = json.load(f)
    if spec.get("format") != "gradlab.network/1":
        raise SystemExit("%s: format must be gradlab.network/1" % path)
    return spec


def topo_order(spec):
    ids = [b["id"] for b in spec["blocks"]]
    known = set(ids)
    inputs = {i: [] for i in ids}
    for src, dst in spec["edges"]:
        if src not in known or dst not in known:
            raise SystemExit("edge %s -> %s names an unknown block" % (src, dst))
        inputs[dst].append(src)  # edge order = input order (Concat)
    order, done = [], set()
    while len(order) < len(ids):
        progressed = False
        for i in ids:  # stable: file order among the ready blocks
            if i not in done and all(s in done for s in inputs[i]):
                order.append(i)
                done.add(i)
                progressed = True
        if not progressed:
            raise SystemExit("the network has a cycle")
    return order, inputs


def build(spec, torch):
    nn = torch.nn
    F = torch.nn.functional

    def act_fn(name):
        name = name or "identity"
        table = {
            "identity": lambda z: z,
            "sigmoid": torch.sigmoid,
            "tanh": torch.tanh,
            "relu": F.relu,
            "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
            "elu": lambda z: F.elu(z, 1.0),
            "softmax": lambda z: torch.softmax(z, dim=-1),
        }
        if name not in table:
            raise SystemExit("unknown activation %r" % name)
        return table[name]

    order, inputs = topo_order(spec)
    blocks = {b["id"]: b for b in spec["blocks"]}
    shapes = {}
    modules = nn.ModuleDict()
    for bid in order:  # shape inference + module creation in topological order
        b = blocks[bid]
        t = b["type"]
        ins = inputs[bid]
        if t == "Input":
            shapes[bid] = list(b["shape"])
        elif t == "Dense":
            if len(ins) != 1:
                raise SystemExit("Dense %s needs exactly one input" % bid)
            s = shapes[ins[0]]
            if len(s) != 1:
                raise SystemExit("Dense %s expects a flat input, got %s" % (bid, s))
            modules[bid] = nn.Linear(s[0], int(b["units"]), bias=bool(b.get("use_bias", True)))
            shapes[bid] = [int(b["units"])]
        elif t == "Activation":
            shapes[bid] = shapes[ins[0]]
        elif t == "Add":
            if len(ins) < 2 or any(shapes[i] != shapes[ins[0]] for i in ins):
                raise SystemExit("Add %s needs >= 2 inputs of one shape" % bid)
            shapes[bid] = shapes[ins[0]]
        elif t == "Concat":
            if len(ins) < 2 or any(len(shapes[i]) != 1 for i in ins):
                raise SystemExit("Concat %s needs >= 2 flat inputs" % bid)
            shapes[bid] = [sum(shapes[i][0] for i in ins)]
        else:
            raise SystemExit("block type %s (%s) is not supported by torch_ref.py" % (t, bid))

    acts = {}
    for bid in order:
        b = blocks[bid]
        if b["type"] == "Dense":
            acts[bid] = act_fn(b.get("activation", "identity"))
        elif b["type"] == "Activation":
            acts[bid] = act_fn(b.get("function"))

    input_ids = [i for i in order if blocks[i]["type"] == "Input"]
    if len(input_ids) != 1:
        raise SystemExit("torch_ref.py supports exactly one Input block")

    class GraphNet(nn.Module):
        def __init__(self):
            super().__init__()
            # Registered by block id, so state_dict names are "<id>.weight", "<id>.bias".
            for k, m in modules.items():
                self.add_module(k, m)

        def forward(self, x):
            vals = {}
            for bid in order:
                t = blocks[bid]["type"]
                ins = inputs[bid]
                if t == "Input":
                    vals[bid] = x
                elif t == "Dense":
                    vals[bid] = acts[bid](getattr(self, bid)(vals[ins[0]]))
                elif t == "Activation":
                    vals[bid] = acts[bid](vals[ins[0]])
                elif t == "Add":
                    s = vals[ins[0]]
                    for i in ins[1:]:
                        s = s + vals[i]
                    vals[bid] = s
                elif t == "Concat":
                    vals[bid] = torch.cat([vals[i] for i in ins], dim=-1)
            return vals

    return GraphNet(), shapes


def loss_fn(kind, torch):
    nn = torch.nn
    table = {"mse": nn.MSELoss(), "bce": nn.BCELoss(), "bce_logits": nn.BCEWithLogitsLoss(),
             "cross_entropy": nn.CrossEntropyLoss()}
    if kind not in table:
        raise SystemExit("unknown loss %r" % kind)
    return table[kind]


def make_optimizer(name, params, lr, torch):
    o = torch.optim
    if name == "sgd":
        return o.SGD(params, lr=lr)
    if name == "momentum":
        return o.SGD(params, lr=lr, momentum=0.9)
    if name == "nesterov":
        return o.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    if name == "adagrad":
        return o.Adagrad(params, lr=lr)
    if name == "adadelta":
        return o.Adadelta(params, lr=lr)
    if name == "rmsprop":
        return o.RMSprop(params, lr=lr)
    if name == "adam":
        return o.Adam(params, lr=lr)
    raise SystemExit("unknown optimizer %r" % name)


# ----------------------------------------------------------------------------------------

def main(argv):
    modes = []
    while argv and argv[0] in ("train", "init", "data"):
        modes.append(argv.pop(0))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("net", nargs="?")
    p.add_argument("--data")
    p.add_argument("--test-split", type=float, default=0.0)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--optimizer", default="sgd")
    p.add_argument("--lr", type=float)
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--l1", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-shuffle", action="store_true")
    p.add_argument("--init")
    p.add_argument("--dtype", default="f64", choices=["f32", "f64"])
    p.add_argument("--log")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--write-init", metavar="W.safetensors")
    p.add_argument("--make-data", metavar="TASK", help="; ".join(
        "%s: %s" % kv for kv in sorted(TASKS.items())))
    p.add_argument("--data-seed", type=int, help="seed for --make-data (default: --seed)")
    p.add_argument("--rows", type=int, default=64, help="rows for --make-data")
    p.add_argument("--out", help="output of --make-data when --data is not given")
    a = p.parse_args(argv)
    if not modes:  # plain flags: infer what to do
        if a.make_data:
            modes.append("data")
        if a.write_init:
            modes.append("init")
        if a.log:
            modes.append("train")
    if a.write_init and "init" not in modes:
        modes.insert(0, "init")
    if a.make_data and "data" not in modes:
        modes.insert(0, "data")
    if not modes:
        p.error("nothing to do: give train, --write-init or --make-data")

    if "data" in modes:
        out = a.out or a.data
        if not a.make_data or not out:
            p.error("data mode needs --make-data TASK and --data (or --out) PATH")
        seed = a.data_seed if a.data_seed is not None else a.seed
        tensors, meta = make_data(a.make_data, seed, a.rows)
        write_safetensors(out, tensors, meta)
    if "init" not in modes and "train" not in modes:
        return 0

    import torch
    torch.set_num_threads(max(1, a.threads))
    dtype = torch.float64 if a.dtype == "f64" else torch.float32
    torch.set_default_dtype(dtype)
    if not a.net:
        p.error("init/train need NET.json")
    spec = load_net(a.net)

    if "init" in modes:
        if not a.write_init:
            p.error("init needs --write-init W.safetensors")
        torch.manual_seed(a.seed)
        model, _ = build(spec, torch)  # nn.Linear's default init, seeded
        sd = model.state_dict()
        write_safetensors(a.write_init, {
            k: ("F64", list(v.shape), [float(t) for t in v.double().flatten().tolist()])
            for k, v in sd.items()}, {"source": "torch_ref.py", "seed": str(a.seed)})
    if "train" not in modes:
        return 0

    for need in ("data", "log", "lr"):
        if getattr(a, need) is None:
            p.error("train needs --%s" % need)
    init = a.init or a.write_init
    if not init:
        p.error("train needs --init W.safetensors (or --write-init)")
    if a.test_split != 0:
        p.error("torch_ref.py supports --test-split 0 only")
    if not a.no_shuffle:
        p.error("torch_ref.py supports --no-shuffle only")

    model, shapes = build(spec, torch)
    tens, _ = read_safetensors(init)
    state = OrderedDict()
    for k, (dt, shape, vals) in tens.items():
        state[k] = torch.tensor(vals, dtype=torch.float64).reshape(shape).to(dtype)
    model.load_state_dict(state, strict=True)  # names and shapes must match exactly

    data, _ = read_safetensors(a.data)
    if "x" not in data or "y" not in data:
        raise SystemExit("%s: needs tensors x and y" % a.data)
    x_all = torch.tensor(data["x"][2], dtype=torch.float64).reshape(data["x"][1]).to(dtype)
    y_all = torch.tensor(data["y"][2], dtype=torch.float64).reshape(data["y"][1]).to(dtype)
    n = x_all.shape[0]
    if y_all.shape[0] != n:
        raise SystemExit("x has %d rows, y %d" % (n, y_all.shape[0]))

    loss_spec = spec.get("loss") or {}
    kind, out_id = loss_spec.get("type"), loss_spec.get("block")
    crit = loss_fn(kind, torch)
    out_shape = shapes[out_id]

    def target_of(yb):
        if kind == "cross_entropy":
            return yb.long()
        if yb.dim() == 1:  # class labels as float targets [B, 1]
            if out_shape != [1]:
                raise SystemExit("%s on output %s with class labels needs 1 unit" % (kind, out_shape))
            return yb.reshape(-1, 1)
        return yb

    weights = [m.weight for m in model.modules() if isinstance(m, torch.nn.Linear)]
    opt = make_optimizer(a.optimizer, list(model.parameters()), a.lr, torch)
    B = a.batch
    rows = []
    for k in range(a.steps):
        idx = torch.tensor([(k * B + i) % n for i in range(B)], dtype=torch.long)
        xb, yb = x_all.index_select(0, idx), y_all.index_select(0, idx)
        opt.zero_grad(set_to_none=False)
        out = model(xb)[out_id]
        loss = crit(out, target_of(yb))
        loss.backward()
        with torch.no_grad():
            for w in weights:
                if a.l2:
                    w.grad.add_(w, alpha=a.l2)
                if a.l1:
                    w.grad.add_(torch.sign(w), alpha=a.l1)
        opt.step()
        rows.append("%d,%.17g,," % (k + 1, loss.item()))
    with open(a.log, "w", encoding="utf-8") as f:
        f.write("step,train_loss,test_loss,test_acc\n")
        f.write("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
