#include "export/pytorch_text.h"

namespace gradlab::pytorch_text {

const char* const kSafetensors = R"PY(
# ---- safetensors without the safetensors package -------------------------------------------
# An 8-byte little-endian header length N, N bytes of JSON header
#   {"h1.weight": {"dtype": "F32", "shape": [4, 2], "data_offsets": [0, 32]}, ...,
#    "__metadata__": {"key": "value"}}
# then the tensors' raw little-endian bytes.

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
          "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32, "I16": torch.int16,
          "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    """({name: tensor}, {metadata}) of a safetensors file; sizes and offsets are checked."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: the header length {n} exceeds the file")
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", None) or {}
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, info in header.items():
        if info.get("dtype") not in DTYPES:
            raise ValueError(f"{path}: tensor {name!r}: unknown dtype {info.get('dtype')!r}")
        dtype = DTYPES[info["dtype"]]
        shape = [int(d) for d in info["shape"]]
        begin, end = (int(v) for v in info["data_offsets"])
        size = torch.empty((), dtype=dtype).element_size() * math.prod(shape)
        if not 0 <= begin <= end <= len(body) or end - begin != size:
            raise ValueError(f"{path}: tensor {name!r}: data_offsets {[begin, end]} do not "
                             f"fit its shape {shape} in a body of {len(body)} bytes")
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if size else \
            torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(shape)
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} (names sorted, header padded to 8 bytes); atomically."""
    names = {v: k for k, v in DTYPES.items()}
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        blob = t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    part = path + ".part"
    with open(part, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(part, path)
)PY";

const char* const kWeights = R"PY(

def load_weights(model, path):
    """Loads Gradlab's weights (or train.py's checkpoint) into the model by name. Every
    parameter and buffer must be in the file with its shape; BatchNorm's num_batches_tracked,
    which Gradlab does not keep, may be missing."""
    tensors, _ = read_safetensors(path)
    state = model.state_dict()
    missing = [k for k in state if k not in tensors and not k.endswith("num_batches_tracked")]
    unknown = [k for k in tensors if k not in state]
    if missing or unknown:
        raise ValueError(f"{path}: does not fit the network: missing {missing}, "
                         f"not in the network {unknown}")
    for k, t in tensors.items():
        if tuple(t.shape) != tuple(state[k].shape):
            raise ValueError(f"{path}: {k} has the shape {list(t.shape)}, "
                             f"the network needs {list(state[k].shape)}")
    model.load_state_dict({k: t.to(state[k].dtype) for k, t in tensors.items()}, strict=False)


def gradlab_weights(model):
    """The model's weights under Gradlab's names: its state_dict without num_batches_tracked."""
    return {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
)PY";

const char* const kGru = R"PY(

class GRU(nn.Module):
    """Gradlab's GRU: the lecture's (Cho et al. 2014), on nn.GRU's parameters (gate rows r, z, g):
        r = σ(W_ir x + b_ir + W_hr h + b_hr)
        z = σ(W_iz x + b_iz + W_hz h + b_hz)
        g = tanh(W_ig x + b_ig + W_hg (r ⊙ h) + b_hg)      the candidate
        h' = z ⊙ h + (1 − z) ⊙ g,   h₀ = 0
    nn.GRU applies r after the matrix, r ⊙ (W_hg h + b_hg): another function of the same weights.
    Input [batch, time, features]; output every step's hidden state [batch, time, hidden]."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        H = self.hidden_size = hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.empty(3 * H, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(3 * H, H))
        self.bias_ih_l0 = nn.Parameter(torch.empty(3 * H))
        self.bias_hh_l0 = nn.Parameter(torch.empty(3 * H))
        for p in self.parameters():  # nn.GRU's init: U(−1/√H, 1/√H)
            nn.init.uniform_(p, -1 / math.sqrt(H), 1 / math.sqrt(H))

    def forward(self, x):
        H = self.hidden_size
        w_rz, w_g = self.weight_hh_l0[:2 * H], self.weight_hh_l0[2 * H:]
        b_rz, b_g = self.bias_hh_l0[:2 * H], self.bias_hh_l0[2 * H:]
        xs = x @ self.weight_ih_l0.T + self.bias_ih_l0  # every step's input part [B, T, 3H]
        h = x.new_zeros(x.shape[0], H)
        hs = []
        for t in range(x.shape[1]):
            rz = torch.sigmoid(xs[:, t, :2 * H] + h @ w_rz.T + b_rz)
            r, z = rz[:, :H], rz[:, H:]
            g = torch.tanh(xs[:, t, 2 * H:] + (r * h) @ w_g.T + b_g)
            h = z * h + (1 - z) * g
            hs.append(h)
        return torch.stack(hs, dim=1)
)PY";

