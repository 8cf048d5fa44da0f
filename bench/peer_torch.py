#!/usr/bin/python3
"""PyTorch peer for Gradlab's benchmarks: full training steps per second on the CPU.

A step is what a training loop does per batch: zero_grad(set_to_none=True), forward, loss,
backward, optimizer step (Adam, torch defaults, lr 1e-3). Float32, as PyTorch is normally used.
Synthetic data is generated up front (a pool of batches cycled through, not timed); a warm-up
runs before the timed window.

Cases (the same as `gradlab-cli bench --case C`):
  mlp-tiny   2-8-8-1, tanh hidden, sigmoid output, BCELoss, batch 10
  mlp-mnist  784-256-128-10, ReLU hidden, CrossEntropyLoss on logits, batch 64
  cnn        [1,28,28] -> Conv2d 8@5x5 pad 2, ReLU -> MaxPool 2 -> Conv2d 16@5x5 pad 2, ReLU
             -> MaxPool 2 -> Flatten -> Linear 784->10, CrossEntropyLoss, batch 32
  lstm       LSTM(input 8, hidden 64) over 50 time steps (batch_first), Linear 64->1 on the
             last hidden state, MSELoss, batch 32
  cnn-large  [3,32,32] -> Conv2d 32, 32 @3x3 pad 1, ReLU -> MaxPool 2 -> Conv2d 64, 64 @3x3
             pad 1, ReLU -> MaxPool 2 -> Linear 4096->256, ReLU -> Linear 256->10,
             CrossEntropyLoss, batch 128 (the GPU benchmarks' larger CNN)

--device cuda runs on the GPU (a PyTorch built with CUDA): TF32 off for matmuls and cuDNN,
as Gradlab computes in full float32, and the clock read after torch.cuda.synchronize().

Usage:
  peer_torch.py --case mlp-tiny [--case cnn ...] --threads N --seconds S [--json] [--device cuda]
  peer_torch.py --info        # torch version, BLAS actually loaded, oneDNN, threads (JSON)

--json prints one object per case and line:
  {"case", "threads", "steps_per_s", "samples_per_s", "impl": "torch", "omp_wait_policy"}
Run it with OPENBLAS_NUM_THREADS=N OMP_NUM_THREADS=N (bench/run.sh does); --threads also sets
torch's intra-op threads and, when OpenBLAS is the loaded BLAS, openblas_set_num_threads(N).
"""
import argparse
import ctypes
import json
import os
import sys
import time

CASES = ["mlp-tiny", "mlp-mnist", "cnn", "lstm", "cnn-large"]
POOL = 16  # distinct pre-built batches, cycled


def blas_info():
    """Which BLAS library the process really mapped (Debian's torch links the generic
    libblas.so.3, which update-alternatives points at OpenBLAS, BLIS or the reference BLAS)."""
    libs = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if ("blas" in base or "blis" in base or "mkl_" in base) and path not in libs:
                    libs.append(path)
    except OSError:
        pass
    info = {"libraries": [os.path.realpath(p) for p in libs]}
    for p in libs:
        try:
            lib = ctypes.CDLL(p)
            get = lib.openblas_get_config
            get.restype = ctypes.c_char_p
            info["openblas_config"] = get().decode()
            core = lib.openblas_get_corename
            core.restype = ctypes.c_char_p
            info["openblas_core"] = core().decode()
            info["openblas_handle"] = p
            break
        except (OSError, AttributeError):
            continue
    return info


def set_threads(torch, n):
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    info = blas_info()
    if "openblas_handle" in info:
        try:
            ctypes.CDLL(info["openblas_handle"]).openblas_set_num_threads(ctypes.c_int(n))
        except (OSError, AttributeError):
            pass


