"""Trains, exports and documents streamscore's two scenario models.

Run through models/train.sh (``npm run models:train``), which prepares the virtualenv
and builds the TypeScript first. This script:

1. dumps training, test and golden data with the compiled generator
   (dist/src/generate/dump-training-data.js), fixed seeds, one seed per purpose;
2. trains the IoT anomaly MLP and the fraud gradient-boosted trees on generator truth;
3. exports both with skl2onnx (one float32 input ``features`` [N, F]; outputs ``label``
   int64 [N] and ``probabilities`` float32 [N, 2], no ZipMap) and checks them with onnxruntime;
4. picks each model's threshold by maximising F1 on a validation split, measures the
   held-out test set (another seed) with the exported ONNX model;
5. writes the model cards, the feature contracts (<model>.features.json) and the golden
   predictions (models/golden/<model>.jsonl, yet another seed).

Everything is seeded; with the same pinned packages and thread count the outputs are
identical from run to run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import skl2onnx
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import precision_recall_curve, roc_auc_score, average_precision_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType

MODELS_DIR = Path(__file__).resolve().parent
ROOT = MODELS_DIR.parent
DUMP_SCRIPT = ROOT / "dist" / "src" / "generate" / "dump-training-data.js"
GENERATE_INDEX = ROOT / "dist" / "src" / "generate" / "index.js"
# ai.onnx 17 and ai.onnx.ml 3 load in every onnxruntime since 1.12 (onnxruntime-node included).
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
VALIDATION_FRACTION = 0.2
SPLIT_SEED = 7


@dataclass
class Column:
    field: str
    dtype: str  # float32 | bool | category
    vocabulary: list[str] | None = None
    doc: str = ""


@dataclass
class Scenario:
    model: str  # file stem under models/
    scenario: str  # generator name
    title: str
    truth_flag: str  # "anomaly" | "fraud"
    train_seed: int
    train_count: int
    test_seed: int
    test_count: int
    golden_seed: int
    golden_count: int
    golden_stream: int = 20_000
    golden_max_positives: int = 150
    columns: list[Column] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[train] {message}", flush=True)


def run_dump(scenario: str, seed: int, count: int, out: Path) -> list[dict]:
    subprocess.run(
        ["node", str(DUMP_SCRIPT), scenario, "--count", str(count), "--seed", str(seed), "--out", str(out)],
        check=True,
    )
    with out.open() as handle:
        return [json.loads(line) for line in handle]


def merchant_categories() -> list[str]:
    """The vocabulary is owned by the TypeScript generator; read it from there, not a copy."""
    script = f"import({json.dumps(GENERATE_INDEX.as_uri())}).then(m => console.log(JSON.stringify(m.MERCHANT_CATEGORIES)))"
    result = subprocess.run(["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def to_matrix(values: list[dict], columns: list[Column]) -> np.ndarray:
    """Record values → float32 matrix, exactly as the runtime's feature mapper must do it."""
    matrix = np.empty((len(values), len(columns)), dtype=np.float64)
    for j, column in enumerate(columns):
        if column.dtype == "category":
            index = {name: i for i, name in enumerate(column.vocabulary or [])}
            matrix[:, j] = [index[v[column.field]] for v in values]
        elif column.dtype == "bool":
            matrix[:, j] = [1.0 if v[column.field] else 0.0 for v in values]
        else:
            matrix[:, j] = [v[column.field] for v in values]
    return matrix.astype(np.float32)


def export(estimator, n_features: int, name: str, doc: str, columns: list[Column]) -> bytes:
    onx = convert_sklearn(
        estimator,
        name=name,
        initial_types=[("features", FloatTensorType([None, n_features]))],
        options={id(estimator): {"zipmap": False}},
        target_opset=TARGET_OPSET,
    )
    onx.doc_string = doc
    onx.producer_name = "streamscore models/train.py"
    onx.producer_version = "1"
    entry = onx.metadata_props.add()
    entry.key = "streamscore.columns"
    entry.value = ",".join(c.field for c in columns)
    onnx.checker.check_model(onx)
    return onx.SerializeToString()