const char* const kPositionEncoding = R"PY(

class PositionEncoding(nn.Module):
    """Gradlab's PositionEncoding: adds to step t of a sequence [batch, T, F] a vector P[t]
    that says which step it is. learned: P is the parameter "weight" [T, F]; sinusoidal
    (Vaswani et al. 2017): P[t, 2i] = sin(ωᵢ t), P[t, 2i+1] = cos(ωᵢ t), ωᵢ = 10000^(−2i/F)."""

    def __init__(self, steps, features, learned):
        super().__init__()
        if learned:  # U(−1/√F, 1/√F), as Gradlab draws it
            bound = 1 / math.sqrt(features)
            self.weight = nn.Parameter(torch.empty(steps, features).uniform_(-bound, bound))
        else:
            t = torch.arange(steps, dtype=torch.float64)[:, None]
            j = torch.arange(features)
            omega = 10000.0 ** (-(j - j % 2).double() / features)
            table = torch.where(j % 2 == 0, torch.sin(omega * t), torch.cos(omega * t))
            self.register_buffer("table", table.to(torch.get_default_dtype()), persistent=False)

    def forward(self, x):
        return x + (self.weight if hasattr(self, "weight") else self.table)
)PY";

const char* const kAttention = R"PY(

class Attention(nn.Module):
    """Gradlab's Attention: scaled dot-product attention, one head (Vaswani et al. 2017).
        Q = X_q W_qᵀ,  K = X_kv W_kᵀ,  V = X_kv W_vᵀ     (units 0: Q = X_q, K = V = X_kv)
        A = softmax(Q Kᵀ / √d) per query,  Y = A V       Y [batch, T_q, d]
    The projections carry nn.MultiheadAttention's names (q_proj_weight, ...; no biases)."""

    def __init__(self, query_features, key_features, units):
        super().__init__()
        self.units = units
        if units:
            self.q_proj_weight = nn.Parameter(torch.empty(units, query_features))
            self.k_proj_weight = nn.Parameter(torch.empty(units, key_features))
            self.v_proj_weight = nn.Parameter(torch.empty(units, key_features))
            for p in self.parameters():
                nn.init.xavier_uniform_(p)

    def forward(self, xq, xkv):
        q, k, v = xq, xkv, xkv
        if self.units:
            q, k, v = xq @ self.q_proj_weight.T, xkv @ self.k_proj_weight.T, xkv @ self.v_proj_weight.T
        a = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)
        return a @ v
)PY";

const char* const kTrainLoop = R"PY(

def batches(n, rows, shuffle, rank, world):
    """Endless batches of row indices, drawn as Gradlab draws them: each epoch's order (a new
    seeded permutation, or file order), cut into batches that run on into the next epoch.
    Under torchrun each process takes its share of the epoch (DistributedSampler), `rows` a step."""
    sampler = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=shuffle,
                                 seed=SEED, drop_last=False)
    epoch, pending = 0, []
    while True:
        while len(pending) < rows:
            sampler.set_epoch(epoch)
            pending += list(sampler)
            epoch += 1
        yield pending[:rows]
        pending = pending[rows:]


