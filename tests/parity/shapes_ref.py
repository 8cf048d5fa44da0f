#!/usr/bin/python3
"""PyTorch reference for losses on outputs of any shape and the Fashion-MNIST autoencoder
(tests/parity/tst_parity_loss_shapes.cpp, tests/parity/tst_parity_autoencoder.cpp).

  shapes_ref.py NET.json --task TASK --rows N --data-seed S --data D.safetensors
                --init W.safetensors --log LOG.csv --steps K --batch B --optimizer O --lr LR
                [--fashion-dir DIR --idx-out DIR2 --test-rows M]

Writes the data (x, y as float32; see TASKS), torch's default init of the network (seeded with
--seed, as float64, gradlab's names: "<block id>.weight"), then trains the network in float64
on batches taken in file order (batch k = rows k·B … k·B + B − 1, cycling) and logs
`step,train_loss` for each step — the loss of the batch before the update, as gradlab-cli
train --no-shuffle --test-split 0 --dtype f64 logs it.

Networks are chains (each block reads the one before) of Input, Dense, Flatten, Reshape,
Conv2D (odd kernels, padding "valid" or "same", stride 1), SimpleRNN (tanh, with
return_sequences) and Activation, with gradlab's parameters. Losses as nn.MSELoss,
nn.BCELoss, nn.BCEWithLogitsLoss (reduction "mean": over every element of any shape) and
nn.CrossEntropyLoss; a [B, T, C] output goes to the latter as [B, C, T] with [B, T] targets.

Task "fashion-ae" reads the first N training images of Fashion-MNIST from --fashion-dir
(gzip IDX files), writes them with the first M test images as uncompressed IDX files into
--idx-out (for gradlab-cli, through GRADLAB_FASHION_MNIST_DIR) and trains the autoencoder with
the targets = the inputs (pixels / 255 in float32, as gradlab reads them).
"""
import argparse
import gzip
import json
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_ref import _to_f32, read_safetensors, write_safetensors  # noqa: E402

TASKS = {
    "image-mse": "x [N, 1, 6, 6] in [-1, 1]; y [N, 72]: values in [-1, 1] for a [2, 6, 6] output",
    "image-bce": "x [N, 1, 6, 6] in [-1, 1]; y [N, 36]: 0/1 per pixel for a [1, 6, 6] output",
    "seq-bce": "x [N, 5, 3] in [-1, 1]; y [N, 20]: 0/1 per step and unit for a [5, 4] output",
    "seq-ce": "x [N, 6, 3] in [-1, 1]; y [N, 6]: a class 0..3 per step for a [6, 4] output",
}


def make_data(task, seed, rows):
    rnd = random.Random(seed)
    u = lambda: _to_f32(rnd.uniform(-1, 1))  # noqa: E731
    shapes = {"image-mse": ([1, 6, 6], 72), "image-bce": ([1, 6, 6], 36),
              "seq-bce": ([5, 3], 20), "seq-ce": ([6, 3], 6)}
    if task not in shapes:
        raise SystemExit("unknown task %r; tasks: %s" % (task, ", ".join(sorted(TASKS))))
    xshape, k = shapes[task]
    per = 1
    for d in xshape:
        per *= d
    xs = [u() for _ in range(rows * per)]
    if task == "image-mse":
        ys = [u() for _ in range(rows * k)]
    elif task == "seq-ce":
        ys = [float(rnd.randrange(4)) for _ in range(rows * k)]
    else:
        ys = [float(rnd.random() < 0.5) for _ in range(rows * k)]
    return {"x": ("F32", [rows] + xshape, xs), "y": ("F32", [rows, k], ys)}


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        return f.read()


