#!/usr/bin/python3
"""PyTorch 1.13 (Debian's python3-torch, CPU, 2 threads) on the same workloads as
bench_ml: seconds per epoch with Adam. Benchmark-only; never used by the product."""
import json
import time

import torch
from torch import nn

torch.set_num_threads(2)
torch.manual_seed(1)


def seconds_per_epoch(model, x, y, batch, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    n = x.shape[0]
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


mlp = nn.Sequential(nn.Linear(57, 100), nn.ReLU(), nn.Linear(100, 250), nn.ReLU(), nn.Linear(250, 250), nn.ReLU(),
                    nn.Linear(250, 100), nn.ReLU(), nn.Linear(100, 10))
x = torch.randn(10000, 57)
y = torch.arange(10000) % 10
mlp_s = seconds_per_epoch(mlp, x, y, 200, 7)

cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                    nn.Linear(64, 10))
xi = torch.randn(640, 1, 216, 334)
yi = torch.arange(640) % 10
cnn_s = seconds_per_epoch(cnn, xi, yi, 32, 1)
print(json.dumps({"torch": torch.__version__, "mlp_epoch_s": mlp_s, "cnn_epoch_s": cnn_s}))