def session(model_bytes: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def check_contract(sess: ort.InferenceSession, n_features: int) -> None:
    """One float32 input `features` [N, F]; `label` int64 [N] and `probabilities` float32 [N, 2], plain tensors."""
    inputs = sess.get_inputs()
    assert [(i.name, i.type) for i in inputs] == [("features", "tensor(float)")], inputs
    assert inputs[0].shape[1] == n_features, inputs[0].shape
    outputs = {o.name: o for o in sess.get_outputs()}
    assert set(outputs) == {"label", "probabilities"}, list(outputs)
    assert outputs["label"].type == "tensor(int64)", outputs["label"].type
    assert outputs["probabilities"].type == "tensor(float)", outputs["probabilities"].type
    assert outputs["probabilities"].shape[1] == 2, outputs["probabilities"].shape


def score(sess: ort.InferenceSession, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    label, probabilities = sess.run(["label", "probabilities"], {"features": x})
    assert isinstance(probabilities, np.ndarray) and probabilities.dtype == np.float32
    assert isinstance(label, np.ndarray) and label.dtype == np.int64
    return label, probabilities[:, 1]


def best_f1_threshold(y: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, thresholds = precision_recall_curve(y, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    best = int(np.argmax(f1[:-1]))
    # Rounded down to 3 decimals for people (so the best point stays flagged); the
    # metrics are recomputed at the rounded value.
    return math.floor(float(thresholds[best]) * 1000) / 1000


def metrics_at(y: np.ndarray, scores: np.ndarray, threshold: float, kinds: list[str]) -> dict:
    flagged = scores >= threshold
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    per_kind = {}
    for kind in sorted(set(kinds) - {"none"}):
        mask = np.array([k == kind for k in kinds])
        per_kind[kind] = {"count": int(mask.sum()), "recall": float(np.mean(flagged[mask]))}
    return {
        "rows": int(len(y)),
        "positives": int(y.sum()),
        "positive_rate": float(y.mean()),
        "roc_auc": float(roc_auc_score(y, scores)),
        "average_precision": float(average_precision_score(y, scores)),
        "threshold": threshold,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-12),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "recall_by_kind": per_kind,
    }


def golden_selection(records: list[dict], s: Scenario) -> list[dict]:
    """golden_count records of the golden stream, in stream order: its first golden_max_positives
    positives and evenly spaced negatives. At a 1-2% positive rate the first thousand records
    of a stream hold only a handful of positives, and the golden file should cover the scores
    near and above the threshold as well as the bulk below it."""
    positives = [i for i, r in enumerate(records) if r["truth"][s.truth_flag]][: s.golden_max_positives]
    negatives = [i for i, r in enumerate(records) if not r["truth"][s.truth_flag]]
    wanted = s.golden_count - len(positives)
    step = len(negatives) / wanted
    chosen = sorted(positives + [negatives[int(k * step)] for k in range(wanted)])
    return [records[i] for i in chosen]


# Scores the golden file with the runtime's own onnxruntime-node, single-threaded, and
# prints how many scores match the Python ones bit for bit.
NODE_GOLDEN_CHECK = r"""
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const [root, model] = process.argv.slice(1);
const ort = createRequire(root + '/package.json')('onnxruntime-node');
const contract = JSON.parse(readFileSync(`${root}/models/${model}.features.json`, 'utf8'));
const rows = readFileSync(`${root}/models/golden/${model}.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const width = contract.columns.length;
const data = new Float32Array(rows.length * width);
rows.forEach(({ value }, i) => contract.columns.forEach((c, j) => {
  const v = value[c.field];
  data[i * width + j] = c.dtype === 'category' ? c.vocabulary.indexOf(v) : c.dtype === 'bool' ? (v ? 1 : 0) : v;
}));
const session = await ort.InferenceSession.create(`${root}/models/${model}.onnx`, { intraOpNumThreads: 1 });
const out = await session.run({ features: new ort.Tensor('float32', data, [rows.length, width]) });
let exact = 0;
rows.forEach(({ score }, i) => { if (out.probabilities.data[i * 2 + 1] === score) exact++; });
console.log(JSON.stringify({ rows: rows.length, exact }));
"""


def check_golden_with_node(model: str) -> str:
    """Golden scores must be what the runtime computes; onnxruntime-node is the runtime."""
    if not (ROOT / "node_modules" / "onnxruntime-node").exists():
        return "not checked (node_modules/onnxruntime-node missing)"
    result = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_GOLDEN_CHECK, str(ROOT), model],
        check=True, capture_output=True, text=True,
    )
    counts = json.loads(result.stdout)
    assert counts["exact"] == counts["rows"], f"onnxruntime-node disagrees with Python on {model}: {counts}"
    return f"{counts['exact']}/{counts['rows']} bit for bit"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def iot_scenario() -> Scenario:
    return Scenario(
        model="iot-anomaly",
        scenario="iot",
        title="IoT sensor anomaly scorer",
        truth_flag="anomaly",
        train_seed=101,
        train_count=150_000,
        test_seed=202,
        test_count=50_000,
        golden_seed=303,
        golden_count=1_000,
        columns=[
            Column("temperature", "float32", doc="°C"),
            Column("vibration", "float32", doc="mm/s RMS"),
            Column("pressure", "float32", doc="kPa"),
            Column("humidity", "float32", doc="% RH"),
            Column("rpm", "float32", doc="rev/min"),
            Column("temperature_delta", "float32", doc="vs the device's previous reading"),
            Column("pressure_delta", "float32", doc="vs the device's previous reading"),
            Column("vibration_rolling_mean", "float32", doc="last 5 readings"),
            Column("temperature_rolling_std", "float32", doc="last 5 readings"),
            Column("temperature_deviation", "float32", doc="vs the device's moving average"),
            Column("temperature_unchanged_count", "float32", doc="Avro int, flatline counter"),
        ],
    )


def fraud_scenario(vocabulary: list[str]) -> Scenario:
    return Scenario(
        model="fraud",
        scenario="fraud",
        title="Card-fraud scorer",
        truth_flag="fraud",
        train_seed=111,
        train_count=200_000,
        test_seed=222,
        test_count=100_000,
        golden_seed=333,
        golden_count=1_000,
        columns=[
            Column("amount", "float32", doc="billing currency"),
            Column("merchant_category", "category", vocabulary=vocabulary, doc="index in the vocabulary"),
            Column("hour_of_day", "float32", doc="Avro int, 0–23"),
            Column("distance_from_home_km", "float32", doc="km"),
            Column("seconds_since_last_txn", "float32", doc="s"),
            Column("card_present", "bool", doc="card physically present"),
            Column("new_device", "bool", doc="device never seen on this card"),
            Column("card_avg_amount", "float32", doc="billing currency"),
        ],
    )


def train_iot(x: np.ndarray, y: np.ndarray) -> tuple[Pipeline, dict]:
    # A fixed number of epochs rather than early stopping: scikit-learn's early stopping
    # watches accuracy, which barely moves at a 2% positive rate, and a fixed schedule
    # makes the training time predictable.
    epochs = 20
    mlp = MLPClassifier(
        hidden_layer_sizes=(128, 64, 32),
        activation="relu",
        alpha=1e-4,
        batch_size=256,
        learning_rate_init=3e-3,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        shuffle=True,
        random_state=0,
    )
    pipeline = Pipeline([("scale", StandardScaler()), ("mlp", mlp)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # stopping at max_iter is the plan
        pipeline.fit(x, y)
    parameters = int(sum(w.size for w in mlp.coefs_) + sum(b.size for b in mlp.intercepts_))
    facts = {
        "architecture": f"StandardScaler → MLP {x.shape[1]}-{'-'.join(str(h) for h in mlp.hidden_layer_sizes)}-1 (ReLU, logistic output)",
        "parameters": parameters,
        "scaler_parameters": int(2 * x.shape[1]),
        "epochs": int(mlp.n_iter_),
        "hyperparameters": f"hidden_layer_sizes=(128, 64, 32), ReLU, alpha=1e-4, batch_size=256, adam lr=3e-3, "
        f"{epochs} epochs (no early stopping), random_state=0",
    }
    return pipeline, facts


def train_fraud(x: np.ndarray, y: np.ndarray) -> tuple[HistGradientBoostingClassifier, dict]:
    clf = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.1,
        max_leaf_nodes=15,
        max_depth=5,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=0,
    )
    clf.fit(x, y)
    trees = [predictor for iteration in clf._predictors for predictor in iteration]
    facts = {
        "architecture": "HistGradientBoostingClassifier (binary log-loss), exported as one TreeEnsembleClassifier",
        "trees": len(trees),
        "leaves": int(sum(p.get_n_leaf_nodes() for p in trees)),
        "nodes": int(sum(len(p.nodes) for p in trees)),
        "max_depth": 5,
        "hyperparameters": "max_iter=200, learning_rate=0.1, max_leaf_nodes=15, max_depth=5, min_samples_leaf=40, "
        "l2_regularization=1.0, early_stopping=False, random_state=0",
    }
    return clf, facts


def features_contract(s: Scenario, threshold: float) -> dict:
    columns = []
    for c in s.columns:
        entry: dict = {"field": c.field, "dtype": c.dtype}
        if c.vocabulary is not None:
            entry["vocabulary"] = c.vocabulary
        columns.append(entry)
    return {
        "input": "features",
        "columns": columns,
        "score": {"output": "probabilities", "column": 1},
        "label": {"output": "label"},
        "threshold": threshold,
    }


def build(s: Scenario, workdir: Path, trainer) -> dict:
    started = time.perf_counter()
    data = {}
    for purpose, seed, count in [("train", s.train_seed, s.train_count), ("test", s.test_seed, s.test_count), ("golden", s.golden_seed, s.golden_stream)]:
        data[purpose] = run_dump(s.scenario, seed, count, workdir / f"{s.model}-{purpose}.jsonl")
    data["golden"] = golden_selection(data["golden"], s)
    log(f"{s.model}: dumped {sum(len(d) for d in data.values())} records in {time.perf_counter() - started:.1f}s")

    values = [r["value"] for r in data["train"]]
    x_all = to_matrix(values, s.columns)
    y_all = np.array([1 if r["truth"][s.truth_flag] else 0 for r in data["train"]], dtype=np.int64)
    x_fit, x_val, y_fit, y_val = train_test_split(x_all, y_all, test_size=VALIDATION_FRACTION, random_state=SPLIT_SEED, stratify=y_all)

    fit_started = time.perf_counter()
    estimator, facts = trainer(x_fit, y_fit)
    fit_seconds = time.perf_counter() - fit_started
    log(f"{s.model}: fitted in {fit_seconds:.1f}s ({facts})")

    doc = f"streamscore {s.title}; see models/{s.model}.md"
    model_bytes = export(estimator, len(s.columns), s.model.replace("-", "_"), doc, s.columns)
    model_path = MODELS_DIR / f"{s.model}.onnx"
    model_path.write_bytes(model_bytes)
    sess = session(model_bytes)
    check_contract(sess, len(s.columns))

    # The exported graph must agree with scikit-learn (float32 inside ONNX, float64 in sklearn).
    _, val_scores = score(sess, x_val)
    drift = float(np.max(np.abs(val_scores - estimator.predict_proba(x_val)[:, 1])))
    assert drift < 1e-4, f"ONNX and scikit-learn disagree by {drift}"
    threshold = best_f1_threshold(y_val, val_scores)
    validation = metrics_at(y_val, val_scores, threshold, ["none"] * len(y_val))

    test_values = [r["value"] for r in data["test"]]
    x_test = to_matrix(test_values, s.columns)
    y_test = np.array([1 if r["truth"][s.truth_flag] else 0 for r in data["test"]], dtype=np.int64)
    test_labels, test_scores = score(sess, x_test)
    # `label` is the classifier's own 0.5 cut (argmax); only float ties at 0.5 may differ.
    assert np.mean(test_labels == (test_scores > 0.5)) > 0.999
    test = metrics_at(y_test, test_scores, threshold, [r["truth"]["kind"] for r in data["test"]])
    log(f"{s.model}: threshold {threshold}, test AUC {test['roc_auc']:.4f} precision {test['precision']:.3f} recall {test['recall']:.3f}")

    golden_values = [r["value"] for r in data["golden"]]
    _, golden_scores = score(sess, to_matrix(golden_values, s.columns))
    golden_dir = MODELS_DIR / "golden"
    golden_dir.mkdir(exist_ok=True)
    golden_path = golden_dir / f"{s.model}.jsonl"
    with golden_path.open("w") as handle:
        for value, p in zip(golden_values, golden_scores):
            # float(np.float32) is the exact double of the float32 score; repr round-trips it.
            handle.write(json.dumps({"value": value, "score": float(p)}, separators=(",", ":"), ensure_ascii=False) + "\n")

    contract = features_contract(s, threshold)
    (MODELS_DIR / f"{s.model}.features.json").write_text(json.dumps(contract, indent=2) + "\n")
    node_check = check_golden_with_node(s.model)
    log(f"{s.model}: golden scores reproduced by onnxruntime-node: {node_check}")

    return {
        "scenario": s,
        "facts": facts,
        "fit_seconds": fit_seconds,
        "threshold": threshold,
        "validation": validation,
        "validation_rows": int(len(y_val)),
        "fit_rows": int(len(y_fit)),
        "train_positive_rate": float(y_all.mean()),
        "test": test,
        "onnx_sklearn_max_abs_diff": drift,
        "model_path": model_path,
        "model_bytes": len(model_bytes),
        "sha256": sha256(model_path),
        "golden_path": golden_path,
        "golden_positives": int(sum(1 for r in data["golden"] if r["truth"][s.truth_flag])),
        "golden_flagged": int(np.sum(golden_scores >= threshold)),
        "golden_node_check": node_check,
    }


def write_card(result: dict, limitations: list[str], extra_inputs_note: str) -> None:
    s: Scenario = result["scenario"]
    facts = result["facts"]
    test = result["test"]
    rows = []
    for i, c in enumerate(s.columns):
        if c.dtype == "category":
            conversion = "string → float32 index in the vocabulary (below); unknown value is an error"
        elif c.dtype == "bool":
            conversion = "boolean → float32 1.0 (true) / 0.0 (false)"
        else:
            conversion = "number → float32"
        rows.append(f"| {i} | `{c.field}` | {c.dtype} | {conversion} | {c.doc} |")
    vocab = next((c for c in s.columns if c.vocabulary), None)
    vocab_text = ""
    if vocab is not None:
        vocab_text = "\nVocabulary of `{}` (index: value): {}.\n".format(
            vocab.field, ", ".join(f"{i}: `{v}`" for i, v in enumerate(vocab.vocabulary or []))
        )
    kinds = "\n".join(
        f"| {kind} | {v['count']} | {v['recall']:.3f} |" for kind, v in test["recall_by_kind"].items()
    )
    size_facts = (
        f"{facts['parameters']:,} trainable parameters (plus {facts['scaler_parameters']} scaler constants), {facts['epochs']} epochs"
        if "parameters" in facts
        else f"{facts['trees']} trees, {facts['leaves']:,} leaves, {facts['nodes']:,} nodes, max depth {facts['max_depth']}"
    )
    card = f"""# {s.title} (`models/{s.model}.onnx`)

Generated by `models/train.py` (`npm run models:train`); do not edit by hand, retrain instead.
Machine-readable contract: [`{s.model}.features.json`]({s.model}.features.json).

## Model

- {facts['architecture']}.
- {size_facts}.
- Hyperparameters: {facts['hyperparameters']}.
- File: `models/{s.model}.onnx`, {result['model_bytes']:,} bytes,
  sha256 `{result['sha256']}`.
- Exported with skl2onnx {skl2onnx.__version__} (opsets ai.onnx {TARGET_OPSET['']}, ai.onnx.ml {TARGET_OPSET['ai.onnx.ml']}),
  scikit-learn {sklearn.__version__}, onnx {onnx.__version__}, checked with onnxruntime {ort.__version__};
  ONNX and scikit-learn scores agree within {result['onnx_sklearn_max_abs_diff']:.1e} on the validation split.

## Input

One tensor `features`, float32, shape `[N, {len(s.columns)}]`, columns in this order, raw values straight from the
Avro record (`schemas/{s.scenario}/…`; the record is flat, so the field path is the field name).{' Standardisation is inside the graph.' if s.model == 'iot-anomaly' else ''}
{extra_inputs_note}
| column | field | dtype | conversion | unit / note |
|---|---|---|---|---|
{chr(10).join(rows)}
{vocab_text}
## Outputs

- `label`: int64 `[N]`, 1 when `probabilities[:, 1] > 0.5` (the classifier's own cut, not the shipped threshold).
- `probabilities`: float32 `[N, 2]`; the score is `probabilities[:, 1]`, the probability of class 1 ({s.truth_flag}).
- Shipped threshold: **{result['threshold']}**: flag a record when score ≥ {result['threshold']}. Chosen as the
  threshold maximising F1 on the validation split ({result['validation_rows']:,} rows, F1 {result['validation']['f1']:.3f}).

## Training data

- Generator `src/generate/{'iot' if s.scenario == 'iot' else 'fraud'}.ts`, default options
  ({'500 devices, anomalyRate 0.02, one reading per device per 60 s' if s.scenario == 'iot' else '2000 cards, fraudRate 0.01, mean gap 15 s between legitimate transactions'}),
  dumped with `dist/src/generate/dump-training-data.js`.
- Training: seed {s.train_seed}, {s.train_count:,} records, positive rate {result['train_positive_rate']:.4f};
  split {1 - VALIDATION_FRACTION:.0%} fit ({result['fit_rows']:,}) / {VALIDATION_FRACTION:.0%} validation
  (stratified, seed {SPLIT_SEED}).
- Labels: the generator's ground truth (`truth.{s.truth_flag}`), never part of the record.

## Held-out metrics

Test set: seed {s.test_seed}, {test['rows']:,} records, {test['positives']:,} positives (rate {test['positive_rate']:.4f}),
scored with the exported ONNX model through onnxruntime.

| metric | value |
|---|---|
| ROC AUC | {test['roc_auc']:.4f} |
| average precision | {test['average_precision']:.4f} |
| threshold | {result['threshold']} |
| precision at threshold | {test['precision']:.4f} |
| recall at threshold | {test['recall']:.4f} |
| F1 at threshold | {test['f1']:.4f} |
| TP / FP / FN | {test['true_positives']} / {test['false_positives']} / {test['false_negatives']} |

Recall at the threshold by injected kind:

| kind | count | recall |
|---|---|---|
{kinds}

## Golden predictions

`models/golden/{s.model}.jsonl`: {s.golden_count:,} records from a {s.golden_stream:,}-record stream with seed
{s.golden_seed} (neither training nor test): its first {s.golden_max_positives} positives and evenly spaced negatives,
in stream order, so that scores near and above the threshold are covered too. One line `{{"value": <Avro record value>, "score": <probabilities[:, 1]>}}`, the score being the float32 from Python
onnxruntime {ort.__version__} widened exactly to a double. {result['golden_positives']} of them are positives by
ground truth and {result['golden_flagged']} are flagged at the threshold.
The runtime's onnxruntime-node (same version) with `intraOpNumThreads: 1` reproduces them
{result['golden_node_check']} (checked by train.py). With more intra-op threads onnxruntime may sum in another
order{' (the tree ensemble does)' if s.model == 'fraud' else ''}: compare with an absolute tolerance of 1e-5.

## Retraining

`npm run models:train` (models/train.sh): creates `models/.venv` if missing, installs `models/requirements.txt`,
builds the TypeScript, dumps the data with the seeds above, trains, exports and rewrites this card, the
`.features.json` contract and the golden file. Seeds are fixed; with the pinned packages and the same thread
count (train.sh sets 2) the output is reproducible.

## Limitations

{chr(10).join('- ' + l for l in limitations)}
"""
    (MODELS_DIR / f"{s.model}.md").write_text(card)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["iot-anomaly", "fraud"], help="train one model only")
    args = parser.parse_args()
    if not DUMP_SCRIPT.exists():
        log(f"{DUMP_SCRIPT} is missing: run `npm run build` first")
        return 1
    started = time.perf_counter()
    summary = {}
    with tempfile.TemporaryDirectory(prefix="streamscore-train-") as tmp:
        workdir = Path(tmp)
        if args.only in (None, "iot-anomaly"):
            result = build(iot_scenario(), workdir, train_iot)
            write_card(
                result,
                [
                    "Trained on synthetic data from one generator; real fleets differ in baselines, noise and failure modes, so retrain or at least recalibrate the threshold on real labelled data.",
                    "A single reading is scored on its own: the dynamics it sees are only those in the derived fields (previous reading, last 5 readings, a moving average). The first readings of a drift episode and short stuck episodes look normal; recall is lowest there.",
                    "The derived fields must be computed exactly as the generator does (field docs in the Avro schema); a different window length or smoothing changes the input distribution.",
                    "The reading right after a spike or the end of an episode has large deltas but is labelled normal; some false positives come from there.",
                    "Scores are not calibrated probabilities for another anomaly rate than 2%.",
                ],
                "",
            )
            summary["iot-anomaly"] = result
        if args.only in (None, "fraud"):
            result = build(fraud_scenario(merchant_categories()), workdir, train_fraud)
            write_card(
                result,
                [
                    "Trained on synthetic data from one generator with three injected fraud patterns; real fraud adapts, and patterns absent here (e.g. friendly fraud, slow account takeover) are not learned.",
                    "`seconds_since_last_txn` depends on the stream's time scale: the generator's default (mean gap 15 s over 2000 cards, about three transactions per card per day). A generator run with another `intervalMs` or card count shifts it.",
                    "Legitimate travel (card present far from home) is the main source of false positives for the far-from-home pattern.",
                    "`merchant_category` must be one of the vocabulary's values; its index is the input, so the vocabulary order is part of the contract (append only).",
                    "Scores are not calibrated probabilities for another fraud rate than 1%.",
                ],
                "",
            )
            summary["fraud"] = result
    total = time.perf_counter() - started
    log(f"done in {total:.1f}s")
    for name, r in summary.items():
        log(
            f"{name}: {r['model_bytes']:,} bytes sha256 {r['sha256']} threshold {r['threshold']} "
            f"AUC {r['test']['roc_auc']:.4f} P {r['test']['precision']:.4f} R {r['test']['recall']:.4f} fit {r['fit_seconds']:.1f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
