#!/usr/bin/env bash
# The device check (bench/README.md, "A GPU machine"): on a Linux x64 machine with an NVIDIA GPU, no Node, no
# Chromium and no network, from the pack of `npm run device:pack` (build/device/cot-device.tar.gz, carried with the
# working tree), in at most BUDGET_S seconds (480; 1500 with --cpu): the default preset's training steps/s on webgpu (Dawn on the
# GPU's Vulkan driver) and on wasm with every core, the CLI's time to the gap on webgpu, and python/train.py on CUDA
# (the default preset's steps/s, then the paper preset for the time left, its curve kept). Every part has its own
# timeout; what each printed and wrote lands in $OUT (default build/device/out), with summary.{json,txt}.
#
#   bash bench/device/run.sh            on the GPU machine
#   bash bench/device/run.sh --cpu      the CPU half, anywhere: webgpu on SwiftShader and python on the CPU, tiny
#   bash bench/device/run.sh --plan     print the parts (name, timeout in s, command) and run nothing
#
# Exit codes: 0 every part ran (a part may still report a skip), 1 a part failed or timed out, 2 bad arguments
# or no pack.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODE=gpu
PLAN=0
for arg in "$@"; do
  case $arg in
    --cpu) MODE=cpu ;;
    --plan) PLAN=1 ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | cut -c3-; exit 0 ;;
    *) echo "error: unknown argument '$arg' (--cpu, --plan, --help)" >&2; exit 2 ;;
  esac
done

OUT=${OUT:-$ROOT/build/device/out}
PACK_FILE=${PACK_FILE:-$ROOT/build/device/cot-device.tar.gz}
PACK=${PACK:-${TMPDIR:-/tmp}/cot-device-pack}
WORK=$PACK/work # the exports (the paper's data.json is ~19 MB): not in OUT, which comes back from the device
CORES=${CORES:-$(nproc)}
# the GPU machine's run must end within 8 minutes; the CPU half on a loaded 2-core machine gets longer
DEFAULT_BUDGET_S=1500
[[ $MODE == gpu ]] && DEFAULT_BUDGET_S=480
BUDGET_S=${BUDGET_S:-$DEFAULT_BUDGET_S}
if [[ -z ${PYTHON:-} ]]; then # the first python3 that has torch
  PYTHON=python3
  for p in python3 /usr/bin/python3; do "$p" -c 'import torch' 2>/dev/null && PYTHON=$p && break; done
fi
# the wasm GEMMs of one arm take at most 8 threads (cli/args.ts MAX_GEMM_THREADS); both arms share the cores
THREADS=$((CORES < 8 ? CORES : 8))
ARM_THREADS=$((CORES / 2 < 1 ? 1 : (CORES / 2 < 8 ? CORES / 2 : 8)))
NODE="$PACK/bin/node"
APP="$PACK/app"
# CPU half: models small enough for a loaded 2-core machine, and for SwiftShader (2 steps, one evaluation at the end)
TINY='entities=40&relations=4&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50&steps=20&evalEvery=10&evalEarly=off'
TINY_GPU='entities=40&relations=4&degree=4&layers=1&dModel=32&heads=2&batch=8&evalSize=50&steps=2&evalEvery=2&evalEarly=off'
PAPER_LINK=${PAPER_LINK:-}
[[ -f $PACK_FILE ]] && source <(tar -xzOf "$PACK_FILE" ./links.env 2>/dev/null)

# The parts, in order: name, timeout (s), command. The last one (torch-paper) gets whatever the budget has left.
plan() {
  if [[ $MODE == gpu ]]; then
    part smi 10 "nvidia-smi"
    part webgpu-bench 65 "$NODE $APP/bench.mjs --backend webgpu --json $OUT/webgpu-bench.json"
    part wasm-bench 90 "$NODE $APP/bench.mjs --backend wasm --threads $THREADS --quick --json $OUT/wasm-bench.json"
    part wasm-cli 40 "$NODE $APP/experiment.mjs steps=100 --backend wasm --threads $ARM_THREADS --quiet --json $OUT/wasm-cli.json"
    part webgpu-gap 100 "$NODE $APP/gapTime.mjs -- '' --backend webgpu"
    part export 40 "$NODE $APP/export.mjs '' --out $WORK/export-default && $NODE $APP/export.mjs '$PAPER_LINK' --out $WORK/export-paper"
    part torch-fixed 20 "$PYTHON $ROOT/bench/pytorch_fixed.py --train-py $ROOT/python/train.py --device cuda"
    part torch-default 40 "$PYTHON $WORK/export-default/train.py --device cuda --steps 300 --quiet --json $OUT/torch-default.json"
    part torch-paper rest "$PYTHON $WORK/export-paper/train.py --device cuda --json $OUT/torch-paper.json"
  else
    part smi 15 "nvidia-smi || echo 'no nvidia-smi: the CPU half'"
    part webgpu-bench 300 "$NODE $APP/bench.mjs --backend webgpu --quick --preset-only --link '$TINY_GPU' --json $OUT/webgpu-bench.json"
    part wasm-bench 420 "$NODE $APP/bench.mjs --backend wasm --threads $THREADS --quick --json $OUT/wasm-bench.json"
    part wasm-cli 90 "$NODE $APP/experiment.mjs '$TINY' --backend wasm --threads $ARM_THREADS --quiet --json $OUT/wasm-cli.json"
    part webgpu-gap 240 "$NODE $APP/gapTime.mjs -- '$TINY_GPU' --backend webgpu --jobs 1"
    part export 60 "$NODE $APP/export.mjs '' --out $WORK/export-default && $NODE $APP/export.mjs '$TINY' --out $WORK/export-paper"
    part torch-fixed 30 "$PYTHON $ROOT/bench/pytorch_fixed.py --train-py $ROOT/python/train.py --device cpu --reps 1"
    part torch-default 90 "$PYTHON $WORK/export-default/train.py --device cpu --steps 5 --quiet --json $OUT/torch-default.json"
    part torch-paper rest "$PYTHON $WORK/export-paper/train.py --device cpu --json $OUT/torch-paper.json"
  fi
}

