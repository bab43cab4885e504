#!/usr/bin/env bash
# The architecture search behind the shipped models (docs/MODELS.md): every configuration
# trained on train.txt and scored per song on valid.txt (test.txt is never read), MLPs with
# seeds 7, 8 and 9, CNNs with seed 7. Appends "name accuracy" lines to RESULTS (default
# /tmp/model-search/results.txt). About 15 min for the MLPs, 8-15 min per CNN on 2 cores.
# Usage: bench/model_search.sh [mlp|cnn|all] [GTZAN_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
what=${1:-all}
data=${2:-${GENRESCOPE_GTZAN:-$here/../shared/data/gtzan}}
out=${RESULTS_DIR:-/tmp/model-search}
mkdir -p "$out/splits"
cp "$data/splits/train.txt" "$data/splits/valid.txt" "$out/splits/"
cli="$out/genrescope-cli"
cp "$here/build/release/src/cli/genrescope-cli" "$cli"

run() {  # name input arch args...
  local name=$1 input=$2 arch=$3 path
  shift 3
  [ "$input" = features ] && path=$data/features_30_sec.csv || path=$data/images
  "$cli" train --data "$path" --input "$input" --arch "$arch" "$@" --split "lists:$out/splits" --force \
    --out "$out/$name.gsm" --log "$out/$name.json" >"$out/$name.txt" 2>&1
  echo "$name $(sed -n 's/^valid: \([0-9.]*\) %.*/\1/p' "$out/$name.txt")" | tee -a "$out/results.txt"
}

LEVEL="rms_mean,rms_var,harmony_mean,harmony_var,perceptr_mean,perceptr_var,mfcc1_mean"
M="--batch 32 --epochs 400 --patience 60"
if [ "$what" != cnn ]; then
  for s in 7 8 9; do
    run mlpA_s$s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" --optimizer adam --lr 0.001 $M --weight-decay 0.001 --seed $s
    run mlpB_s$s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" --optimizer adam --lr 0.001 $M --weight-decay 0.001 --input-noise 0.3 --seed $s
    run mlpC_s$s features "dense:512:relu,dropout:0.5" --optimizer adam --lr 0.001 $M --weight-decay 0.001 --input-noise 0.2 --seed $s
    run mlpD_s$s features "dense:64:relu,dropout:0.3" --optimizer adam --lr 0.001 $M --weight-decay 0.001 --seed $s
    run mlpE_s$s features none --optimizer adam --lr 0.001 $M --weight-decay 0.01 --seed $s
    run mlpF_s$s features "dense:128:relu,dropout:0.5,dense:64:relu,dropout:0.5" --optimizer adam --lr 0.001 $M --weight-decay 0.01 --input-noise 0.3 --seed $s
    L="$M --log-features"
    run mlpLA_s$s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" --optimizer adam --lr 0.001 $L --weight-decay 0.001 --seed $s
    run mlpLB_s$s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" --optimizer adam --lr 0.001 $L --weight-decay 0.001 --input-noise 0.3 --seed $s
    run mlpLC_s$s features "dense:512:relu,dropout:0.5" --optimizer adam --lr 0.001 $L --weight-decay 0.001 --input-noise 0.2 --seed $s
    run mlpLE_s$s features none --optimizer adam --lr 0.001 $L --weight-decay 0.01 --seed $s
    run mlpLG_s$s features "dense:128:relu,dropout:0.5" --optimizer adam --lr 0.001 $L --weight-decay 0.01 --input-noise 0.5 --seed $s
    N="$L --ignore-features $LEVEL"
    run mlpNA_s$s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" --optimizer adam --lr 0.001 $N --weight-decay 0.001 --seed $s
    run mlpNB_s$s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" --optimizer adam --lr 0.001 $N --weight-decay 0.001 --input-noise 0.3 --seed $s
    run mlpNH_s$s features "dense:512:relu,dropout:0.5,dense:256:relu,dropout:0.5" --optimizer adam --lr 0.001 $N --weight-decay 0.001 --input-noise 0.3 --seed $s
    run mlpNS_s$s features "dense:256:relu,dropout:0.5" --optimizer sgd --momentum 0.9 --lr 0.01 $N --weight-decay 0.001 --seed $s
    run mlpNA4_s$s features "dense:256:relu,dropout:0.4,dense:128:relu,dropout:0.4" --optimizer adam --lr 0.0003 $N --weight-decay 0.001 --seed $s
    run mlpNW_s$s features "dense:1024:relu,dropout:0.6" --optimizer adam --lr 0.001 $N --weight-decay 0.003 --input-noise 0.3 --seed $s
  done
fi
if [ "$what" != mlp ]; then
  C="--optimizer adam --lr 0.001 --weight-decay 0.0001 --batch 32 --patience 12 --seed 7"
  CNN4="conv:16:3x3:p1:relu,batchnorm,maxpool:2x2,conv:32:3x3:p1:relu,batchnorm,maxpool:2x2,conv:64:3x3:p1:relu,batchnorm,maxpool:2x2,conv:64:3x3:p1:relu,gap,dropout:0.3"
  run cnn_full image "$CNN4" $C --epochs 25 --patience 8
  run cnn_crop128 image "$CNN4" $C --epochs 40 --crop 128 --crop-views 5
  run cnn_wide_crop128 image "conv:24:3x3:p1:relu,batchnorm,maxpool:2x2,conv:48:3x3:p1:relu,batchnorm,maxpool:2x2,conv:96:3x3:p1:relu,batchnorm,maxpool:2x2,conv:96:3x3:p1:relu,gap,dropout:0.3" $C --epochs 40 --crop 128 --crop-views 5
fi
