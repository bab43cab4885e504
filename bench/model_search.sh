#!/usr/bin/env bash
# The model search behind the shipped models (docs/MODELS.md). Every configuration is scored by
# 3-fold cross-validation over the 640 songs of the fault-filtered train.txt and valid.txt
# (`train --cv 3 --split lists:DIR`: each fold holds songs of one list, each genre's songs cut into
# runs of consecutive clips; test.txt is never read), with a fixed epoch budget (no early stopping).
# MLPs run with seeds 7, 8 and 9; CNNs with seed 7 (one run is about 25 min on 2 cores).
# Appends "name seed fold1 fold2 fold3 mean" lines (song accuracy %) to $RESULTS_DIR/results.txt
# (default /tmp/model-search) and keeps each run's out-of-fold predictions for `evaluate --oof`.
# bench/model_table.py prints the table of docs/MODELS.md from results.txt.
# Usage: [ONLY="name ..."] bench/model_search.sh [mlp|cnn|all] [GTZAN_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
what=${1:-all}
data=${2:-${GENRESCOPE_GTZAN:-$here/../shared/data/gtzan}}
out=${RESULTS_DIR:-/tmp/model-search}
mkdir -p "$out/splits"
cp "$data/splits/train.txt" "$data/splits/valid.txt" "$out/splits/"
cli="$out/genrescope-cli"
cp "$here/build/release/src/cli/genrescope-cli" "$cli"

run() {  # name seed input arch args...
  local name=$1 seed=$2 input=$3 arch=$4 path
  shift 4
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then return; fi
  [ "$input" = features ] && path=$data/features_30_sec.csv || path=$data/images
  "$cli" train --data "$path" --input "$input" --arch "$arch" "$@" --patience 0 --seed "$seed" \
    --split "lists:$out/splits" --cv 3 --oof "$out/$name.s$seed.oof.csv" --force \
    --out "$out/$name.s$seed.gsm" --log "$out/$name.s$seed.json" >"$out/$name.s$seed.txt" 2>&1
  local folds
  folds=$(sed -n 's/^fold [0-9] of 3: \([0-9.]*\) %.*/\1/p' "$out/$name.s$seed.txt" | tr '\n' ' ')
  echo "$name $seed $folds$(sed -n 's/^song accuracy over 3 folds: \([0-9.]*\) %.*/\1/p' "$out/$name.s$seed.txt")" |
    tee -a "$out/results.txt"
}

LEVEL="rms_mean,rms_var,harmony_mean,harmony_var,perceptr_mean,perceptr_var,mfcc1_mean"
if [ "$what" != cnn ]; then
  run report 7 features "dense:50:tanh" --optimizer sgd --lr 0.01 --batch 100 --epochs 5000
  for s in 7 8 9; do
    M="--optimizer adam --lr 0.001 --batch 32"
    N="--log-features --ignore-features $LEVEL"
    run linear_raw $s features none $M --epochs 200 --weight-decay 0.01
    run linear_log $s features none $M --epochs 200 --weight-decay 0.01 $N
    run A_raw $s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" $M --epochs 200 --weight-decay 0.001
    run NA $s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" $M --epochs 200 --weight-decay 0.001 $N
    run NS $s features "dense:256:relu,dropout:0.5" --optimizer sgd --momentum 0.9 --lr 0.01 --batch 32 --epochs 200 --weight-decay 0.001 $N
    run NW_e50 $s features "dense:1024:relu,dropout:0.6" $M --epochs 50 --weight-decay 0.003 --input-noise 0.3 $N
    run NW_e100 $s features "dense:1024:relu,dropout:0.6" $M --epochs 100 --weight-decay 0.003 --input-noise 0.3 $N
    run NW_e200 $s features "dense:1024:relu,dropout:0.6" $M --epochs 200 --weight-decay 0.003 --input-noise 0.3 $N
    run NW_e400 $s features "dense:1024:relu,dropout:0.6" $M --epochs 400 --weight-decay 0.003 --input-noise 0.3 $N
    run NW_noise06_e100 $s features "dense:1024:relu,dropout:0.6" $M --epochs 100 --weight-decay 0.003 --input-noise 0.6 $N
    run N256_e100 $s features "dense:256:relu,dropout:0.5" $M --epochs 100 --weight-decay 0.003 --input-noise 0.3 $N
  done
fi
if [ "$what" != mlp ]; then
  CNN4="conv:16:3x3:p1:relu,batchnorm,maxpool:2x2,conv:32:3x3:p1:relu,batchnorm,maxpool:2x2,conv:64:3x3:p1:relu,batchnorm,maxpool:2x2,conv:64:3x3:p1:relu,gap,dropout:0.3"
  C="--optimizer adam --lr 0.001 --weight-decay 0.0001 --batch 32 --crop 128 --crop-views 5"
  run crop128_e30 7 image "$CNN4" $C --epochs 30
  run crop128_e60 7 image "$CNN4" $C --epochs 60
  run linear_image 7 image none --optimizer adam --lr 0.005 --batch 128 --epochs 50    # diverges in fold 1
  run linear_image_lr5e-4 7 image none --optimizer adam --lr 0.0005 --batch 128 --epochs 50
  run mask24_e30 7 image "$CNN4" $C --epochs 30 --frequency-mask 24 --time-mask 24
  run mask24_shift4_e30 7 image "$CNN4" $C --epochs 30 --frequency-mask 24 --time-mask 24 --frequency-shift 4
  run mask24_e60 7 image "$CNN4" $C --epochs 60 --frequency-mask 24 --time-mask 24
fi
