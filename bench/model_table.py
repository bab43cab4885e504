#!/usr/bin/env python3
"""Prints the cross-validation table of docs/MODELS.md from bench/model_search.sh's results.txt:
per configuration, the mean and standard deviation (n - 1) of the song accuracy over every
(fold, seed) score, and each seed's mean over the folds.
Usage: bench/model_table.py [RESULTS_TXT]"""
import statistics
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/model-search/results.txt"
runs = {}
for line in open(path):
    cells = line.split()
    if len(cells) < 6:
        continue
    name, seed, folds = cells[0], cells[1], [float(v) for v in cells[2:-1]]
    runs.setdefault(name, []).append((seed, folds))
print("| Name | Folds x seeds | Mean ± sd over folds and seeds | Mean per seed |")
print("|---|---|---|---|")
for name, seeds in runs.items():
    scores = [v for _, folds in seeds for v in folds]
    sd = statistics.stdev(scores) if len(scores) > 1 else 0.0
    per_seed = ", ".join(f"{statistics.mean(folds):.1f} (seed {seed})" for seed, folds in seeds)
    print(f"| {name} | {len(seeds[0][1])} x {len(seeds)} | {statistics.mean(scores):.1f} ± {sd:.1f} | {per_seed} |")
