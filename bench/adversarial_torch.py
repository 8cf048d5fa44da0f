#!/usr/bin/python3
"""Accuracy under FGSM / PGD attack, Gradlab beside PyTorch, for the same weights.

Loads a gradlab network (a chain: tests/parity/explain_ref.py builds it) and its safetensors
weights into torch, takes the Fashion-MNIST test set (pixels / 255, float32, as gradlab reads
it) and measures the test accuracy of
  FGSM  x' = clamp(x + ε·sign(∇ₓ L), 0, 1)
  PGD   x⁰ = x, xᵏ⁺¹ = clamp(x + clamp(xᵏ + α·sign(∇ₓ L(xᵏ)) − x, −ε, ε), 0, 1), α = 2.5·ε/K
with L the mean cross-entropy of a batch of 256, in float32 and evaluation mode — the same
definitions as core/explain/adversarial.h. With --gradlab it also runs
`gradlab-cli explain adversarial` for each method and prints one markdown table of both.

  bench/adversarial_torch.py NET.json W.safetensors [--eps 0,0.02,0.05,0.1,0.2]
      [--methods fgsm,pgd] [--steps 10] [--samples 0] [--fashion-dir DIR]
      [--gradlab build/app/gradlab-cli]
"""
import argparse
import gzip
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "parity"))
from explain_ref import load_model  # noqa: E402


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        return f.read()


def fashion_test(directory, torch):
    img = read_idx(os.path.join(directory, "t10k-images-idx3-ubyte.gz"))
    lab = read_idx(os.path.join(directory, "t10k-labels-idx1-ubyte.gz"))
    magic, n, h, w = struct.unpack(">IIII", img[:16])
    if magic != 2051 or (h, w) != (28, 28):
        raise SystemExit("%s: not the Fashion-MNIST test images" % directory)
    x = torch.frombuffer(bytearray(img[16:16 + n * 784]), dtype=torch.uint8).float()
    x = (x / torch.tensor(255.0)).reshape(n, 1, 28, 28)
    y = torch.frombuffer(bytearray(lab[8:8 + n]), dtype=torch.uint8).long()
    return x, y


def attack(model, x, y, eps, method, steps, torch):
    F = torch.nn.functional
    if eps == 0:
        return x
    if method == "fgsm":
        xa = x.clone().requires_grad_(True)
        F.cross_entropy(model(xa), y).backward()
        return (x + eps * xa.grad.sign()).clamp(0, 1)
    alpha = 2.5 * eps / steps
    adv = x.clone()
    for _ in range(steps):
        xa = adv.clone().requires_grad_(True)
        F.cross_entropy(model(xa), y).backward()
        step = (adv + alpha * xa.grad.sign() - x).clamp(-eps, eps)
        adv = (x + step).clamp(0, 1)
    return adv


def torch_curve(model, x, y, eps_list, method, steps, torch):
    out = []
    for eps in eps_list:
        correct = 0
        for b0 in range(0, len(y), 256):
            xb, yb = x[b0:b0 + 256], y[b0:b0 + 256]
            adv = attack(model, xb, yb, eps, method, steps, torch)
            with torch.no_grad():
                correct += int((model(adv).argmax(1) == yb).sum())
        out.append(correct / len(y))
    return out


def gradlab_curve(cli, net, weights, eps, method, steps, samples):
    cmd = [cli, "explain", "adversarial", net, "--weights", weights, "--dataset",
           "fashion-mnist", "--eps", eps, "--method", method, "--steps", str(steps),
           "--samples", str(samples), "--backend", "cpu"]
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    acc = []
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[0] != "eps":
            acc.append(float(f[1]))
    return acc, " ".join(cmd[1:])


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("net")
    p.add_argument("weights")
    p.add_argument("--eps", default="0,0.02,0.05,0.1,0.2")
    p.add_argument("--methods", default="fgsm,pgd")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--samples", type=int, default=0)
    p.add_argument("--fashion-dir", default=os.environ.get(
        "GRADLAB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    p.add_argument("--gradlab", help="gradlab-cli to run beside torch")
    a = p.parse_args(argv)

    import torch
    torch.set_num_threads(1)
    model = load_model(a.net, a.weights, torch, torch.float32)
    x, y = fashion_test(a.fashion_dir, torch)
    if a.samples > 0:
        x, y = x[:a.samples], y[:a.samples]
    eps_list = [float(e) for e in a.eps.split(",")]
    print("torch %s, %d test samples, PGD %d steps (α = 2.5·ε/steps, no random start)"
          % (torch.__version__, len(y), a.steps))
    rows = {}
    for method in a.methods.split(","):
        t0 = time.time()
        rows[(method, "torch")] = torch_curve(model, x, y, eps_list, method, a.steps, torch)
        print("torch %s: %.1f s" % (method, time.time() - t0), file=sys.stderr)
        if a.gradlab:
            t0 = time.time()
            acc, cmd = gradlab_curve(a.gradlab, a.net, a.weights, a.eps, method, a.steps,
                                     a.samples)
            rows[(method, "gradlab")] = acc
            print("gradlab %s: %.1f s  (%s)" % (method, time.time() - t0, cmd), file=sys.stderr)
    print()
    print("| method | impl | " + " | ".join("ε = %g" % e for e in eps_list) + " |")
    print("|---|---|" + "---:|" * len(eps_list))
    for (method, impl), acc in rows.items():
        print("| %s | %s | " % (method, impl) + " | ".join("%.4f" % v for v in acc) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
