#!/usr/bin/env bash
# Training speed, ours against PyTorch, side by side and in the same minutes:
#   - MLP: dense [100, 250, 250, 100] relu + dense 10, 57 inputs, 8,000 rows, batch 200, Adam;
#   - CNN: 4 x conv 3x3 (16, 32, 64, 64) relu, max-pooling, global average + dense 10,
#          64 images of 1 x 216 x 334, batch 32, Adam.
# For 1 and then 2 threads, ROUNDS rounds; a round runs our epoch (bench_ml) and PyTorch's
# (bench/reference_torch.py, Debian's python3-torch) once each, which one goes first
# alternating. A run is one untimed warm-up epoch and then timed ones; its median epoch is one
# sample. Reported: the median of the samples and the ratio, per workload and thread count.
# Threads: ours omp_set_num_threads(N) and Eigen::setNbThreads(N); PyTorch
# torch.set_num_threads(N) with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS = N. On 2 threads
# both sides also run with OMP_WAIT_POLICY=PASSIVE (idle threads sleep instead of spinning),
# and each side's figure is its faster setting.
#
# Usage: bench/training.sh BUILD_DIR [--rounds N] [--no-cnn] [--write]
#   BUILD_DIR: a build with -DGENRESCOPE_BUILD_BENCH=ON. Prints the "Training speed" section
#   of docs/BENCHMARKS.md; --write also puts it in place of that section (and nothing else).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: bench/training.sh BUILD_DIR [--rounds N] [--no-cnn] [--write]}
shift
rounds=5 cnn=1 write=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --no-cnn) cnn=0; shift ;;
    --write) write=1; shift ;;
    *) echo "bench/training.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
ours="$build/bench/bench_ml"
[ -x "$ours" ] || { echo "bench/training.sh: $ours not built" >&2; exit 1; }
torch=(/usr/bin/python3 "$here/bench/reference_torch.py")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run SIDE POLICY WORKLOAD THREADS EPOCHS [EXTRA...]: one run, its JSON line appended to SIDE.POLICY.jsonl
run() {
  local side=$1 policy=$2 workload=$3 threads=$4 epochs=$5
  shift 5
  local cmd=("$ours")
  [ "$side" = torch ] && cmd=("${torch[@]}")
  local env_args=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT)
  [ "$policy" = passive ] && env_args+=(OMP_WAIT_POLICY=PASSIVE)
  env "${env_args[@]}" "${cmd[@]}" "$workload" --threads "$threads" --epochs "$epochs" "$@" >>"$work/$side.$policy.jsonl"
}

workloads=(mlp)
[ "$cnn" = 1 ] && workloads+=(cnn)
cat /proc/loadavg >"$work/load-before"
start=$(date -u '+%Y-%m-%d %H:%M UTC')
for workload in "${workloads[@]}"; do
  epochs=5
  [ "$workload" = cnn ] && epochs=1
  for threads in 1 2; do
    policies=(default)
    [ "$threads" -gt 1 ] && policies+=(passive)
    for round in $(seq 1 "$rounds"); do
      echo "bench/training.sh: $workload, $threads thread(s), round $round of $rounds" >&2
      for policy in "${policies[@]}"; do
        if [ $((round % 2)) = 1 ]; then sides=(ours torch); else sides=(torch ours); fi
        for side in "${sides[@]}"; do run "$side" "$policy" "$workload" "$threads" "$epochs"; done
      done
    done
  done
done
for threads in 1 2; do
  echo "bench/training.sh: PyTorch's MLP with OpenBLAS unpinned, $threads thread(s)" >&2
  run torch unpinned mlp "$threads" 5 --openblas-unpinned
done
cat /proc/loadavg >"$work/load-after"

section=$(/usr/bin/python3 - "$work" "$rounds" "$start" "$build" "$cnn" <<'PY'
import json, os, platform, statistics, subprocess, sys
work, rounds, start, build, cnn = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] == "1"
runs = {}  # (side, policy, workload, threads) -> [samples]
meta = {}
for name in os.listdir(work):
    if not name.endswith(".jsonl"):
        continue
    side, policy = name[:-len(".jsonl")].split(".")
    for line in open(os.path.join(work, name)):
        r = json.loads(line)
        runs.setdefault((side, policy, r["workload"], r["threads"]), []).append(r["median_s"])
        meta.setdefault(side, r)
version = meta["torch"]["torch"]
kernel = meta["ours"].get("kernel")
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
load = [open(os.path.join(work, f)).read().split()[:3] for f in ("load-before", "load-after")]
names = {"mlp": "MLP dense [100, 250, 250, 100] relu, 57 inputs, 10 classes, batch 200, 8,000 rows",
         "cnn": "CNN 4 x conv 3x3 (16, 32, 64, 64) relu, max-pool, global average, batch 32, 64 images 1 x 216 x 334"}
goals = {"mlp": ">= 3x", "cnn": ">= 1x"}
def best(side, workload, threads):
    """(median, policy) of the side's faster wait policy."""
    options = [(statistics.median(v), p) for (s, p, w, t), v in runs.items()
               if s == side and w == workload and t == threads and p != "unpinned"]
    return min(options)
def shown(value, policy, digits):
    return f"{value:.{digits}f} s" + (" (passive)" if policy == "passive" else "")
