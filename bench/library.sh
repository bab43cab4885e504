#!/usr/bin/env bash
# The library at scale, for docs/BENCHMARKS.md (scripts/bench appends what this prints):
#   - restoring a store of 10,000 songs into the real window (bench_library): time and memory;
#     then opening three songs of one hour in that window: peak and final memory;
#   - scanning a folder of 4-minute songs with --jobs 2: `scan` (into a fresh store) against
#     `classify` (no store), alternately, 3 times each, medians; seconds of audio per second.
# Usage: bench/library.sh BUILD_DIR   (a build with -DGENRESCOPE_BUILD_BENCH=ON)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: bench/library.sh BUILD_DIR}
cli="$build/src/cli/genrescope-cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Three songs of an hour each (pink noise and a tone that changes every minute).
mkdir -p "$work/hours"
for i in 1 2 3; do
  sox -n -r 22050 -c 1 -b 16 "$work/hours/hour$i.wav" synth 3600 pinknoise vol 0.2 synth 3600 sine mix $((110 * i))-$((880 * i)) 2>/dev/null
done
restore=$("$build/bench/bench_library" 10000 "$work"/hours/*.wav 2>/dev/null)
rm -rf "$work/hours"

# Eight songs of 4 minutes: GTZAN clips joined end to end (or noise without the shared data).
data=${GENRESCOPE_GTZAN:-$here/../shared/data/gtzan}
mapfile -t clips < <(find "$data/audio" -name '*.wav' 2>/dev/null | sort)
mkdir -p "$work/songs"
for i in $(seq 0 7); do
  if [ ${#clips[@]} -ge 8 ]; then
    parts=()
    for k in $(seq 0 7); do parts+=("${clips[$(( (i * 3 + k * 5) % ${#clips[@]} ))]}"); done
    sox "${parts[@]}" "$work/songs/song$i.wav"
  else
    sox -n -r 22050 -c 1 "$work/songs/song$i.wav" synth 240 pinknoise vol 0.3
  fi
done
audio=$(for f in "$work"/songs/*.wav; do soxi -D "$f"; done | awk '{s += $1} END {printf "%.1f", s}')

timed() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
scan_times=() classify_times=()
for round in 1 2 3; do
  rm -f "$work"/store.sqlite*
  scan_times+=("$(timed "$cli" scan --jobs 2 --db "$work/store.sqlite" "$work/songs")")
  classify_times+=("$(timed "$cli" classify --jobs 2 "$work/songs")")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
scan=$(median "${scan_times[@]}")
classify=$(median "${classify_times[@]}")

/usr/bin/python3 - "$restore" "$audio" "$scan" "$classify" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); audio = float(sys.argv[2]); scan = float(sys.argv[3]); classify = float(sys.argv[4])
print("\n## The library at scale (`bench/library.sh build/bench`, run by `scripts/bench`)\n")
print("| What | Measured | Goal |")
print("|---|---|---|")
print(f"| Restore a store of {r['songs']:,} songs into the window (table filled and painted, nothing analysed) | "
      f"{r['restoreSeconds']:.2f} s | <= 1 s |")
print(f"| Resident memory with {r['songs']:,} songs listed | {r['residentMiBAfter']:.0f} MiB "
      f"(the store file: {r['storeMiB']:.0f} MiB) | <= 1024 MiB |")
if "longSongs" in r:
    print(f"| The same window, {r['longSongs']} songs of 1 hour opened at once: peak while they are analysed | "
          f"{r['peakWhileAnalysingMiB']:.0f} MiB | <= 1024 MiB |")
    print(f"| ... then each shown in turn: peak, and resident after ({r['loadedSongs']} held in full) | "
          f"{r['peakWhileShowingMiB']:.0f} MiB, then {r['residentMiBWithLongSongs']:.0f} MiB | <= 1024 MiB |")
print(f"| `scan --jobs 2`, 8 songs of 4 min ({audio / 60:.0f} min of audio), into a fresh store | {scan:.1f} s: "
      f"{audio / scan:.0f}x real time, {8 / scan * 60:.1f} songs/min | >= 150x |")
print(f"| `classify --jobs 2` on the same songs (no store), same run, alternating | {classify:.1f} s: "
      f"{audio / classify:.0f}x real time | |")
print(f"\nScan against classify: {classify / scan:.2f}x (the store costs {100 * (scan / classify - 1):+.0f} %). "
      "Medians of 3 alternating runs each, 2 threads, on the same machine and in the same minutes.")
PY
