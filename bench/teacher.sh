#!/usr/bin/env bash
# The musicnn teacher's cost (training time only) and the models' sizes, as a Markdown section
# for docs/BENCHMARKS.md (scripts/bench appends it). Usage: bench/teacher.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: bench/teacher.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${GENRESCOPE_GTZAN:-$here/../shared/data/gtzan}
teacher=${GENRESCOPE_MUSICNN:-$here/../shared/models/musicnn-msd}
tool="$build/bench/teacher/genrescope-teacher"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
clips=("$data"/audio/*/*.wav)
images="$out/images"
mkdir -p "$images/blues"
for f in "$data"/images/blues/*.png; do ln -s "$f" "$images/blues/"; done
n_images=$(ls "$images/blues" | wc -l)

seconds() {  # the wall time of a command that must succeed
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>"$out/err" || { echo "bench/teacher.sh: failed: $* ($(tail -1 "$out/err"))" >&2; return 1; }
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
command -v bc >/dev/null || { echo "bench/teacher.sh: needs bc" >&2; exit 2; }
[ -e "${clips[0]}" ] || { echo "bench/teacher.sh: no GTZAN clips in $data/audio" >&2; exit 2; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
audio1=() audio2=() pictures=()
for run in 1 2 3; do  # alternating; a failed run stops the script (set -e on each assignment)
  t=$(seconds env OMP_NUM_THREADS=1 "$tool" --weights "$teacher/weights" --threads 1 --force --out "$out/a.csv" "${clips[@]}")
  audio1+=("$t")
  t=$(seconds "$tool" --weights "$teacher/weights" --threads 2 --force --out "$out/a.csv" "${clips[@]}")
  audio2+=("$t")
  t=$(seconds env OMP_NUM_THREADS=1 "$tool" --weights "$teacher/weights" --threads 1 --force --out "$out/i.csv" --images "$images" \
        --band-map "$data/teacher/band_map_kaggle128_to_musicnn96.csv")
  pictures+=("$t")
done
per() { echo "scale=0; 1000 * $1 / $2" | bc -l; }
a1=$(median "${audio1[@]}") a2=$(median "${audio2[@]}") p1=$(median "${pictures[@]}")
size() { stat -c %s "$here/$1" | awk '{ printf "%.0f kB", $1 / 1000 }'; }
cat <<MD

## The musicnn teacher and the distilled models (\`bench/teacher.sh $build\`, run by \`scripts/bench\`)

Training time only: \`genrescope-teacher\` (bench/teacher), Eigen, medians of 3 alternating runs
(one thread: \`OMP_NUM_THREADS=1 --threads 1\`).

| What | Measured |
|---|---|
| Teacher on a 30 s GTZAN clip from audio (decode, resample to 16 kHz, mel, 10 patches), 1 thread | $(per "$a1" ${#clips[@]}) ms a clip (${#clips[@]} clips in $(printf '%.1f' "$a1") s) |
| The same on 2 threads (clips in parallel) | $(per "$a2" ${#clips[@]}) ms a clip |
| Teacher on a Kaggle picture (rebuilt input, 10 patches), 1 thread | $(per "$p1" "$n_images") ms a picture ($n_images pictures) |
| Shipped models: \`models/mlp-features.gsm\` + \`models/cnn-melimage.gsm\` + \`models/ensemble.json\` (compiled in) | $(size models/mlp-features.gsm) + $(size models/cnn-melimage.gsm) + $(size models/ensemble.json) |
| The distilled student, \`models/student/musicnn-student.gsm\` (not compiled in) | $(size models/student/musicnn-student.gsm) |

The student's distillation (1548 windows, 30 epochs) and the fine-tuning are timed in their model cards
(\`models/student/musicnn-student.md\`, \`models/cnn-melimage.md\`).
MD