print("## Training speed (seconds per epoch, Adam; PyTorch measured side by side)\n")
print(f"| Workload | Threads | Genrescope | PyTorch {version} (CPU, OpenBLAS) | Ratio | Goal |")
print("|---|---|---|---|---|---|")
cases = sorted({(w, t) for (s, p, w, t) in runs if p != "unpinned"}, key=lambda k: (k[0] != "mlp", k[1]))
for workload, threads in cases:
    (a, pa), (b, pb) = best("ours", workload, threads), best("torch", workload, threads)
    digits = 3 if a < 1 else 2
    print(f"| {names[workload]} | {threads} | {shown(a, pa, digits)} | {shown(b, pb, digits)} | {b / a:.2f}x faster "
          f"| {goals[workload]} |")
print()
print(f"Made by `bench/training.sh {build} --rounds {rounds}{'' if cnn else ' --no-cnn'}` (`scripts/bench` runs it) on "
      f"{start}: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; load average "
      f"{' '.join(load[0])} before, {' '.join(load[1])} after. Each figure is the median of {rounds} "
      f"round{'s' if rounds > 1 else ''}; a round runs our epoch (`bench_ml`) and PyTorch's "
      "(`bench/reference_torch.py`) one after the other, alternating which goes first, and each run's sample is the "
      "median of its timed epochs (5 for the MLP, 1 for the CNN) after one untimed warm-up epoch. Both sides train "
      "the same layers on the same data shape with the same batch and Adam (lr 1e-3), on N threads: ours through "
      "`omp_set_num_threads(N)` and `Eigen::setNbThreads(N)`, PyTorch through `torch.set_num_threads(N)` with "
      "`OMP_NUM_THREADS` and `OPENBLAS_NUM_THREADS` = N (Debian's torch does its matrix products in OpenBLAS, whose "
      "own pool would otherwise have a thread per core). On 2 threads both sides also ran with "
      "`OMP_WAIT_POLICY=PASSIVE` (waiting threads sleep instead of spinning), and each side's figure is its faster "
      "setting, marked (passive) when that one was faster. "
      + (f"Our dense layers ran the `{kernel}` kernel of `ml/Gemm.h`. " if kernel else "")
      + "Every sample, in seconds per epoch:\n")
for workload, threads in cases:
    parts = []
    for side, label in (("ours", "ours"), ("torch", "PyTorch")):
        for policy in ("default", "passive"):
            v = runs.get((side, policy, workload, threads))
            if v:
                parts.append(f"{label}{' passive' if policy == 'passive' else ''} " + ", ".join(f"{x:.3f}" for x in v))
    print(f"- {workload.upper()}, {threads} thread{'s' if threads > 1 else ''}: " + "; ".join(parts))
print()
# The MLP's matrix products per epoch: forward, weight gradient and input gradient of every
# layer, but no input gradient for the first (PyTorch skips it too): 2 flops a multiply-add.
layers = [57, 100, 250, 250, 100, 10]
macs = sum(a * b for a, b in zip(layers, layers[1:]))
gflop = 2 * 8000 * (3 * macs - layers[0] * layers[1]) / 1e9
for threads in (1, 2):
    (a, _), (b, _) = best("ours", "mlp", threads), best("torch", "mlp", threads)
    print(f"On {threads} thread{'s' if threads > 1 else ''} our MLP epoch does its {gflop:.2f} GFLOP of matrix "
          f"products at {gflop / a:.0f} GFLOP/s over the whole epoch; 3x PyTorch's epoch would mean {b / 3 * 1000:.0f} ms, "
          f"{gflop / (b / 3):.0f} GFLOP/s.", end=" " if threads == 1 else "\n\n")
unpinned = {t: runs[("torch", "unpinned", "mlp", t)][0] for t in (1, 2)}
pinned = {t: statistics.median(runs[("torch", "default", "mlp", t)]) for t in (1, 2)}
print("With OpenBLAS left to choose its own thread count (one per core, next to PyTorch's threads), PyTorch's MLP "
      "epoch took " + " and ".join(f"{unpinned[t]:.3f} s on {t} thread{'s' if t > 1 else ''} (pinned: {pinned[t]:.3f} s)"
                                   for t in (1, 2))
      + " in the same run. The table's earlier figure, 14.6x (0.090 s against 1.312 s per 10,000-row epoch on 2 "
      "threads), came from one run of each side, not side by side, with OpenBLAS unpinned; PyTorch's two spinning "
      "thread pools make its 2-thread epoch slow, and far slower whenever anything else runs on the machine.")
PY
)
printf '%s\n' "$section"
if [ "$write" = 1 ]; then
  /usr/bin/python3 - "$here/docs/BENCHMARKS.md" "$section" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2].rstrip("\n") + "\n"
text = open(path).read()
start = text.find("## Training speed")
if start < 0:
    sys.exit("bench/training.sh: no '## Training speed' section in " + path)
end = text.find("\n## ", start + 1)
end = len(text) if end < 0 else end + 1
open(path, "w").write(text[:start] + section + ("\n" if end < len(text) else "") + text[end:])
PY
  echo "bench/training.sh: wrote the training section of docs/BENCHMARKS.md" >&2
fi
