#!/usr/bin/python3
"""PyTorch (Debian's python3-torch, CPU) on the same workloads as bench_ml: seconds per
training epoch with Adam (lr 1e-3). Benchmark-only; never used by the product.

Usage: reference_torch.py mlp|cnn [--threads N] [--rows R] [--epochs E] [--batch B] [--openblas-unpinned]
  mlp: Linear [57 -> 100 -> 250 -> 250 -> 100 -> 10] with ReLU, batch 200, R x 57 rows (default 8,000);
  cnn: 4 x Conv2d 3x3 pad 1 (16, 32, 64, 64) + ReLU, MaxPool2d 2 after the first three, global
       average, Linear 64 -> 10; batch 32, R images of 1 x 216 x 334 (default 64).
N threads everywhere: torch.set_num_threads(N), and OMP_NUM_THREADS and OPENBLAS_NUM_THREADS
set to N before torch loads (Debian's torch calls OpenBLAS for its matrix products, and
OpenBLAS would otherwise start its own pool of one thread per core next to torch's;
--openblas-unpinned leaves OPENBLAS_NUM_THREADS as it is, to show what that costs).
One untimed warm-up epoch, then E timed ones. Prints JSON like bench_ml."""
import argparse
import json
import os
import sys

parser = argparse.ArgumentParser()
parser.add_argument("workload", choices=["mlp", "cnn"])
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--rows", type=int)
parser.add_argument("--epochs", type=int)
parser.add_argument("--batch", type=int)
parser.add_argument("--openblas-unpinned", action="store_true")
args = parser.parse_args()
mlp = args.workload == "mlp"
rows = args.rows or (8000 if mlp else 64)
epochs = args.epochs or (5 if mlp else 1)
batch = args.batch or (200 if mlp else 32)
os.environ["OMP_NUM_THREADS"] = str(args.threads)
if not args.openblas_unpinned:
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)

import time  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(1)


def epoch_seconds(model, x, y, batch, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    n = x.shape[0]
    for _ in range(epochs + 1):  # the first is a warm-up
        start = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    return times[1:]


if mlp:
    model = nn.Sequential(nn.Linear(57, 100), nn.ReLU(), nn.Linear(100, 250), nn.ReLU(), nn.Linear(250, 250),
                          nn.ReLU(), nn.Linear(250, 100), nn.ReLU(), nn.Linear(100, 10))
    x = torch.randn(rows, 57)
else:
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(64, 10))
    x = torch.randn(rows, 1, 216, 334)
y = torch.arange(rows) % 10
t = epoch_seconds(model, x, y, batch, epochs)
s = sorted(t)
median = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
json.dump({"workload": args.workload, "threads": args.threads, "rows": rows, "batch": batch, "torch": torch.__version__,
           "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unpinned"), "epoch_s": t, "median_s": median}, sys.stdout)
print()