def build(case, torch, gen):
    """Returns (model, loss_fn, batch_size, pool of (x, y))."""
    nn = torch.nn
    if case == "mlp-tiny":
        b = 10
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(),
                              nn.Linear(8, 1), nn.Sigmoid())
        loss = nn.BCELoss()
        pool = [(torch.randn(b, 2, generator=gen),
                 torch.randint(0, 2, (b, 1), generator=gen).float()) for _ in range(POOL)]
    elif case == "mlp-mnist":
        b = 64
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                              nn.Linear(128, 10))
        loss = nn.CrossEntropyLoss()
        pool = [(torch.rand(b, 784, generator=gen), torch.randint(0, 10, (b,), generator=gen))
                for _ in range(POOL)]
    elif case == "cnn":
        b = 32
        model = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
        loss = nn.CrossEntropyLoss()
        pool = [(torch.rand(b, 1, 28, 28, generator=gen), torch.randint(0, 10, (b,), generator=gen))
                for _ in range(POOL)]
    elif case == "lstm":
        b = 32

        class LstmHead(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(8, 64, batch_first=True)
                self.head = nn.Linear(64, 1)

            def forward(self, x):
                _, (h, _) = self.lstm(x)
                return self.head(h[-1])

        model = LstmHead()
        loss = nn.MSELoss()
        pool = [(torch.randn(b, 50, 8, generator=gen), torch.randn(b, 1, generator=gen))
                for _ in range(POOL)]
    elif case == "cnn-large":
        b = 128
        model = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
                              nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                              nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(64 * 8 * 8, 256), nn.ReLU(),
                              nn.Linear(256, 10))
        loss = nn.CrossEntropyLoss()
        pool = [(torch.rand(b, 3, 32, 32, generator=gen), torch.randint(0, 10, (b,), generator=gen))
                for _ in range(POOL)]
    else:
        raise SystemExit("unknown case %r; cases: %s" % (case, ", ".join(CASES)))
    return model, loss, b, pool


def run_case(case, threads, seconds, torch, foreach, device="cpu"):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    model, crit, batch, pool = build(case, torch, gen)
    model.to(device)
    pool = [(x.to(device), y.to(device)) for x, y in pool]
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    model.train()
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=1e-3, foreach=foreach)

    def steps(k, start):
        for i in range(start, start + k):
            x, y = pool[i % POOL]
            opt.zero_grad(set_to_none=True)
            crit(model(x), y).backward()
            opt.step()

    # Warm-up: at least 10 steps and ~10% of the budget (allocator, oneDNN primitives, caches).
    t0 = time.perf_counter()
    n = 0
    while n < 10 or time.perf_counter() - t0 < min(1.0, 0.1 * seconds):
        steps(1, n)
        n += 1
        sync()
    # Timed window: run in chunks so the clock is read rarely, stop once the budget is spent.
    chunk = max(1, int(n / max(time.perf_counter() - t0, 1e-9) * 0.05))  # ~50 ms per chunk
    done = 0
    t0 = time.perf_counter()
    while True:
        steps(chunk, done)
        done += chunk
        sync()
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            break
    sps = done / elapsed
    return {"case": case, "threads": threads, "steps_per_s": round(sps, 3),
            "samples_per_s": round(sps * batch, 1), "impl": "torch", "device": device,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")}


def main(argv):
    p = argparse.ArgumentParser(description="PyTorch peer for Gradlab's benchmarks")
    p.add_argument("--case", action="append", choices=CASES,
                   help="a case (repeatable; default mlp-tiny and mlp-mnist)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=3.0, help="timed budget per case")
    p.add_argument("--json", action="store_true", help="one JSON object per case and line")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                   help="cuda: on the GPU, with a PyTorch built with CUDA")
    p.add_argument("--info", action="store_true",
                   help="print torch version, BLAS, oneDNN and thread settings as JSON")
    p.add_argument("--foreach", choices=["auto", "on", "off"], default="on",
                   help="Adam's multi-tensor (foreach) implementation; on is faster on this "
                        "CPU for every case (auto = torch's choice, which is off on CPU)")
    a = p.parse_args(argv)

    import torch
    set_threads(torch, max(1, a.threads))
    if a.info:
        print(json.dumps({
            "torch": torch.__version__,
            "blas": blas_info(),
            "mkldnn": torch.backends.mkldnn.is_available(),
            "openmp": torch.backends.openmp.is_available(),
            "threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(),
            "env": {k: os.environ[k] for k in sorted(os.environ)
                    if k.startswith(("OPENBLAS", "OMP", "MKL"))},
            "build_blas": [s.strip() for s in torch.__config__.show().replace(",", "\n").split("\n")
                           if "BLAS_INFO" in s or "LAPACK_INFO" in s],
        }))
        return 0
    foreach = {"auto": None, "on": True, "off": False}[a.foreach]
    if a.device == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("peer_torch.py: this PyTorch has no usable CUDA (%s)" % torch.__version__)
        torch.backends.cuda.matmul.allow_tf32 = False  # full float32, as Gradlab
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    for case in a.case or ["mlp-tiny", "mlp-mnist"]:
        r = run_case(case, a.threads, a.seconds, torch, foreach, a.device)
        if a.json:
            print(json.dumps(r), flush=True)
        else:
            print("%-10s threads %d  %12.1f steps/s  %14.1f samples/s"
                  % (case, r["threads"], r["steps_per_s"], r["samples_per_s"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