def fashion(args):
    """The first --rows training and --test-rows test images (and labels) as uncompressed IDX
    files in --idx-out; returns the training images as float32 values [N, 1, 28, 28]."""
    import torch
    os.makedirs(args.idx_out, exist_ok=True)
    images = None
    for part, n in (("train", args.rows), ("t10k", args.test_rows)):
        img = read_idx(os.path.join(args.fashion_dir, part + "-images-idx3-ubyte.gz"))
        lab = read_idx(os.path.join(args.fashion_dir, part + "-labels-idx1-ubyte.gz"))
        magic, count, h, w = struct.unpack(">IIII", img[:16])
        if magic != 2051 or (h, w) != (28, 28) or count < n:
            raise SystemExit("%s: not the Fashion-MNIST images file" % part)
        with open(os.path.join(args.idx_out, part + "-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + img[16:16 + n * 784])
        with open(os.path.join(args.idx_out, part + "-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + lab[8:8 + n])
        if part == "train":
            pixels = torch.tensor(list(img[16:16 + n * 784]), dtype=torch.float32)
            images = (pixels / torch.tensor(255.0, dtype=torch.float32)).reshape(n, 1, 28, 28)
    return images


def build(spec, torch):
    """Modules by block id (so state_dict names are "<id>.weight") and the chain's order."""
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
        elif t == "Reshape":
            shape = list(b["shape"])
        elif t == "Conv2D":
            k = int(b.get("kernel", 3))
            pad = (k - 1) // 2 if b.get("padding", "valid") == "same" else 0
            modules[bid] = nn.Conv2d(shape[0], int(b["filters"]), k, padding=pad)
            shape = [int(b["filters"]), shape[1] + 2 * pad - k + 1, shape[2] + 2 * pad - k + 1]
        elif t == "SimpleRNN":
            modules[bid] = nn.RNN(shape[1], int(b["units"]), batch_first=True)
            if not b.get("return_sequences"):
                raise SystemExit("SimpleRNN %s: only return_sequences is supported here" % bid)
            shape = [shape[0], int(b["units"])]
        elif t != "Activation":
            raise SystemExit("block type %s (%s) is not supported by shapes_ref.py" % (t, bid))
    return modules, order, blocks


def activation(name, torch):
    F = torch.nn.functional
    table = {"identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
             "relu": F.relu}
    if (name or "identity") not in table:
        raise SystemExit("unknown activation %r" % name)
    return table[name or "identity"]


def run(modules, order, blocks, x, torch):
    v = x
    for bid in order:
        b = blocks[bid]
        t = b["type"]
        if t in ("Dense", "Conv2D"):
            v = activation(b.get("activation"), torch)(modules[bid](v))
        elif t == "Flatten":
            v = v.reshape(v.shape[0], -1)
        elif t == "Reshape":
            v = v.reshape(v.shape[0], *b["shape"])  # x.reshape(N, *shape)
        elif t == "SimpleRNN":
            v = modules[bid](v)[0]
        elif t == "Activation":
            v = activation(b.get("function", "relu"), torch)(v)
    return v


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("net")
    p.add_argument("--task", required=True, choices=sorted(TASKS) + ["fashion-ae"])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--test-rows", type=int, default=50)
    p.add_argument("--data-seed", type=int, default=1)
    p.add_argument("--data")
    p.add_argument("--fashion-dir")
    p.add_argument("--idx-out")
    p.add_argument("--init", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)

    import torch
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    with open(a.net, "r", encoding="utf-8") as f:
        spec = json.load(f)

    if a.task == "fashion-ae":
        if not a.fashion_dir or not a.idx_out:
            p.error("fashion-ae needs --fashion-dir and --idx-out")
        x_all = fashion(a).double()
        y_all = x_all
    else:
        if not a.data:
            p.error("%s needs --data" % a.task)
        tensors = make_data(a.task, a.data_seed, a.rows)
        write_safetensors(a.data, tensors, {"task": a.task})
        x_all = torch.tensor(tensors["x"][2]).reshape(tensors["x"][1])
        y_all = torch.tensor(tensors["y"][2]).reshape(tensors["y"][1])

    torch.manual_seed(a.seed)
    modules, order, blocks = build(spec, torch)
    sd = modules.state_dict()
    write_safetensors(a.init, {k: ("F64", list(v.shape), [float(t) for t in v.flatten().tolist()])
                               for k, v in sd.items()}, {"source": "shapes_ref.py"})

    kind = spec["loss"]["type"]
    crit = {"mse": torch.nn.MSELoss(), "bce": torch.nn.BCELoss(),
            "bce_logits": torch.nn.BCEWithLogitsLoss(),
            "cross_entropy": torch.nn.CrossEntropyLoss()}[kind]
    if spec["loss"]["block"] != order[-1]:
        raise SystemExit("the loss must read the chain's last block")
    params = list(modules.parameters())
    opt = (torch.optim.Adam(params, lr=a.lr) if a.optimizer == "adam"
           else torch.optim.SGD(params, lr=a.lr))
    n, B = x_all.shape[0], a.batch
    rows = []
    for k in range(a.steps):
        idx = torch.tensor([(k * B + i) % n for i in range(B)], dtype=torch.long)
        xb, yb = x_all.index_select(0, idx), y_all.index_select(0, idx)
        opt.zero_grad()
        out = run(modules, order, blocks, xb, torch)
        if kind == "cross_entropy":
            logits = out.permute(0, 2, 1) if out.dim() == 3 else out  # [B, C, T]
            loss = crit(logits, yb.reshape(out.shape[:-1]).long())
        else:
            loss = crit(out, yb.reshape(out.shape))  # every element, any shape
        loss.backward()
        opt.step()
        rows.append("%d,%.17g" % (k + 1, loss.item()))
    with open(a.log, "w", encoding="utf-8") as f:
        f.write("step,train_loss\n" + "\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