def evaluate(model, x, y, device):
    """Loss (and accuracy, for classes) over a whole set in evaluation mode, 256 rows at a time."""
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, x.shape[0], 256):
            xb, yb = x[i:i + 256].to(device), y[i:i + 256].to(device)
            out = model(xb)
            loss += loss_of(out, yb).item() * xb.shape[0]
            if CLASSES:
                correct += int(correct_of(out, yb))
    model.train()
    return loss / x.shape[0], (correct / y.numel() if CLASSES else None)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=STEPS, help="training steps (batches)")
    p.add_argument("--batch", type=int, default=BATCH, help="rows a step, over all processes")
    p.add_argument("--no-shuffle", action="store_true",
                   help="batches in file order, cycling (as gradlab-cli train --no-shuffle)")
    p.add_argument("--init", default=os.path.join(here, INIT),
                   help="start from these weights (safetensors with Gradlab's names)")
    p.add_argument("--data", default=os.path.join(here, DATA),
                   help="x, y (and x_test, y_test) as safetensors")
    p.add_argument("--log", help="CSV: step,train_loss,test_loss,test_acc (rank 0)")
    p.add_argument("--out", default="checkpoint.safetensors",
                   help="the trained weights, with Gradlab's names (rank 0)")
    p.add_argument("--eval-every", type=int, default=0,
                   help="test-set evaluation every N steps (default: 20 times a run)")
    p.add_argument("--dtype", choices=["f32", "f64"], default="f32")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                   help="auto: the GPU (this process's LOCAL_RANK) when there is one")
    p.add_argument("--threads", type=int, default=0, help="cpu threads (0: torch's default)")
    a = p.parse_args()
    if a.steps < 1 or a.batch < 1:
        p.error("--steps and --batch must be at least 1")

    # torchrun sets WORLD_SIZE, RANK and LOCAL_RANK; a plain run is one process of one.
    distributed = "WORLD_SIZE" in os.environ
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available())
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
    dtype = torch.float64 if a.dtype == "f64" else torch.float32
    torch.set_default_dtype(dtype)
    torch.manual_seed(SEED)  # dropout masks and shuffled orders: PyTorch's draws, not Gradlab's

    data, _ = read_safetensors(a.data)
    x, y = data["x"].to(dtype), data["y"]
    x_test, y_test = data.get("x_test"), data.get("y_test")
    if x_test is not None:
        x_test = x_test.to(dtype)
    n = x.shape[0]
    batch = min(a.batch, n)  # as Gradlab: a batch is at most the whole set
    if batch % world:
        raise SystemExit(f"the batch of {batch} rows does not split over {world} processes: "
                         f"give --batch a multiple of {world}")

    model = Net().to(device)
    load_weights(model, a.init)
    net = model
    if distributed:  # gradients averaged over the processes after every backward
        net = DDP(model, device_ids=[local_rank] if cuda else None)
    optimizer = make_optimizer(model.parameters())
    penalised = [w for name, w in model.named_parameters() if name in PENALISED]
    stream = batches(n, batch // world, not a.no_shuffle, rank, world)
    eval_every = a.eval_every if a.eval_every > 0 else max(1, a.steps // 20)
    log = open(a.log, "w", encoding="utf-8") if a.log and rank == 0 else None
    if log:
        log.write("step,train_loss,test_loss,test_acc\n")

    net.train()
    train_loss, test = float("nan"), None
    for step in range(1, a.steps + 1):
        rows = torch.tensor(next(stream))
        xb, yb = x[rows].to(device), y[rows].to(device)
        optimizer.zero_grad()
        loss = loss_of(net(xb), yb)
        loss.backward()
        with torch.no_grad():
            for w in penalised:  # g ← g + l2·w + l1·sign(w), weights only
                if L2:
                    w.grad.add_(w, alpha=L2)
                if L1:
                    w.grad.add_(torch.sign(w), alpha=L1)
        if CLIP_NORM > 0:  # g ← g · min(1, c / (‖g‖₂ + 1e−6)) over all parameters together
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
        batch_loss = loss.detach().clone()
        if distributed:  # the step's loss over its whole batch: the mean of the processes'
            dist.all_reduce(batch_loss)
            batch_loss /= world
        train_loss = batch_loss.item()
        if not math.isfinite(train_loss):
            if log:
                log.write(f"{step},{train_loss!r},,\n")
                log.close()
            raise SystemExit(f"step {step}: the loss is {train_loss}; the update was not made — "
                             "lower the learning rate or clip the gradients")
        optimizer.step()
        checkpoint = step % eval_every == 0 or step == a.steps
        if rank == 0 and x_test is not None and checkpoint:
            test = evaluate(model, x_test, y_test, device)
        if log:
            cells = ["", ""]
            if test is not None and checkpoint:
                cells = [repr(test[0]), "" if test[1] is None else repr(test[1])]
            log.write(f"{step},{train_loss!r},{cells[0]},{cells[1]}\n")
    if log:
        log.close()

    if distributed:  # every process must end on rank 0's weights
        mine = torch.cat([w.detach().reshape(-1) for w in model.parameters()])
        first = mine.clone()
        dist.broadcast(first, 0)
        diff = (mine - first).abs().max().item()
        print(f"rank {rank}: weights {'identical to' if diff == 0 else 'DIFFERENT from'} "
              f"rank 0's (largest difference {diff:g})", flush=True)
        same = torch.tensor([1 if diff == 0 else 0])
        dist.all_reduce(same, op=dist.ReduceOp.MIN)
        if not same.item():
            raise SystemExit(f"rank {rank}: the processes ended on different weights")
    if rank == 0:
        write_safetensors(a.out, gradlab_weights(model),
                          {"source": "train.py", "network": NAME, "steps": a.steps})
        line = (f"trained {a.steps} steps on {world} process{'es' if world > 1 else ''} "
                f"({device}, {a.dtype}): train loss {train_loss:.6g}")
        if test is not None:
            line += f", test loss {test[0]:.6g}"
            if test[1] is not None:
                line += f", test accuracy {test[1]:.4g}"
        print(line + f"; weights in {a.out}", flush=True)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
)PY";

}  // namespace gradlab::pytorch_text