NAMES=()
TIMEOUTS=()
COMMANDS=()
part() {
  NAMES+=("$1")
  TIMEOUTS+=("$2")
  COMMANDS+=("$3")
}
plan

if [[ $PLAN == 1 ]]; then
  fixed=0
  for t in "${TIMEOUTS[@]}"; do [[ $t != rest ]] && fixed=$((fixed + t)); done
  printf 'mode\t%s\nbudget\t%s\ncores\t%s\n' "$MODE" "$BUDGET_S" "$CORES"
  for i in "${!NAMES[@]}"; do
    t=${TIMEOUTS[$i]}
    [[ $t == rest ]] && t="rest:$((BUDGET_S - fixed))"
    printf 'part\t%s\t%s\t%s\n' "${NAMES[$i]}" "$t" "${COMMANDS[$i]}"
  done
  exit 0
fi

START=$(date +%s)
if [[ ! -f $PACK_FILE ]]; then
  echo "error: no pack at $PACK_FILE: run npm run device:pack on a machine with Node, and carry build/device" >&2
  exit 2
fi
mkdir -p "$OUT"
rm -rf "$PACK" && mkdir -p "$WORK" && tar -xzf "$PACK_FILE" -C "$PACK" || { echo "error: cannot unpack $PACK_FILE" >&2; exit 2; }
# the bundle finds python/train.py and pytorch_fixed.py beside it as it does in the tree
ln -sfn "$ROOT/python" "$PACK/python"
cp "$ROOT/bench/pytorch_fixed.py" "$APP/pytorch_fixed.py"
export LD_LIBRARY_PATH="$PACK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export COT_PYTHON="$PYTHON"
if ! "$NODE" -v >/dev/null 2>&1; then
  export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$PACK/lib/fallback"
  "$NODE" -v >/dev/null 2>&1 || echo "warning: the packed Node does not start here: $("$NODE" -v 2>&1 | head -1)" >&2
fi

# Vulkan driver for Dawn: NVIDIA's ICD file from the driver, else one written for its library, else none
if [[ $MODE == gpu && -z ${VK_ICD_FILENAMES:-} ]]; then
  for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json /etc/vulkan/icd.d/nvidia_icd.x86_64.json; do
    [[ -f $f ]] && export VK_ICD_FILENAMES=$f && break
  done
  if [[ -z ${VK_ICD_FILENAMES:-} ]]; then
    lib=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}')
    [[ -z $lib ]] && lib=$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)
    if [[ -n $lib ]]; then
      printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" >"$OUT/nvidia_icd.json"
      export VK_ICD_FILENAMES="$OUT/nvidia_icd.json"
    else
      echo "no NVIDIA Vulkan driver here (no nvidia_icd.json, no libGLX_nvidia.so.0: the container lacks the driver's graphics part); the webgpu parts will say so" >&2
    fi
  fi
fi

{
  echo "mode $MODE, $CORES cores, budget ${BUDGET_S}s, wasm GEMM threads $THREADS (one arm) / $ARM_THREADS (each of two)"
  echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
  echo "python $PYTHON: $("$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>&1 | tail -1)"
  echo "node $("$NODE" -v 2>&1 | head -1)"
} | tee "$OUT/environment.txt"

: >"$OUT/parts.tsv"
failed=0
for i in "${!NAMES[@]}"; do
  name=${NAMES[$i]}
  t=${TIMEOUTS[$i]}
  left=$((BUDGET_S - ($(date +%s) - START) - 5))
  [[ $t == rest || $t -gt $left ]] && t=$left
  if ((t < 5)); then
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" 0 0 skipped "no time left" >>"$OUT/parts.tsv"
    continue
  fi
  echo "== $name (up to ${t}s): ${COMMANDS[$i]}"
  t0=$(date +%s.%N)
  timeout -k 5 "$t" bash -c "${COMMANDS[$i]}" >"$OUT/$name.txt" 2>&1
  rc=$?
  secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")
  status=ok
  [[ $rc == 124 || $rc == 137 ]] && status=timeout
  [[ $rc != 0 && $status == ok ]] && status=failed
  # gapTime exits 1 when the run ended before the gap: a result (summary.txt says so), not a broken part
  [[ $name == webgpu-gap && $rc == 1 ]] && grep -q '^no gap:' "$OUT/$name.txt" && status=no-gap
  # the paper run is meant to be cut by the budget
  [[ $status != ok && $status != no-gap && $name != torch-paper ]] && failed=1
  tail -3 "$OUT/$name.txt" | sed 's/^/   /'
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$t" "$secs" "$status" "$rc" >>"$OUT/parts.tsv"
done

"$NODE" "$APP/deviceSummary.mjs" "$OUT" "$MODE" "$(($(date +%s) - START))" || failed=1
exit $failed
