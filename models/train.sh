#!/usr/bin/env bash
# Retrains streamscore's scenario models (npm run models:train):
#   1. creates models/.venv if missing and installs the pinned models/requirements.txt (wheels only);
#   2. builds the TypeScript, whose dump script (dist/src/generate/dump-training-data.js) makes the data;
#   3. runs models/train.py: trains, exports ONNX, writes model cards, feature contracts and golden files.
# Needs Python 3.11 and Node 20. About two minutes on 2 cores.
set -euo pipefail

MODELS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$MODELS_DIR")"
VENV="$MODELS_DIR/.venv"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "[train.sh] creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
# pip is quick when everything is already installed; --only-binary keeps installs to PyPI wheels.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: -r "$MODELS_DIR/requirements.txt"

echo "[train.sh] building TypeScript"
(cd "$ROOT" && npm run --silent build)

# Fixed thread counts: BLAS and OpenMP reductions sum in a thread-dependent order, and the
# outputs (weights, sha256, golden scores) should not depend on the machine's core count.
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 PYTHONHASHSEED=0
cd "$ROOT"
exec "$VENV/bin/python" "$MODELS_DIR/train.py" "$@"
