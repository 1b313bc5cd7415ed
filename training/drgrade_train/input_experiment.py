"""The reference system's experiment out-of-fold: the same CNN recipe (train.py) on original, enhanced and
annotated inputs, trained on the same outer folds as the lesion-based grade (the features CSV of
``drgrade fit-lesion-grading --export-features``, or any CSV with its image, group, grade, fold columns).

Every figure is out-of-fold: each fold's photographs are predicted by the network that never saw them, with its
last epoch's weights (``--select-epoch last``, so no epoch is chosen on them) and its uncalibrated logits (no
temperature fitted on them). The referable operating point of a fold is chosen on the pooled out-of-fold
predictions of the other folds (the highest threshold whose sensitivity there is >= the target), never on the
fold itself. Runs already finished in ``--runs`` are reused.

    cd training && /usr/bin/python3 -m drgrade_train input-experiment --folds ../features.csv \\
        --prepared /tmp/prep --labels ../../shared/datasets/idrid/grading-train/labels.csv \\
        --runs /tmp/input-runs --out ../docs/input-experiment.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .cnn_run import train_cnn_run
from .constants import LABELS, NUM_CLASSES, REFERABLE_FROM
from .learning_curve import LearningCurveError, read_features
from .metrics import binary_rates, binary_task_aucs, bootstrap_auc_ci, quadratic_kappa, referable_probability, roc_auc, softmax

KINDS = ("original", "enhanced", "annotated")


class InputExperimentError(LearningCurveError):
    """Bad folds, a failed training, or predictions that do not cover the folds."""


@dataclass(frozen=True)
class Folds:
    stems: list[str]
    groups: list[str]
    grades: np.ndarray  # int 0–4
    folds: np.ndarray  # int


def sensitivity_threshold(referable: np.ndarray, score: np.ndarray, target: float) -> float:
    """The highest threshold t with sensitivity(score >= t) >= target on these photographs."""
    y = np.asarray(referable, bool)
    s = np.asarray(score, np.float64)
    positives = np.sort(s[y])[::-1]
    if len(positives) == 0:
        raise InputExperimentError("Expected referable photographs to choose a sensitivity threshold on but received none")
    k = int(np.ceil(target * len(positives) - 1e-9))  # positives that must be at or above t
    return float(positives[max(k, 1) - 1])


def cross_fold_thresholds(referable: np.ndarray, score: np.ndarray, folds: np.ndarray, target: float) -> dict[int, float]:
    """Per fold, the sensitivity threshold chosen on the other folds' (out-of-fold) scores."""
    return {int(f): sensitivity_threshold(referable[folds != f], score[folds != f], target) for f in sorted(set(folds.tolist()))}


def summarize(grades: np.ndarray, probs: np.ndarray, folds: np.ndarray, target: float = 0.95, seed: int = 0) -> dict:
    """The out-of-fold figures of one input kind: referable AUC with a stratified bootstrap 95 % CI, sensitivity
    and specificity at the cross-fold operating point, quadratic kappa of the argmax grade, the three binary tasks."""
    g = np.asarray(grades, int)
    y = g >= REFERABLE_FROM
    score = referable_probability(probs)
    auc = roc_auc(y, score)
    ci = bootstrap_auc_ci(y, score, seed=seed)
    thresholds = cross_fold_thresholds(y, score, folds, target)
    decided = np.array([score[i] >= thresholds[int(folds[i])] for i in range(len(g))])
    rates = binary_rates(y, decided.astype(np.float64), 0.5)
    return {
        "photographs": int(len(g)),
        "referablePositives": int(y.sum()),
        "referableAuc": auc,
        "referableAucCi95": list(ci) if ci else None,
        "operatingPoint": {"name": f"sensitivity_{target:.2f}", "sensitivity": rates["sensitivity"], "specificity": rates["specificity"],
                           "thresholdsByFold": [thresholds[f] for f in sorted(thresholds)]},
        "quadraticKappa": quadratic_kappa(g, probs.argmax(1)),
        "accuracy": float((probs.argmax(1) == g).mean()),
        "binaryTaskAuc": binary_task_aucs(g, probs),
    }


def paired_auc_difference(referable: np.ndarray, score_a: np.ndarray, score_b: np.ndarray, rounds: int = 2000,
                          seed: int = 0) -> dict:
    """AUC(a) − AUC(b) on the same photographs with a paired, stratified percentile bootstrap 95 % interval (the
    same resampled photographs score both)."""
    y = np.asarray(referable, bool)
    a, b = np.asarray(score_a, np.float64), np.asarray(score_b, np.float64)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    if len(pos) == 0 or len(neg) == 0:
        raise InputExperimentError("Expected referable and non-referable photographs to compare AUCs on but received one kind only")
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.ones(len(pos), bool), np.zeros(len(neg), bool)])
    diffs = np.empty(rounds)
    for r in range(rounds):
        idx = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        diffs[r] = roc_auc(labels, a[idx]) - roc_auc(labels, b[idx])  # type: ignore[operator]
    lo, hi = np.quantile(diffs, [0.025, 0.975])
    return {"difference": float(roc_auc(y, a) - roc_auc(y, b)), "ci95": [float(lo), float(hi)]}  # type: ignore[operator]


def read_run_logits(path: str) -> dict[str, np.ndarray]:
    """stem → uncalibrated logits from a run's val_predictions.csv (logit_* columns, train.py)."""
    out: dict[str, np.ndarray] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if f"logit_{LABELS[0]}" not in row:
                raise InputExperimentError(f"Expected logit columns in {os.path.basename(path)} but received an older val_predictions.csv")
            out[row["stem"]] = np.array([float(row[f"logit_{label}"]) for label in LABELS])
    return out


def train_fold(table: Folds, kind: str, fold: int, prepared: str, labels: str, runs: str, train_args: Sequence[str]) -> str:
    """Trains (or reuses) one fold's run; returns its val_predictions.csv."""
    settings = {"kind": kind, "trainArgs": list(train_args), "fold": fold, "stems": sorted(table.stems)}
    rows = [(s, int(g), grp, "val" if int(f) == fold else "train") for s, g, grp, f in zip(table.stems, table.grades, table.groups, table.folds)]
    args = ["--prepared", os.path.join(prepared, kind), "--kind", kind, "--labels", labels, "--select-epoch", "last", *train_args]
    return train_cnn_run(os.path.join(runs, f"{kind}-fold{fold}"), settings, "input-experiment", rows, args, InputExperimentError)


def collect(table: Folds, prediction_files: dict[int, str]) -> np.ndarray:
    """Out-of-fold probabilities (softmax of the logits), rows in table order; every photograph must be covered."""
    probs = np.full((len(table.stems), NUM_CLASSES), np.nan)
    index = {s: i for i, s in enumerate(table.stems)}
    for fold, path in prediction_files.items():
        for stem, z in read_run_logits(path).items():
            i = index.get(stem)
            if i is not None and int(table.folds[i]) == fold:
                probs[i] = softmax(z[None, :])[0]
    missing = int((~np.isfinite(probs).all(axis=1)).sum())
    if missing:
        raise InputExperimentError(f"Expected an out-of-fold prediction for every photograph but received none for {missing}")
    return probs


def write_oof_csv(path: str, table: Folds, probs: np.ndarray) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["image", "grade", "fold", *[f"p_{label}" for label in LABELS], "referable_probability"])
        for s, g, f, p in zip(table.stems, table.grades, table.folds, probs):
            w.writerow([s, int(g), int(f), *[f"{v:.6f}" for v in p], f"{float(p[REFERABLE_FROM:].sum()):.6f}"])


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m drgrade_train input-experiment", description=__doc__.split("\n\n")[0])
    p.add_argument("--folds", required=True, help="CSV with image, group, grade, fold (drgrade fit-lesion-grading --export-features)")
    p.add_argument("--prepared", required=True, help="folder of `drgrade prepare --kind all` (original/, enhanced/, annotated/)")
    p.add_argument("--labels", required=True, help="labels CSV (IDRiD form), as for train.py")
    p.add_argument("--runs", required=True, help="folder of the 5 × kinds runs (outside git); finished runs are reused")
    p.add_argument("--out", required=True, help="JSON of the figures")
    p.add_argument("--kinds", default=",".join(KINDS), help="input kinds (default %(default)s)")
    p.add_argument("--parallel", type=int, default=2, help="trainings at once (default %(default)s)")
    p.add_argument("--target-sensitivity", type=float, default=0.95, help="operating point (default %(default)s)")
    p.add_argument("--train-args", default="--arch compact --epochs 8 --max-minutes 3 --threads 1",
                   help="train.py options, one string (default '%(default)s')")
    p.add_argument("--oof-dir", help="write <kind>-oof.csv (out-of-fold probabilities per photograph) here")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    features = read_features(args.folds)
    table = Folds(features.stems, features.groups, features.grades, features.folds)
    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds:
        if k not in KINDS:
            raise InputExperimentError(f"Expected original, enhanced or annotated for --kinds but received {k}")
    train_args = args.train_args.split()
    folds = sorted(set(int(f) for f in table.folds))
    jobs = [(k, f) for k in kinds for f in folds]
    with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        files = dict(zip(jobs, pool.map(lambda j: train_fold(table, j[0], j[1], args.prepared, args.labels, args.runs, train_args), jobs)))
    results = {}
    scores: dict[str, np.ndarray] = {}
    for k in kinds:
        probs = collect(table, {f: files[(k, f)] for f in folds})
        scores[k] = referable_probability(probs)
        if args.oof_dir:
            os.makedirs(args.oof_dir, exist_ok=True)
            write_oof_csv(os.path.join(args.oof_dir, f"{k}-oof.csv"), table, probs)
        results[k] = summarize(table.grades, probs, table.folds, args.target_sensitivity)
        r = results[k]
        print(f"{k}: referable AUC {r['referableAuc']:.3f} ({r['referableAucCi95'][0]:.3f}–{r['referableAucCi95'][1]:.3f}), "
              f"sens/spec {r['operatingPoint']['sensitivity']:.3f}/{r['operatingPoint']['specificity']:.3f}, kappa {r['quadraticKappa']:.3f}", file=sys.stderr)
    referable = table.grades >= REFERABLE_FROM
    differences = {f"{a}-{b}": paired_auc_difference(referable, scores[a], scores[b])
                   for i, a in enumerate(kinds) for b in kinds[i + 1:]}
    for name, d in differences.items():
        print(f"referable AUC {name}: {d['difference']:+.3f} ({d['ci95'][0]:+.3f} to {d['ci95'][1]:+.3f})", file=sys.stderr)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump({"pairedAucDifferences": differences, "trainArgs": train_args, "folds": len(folds), "selection": "last epoch, uncalibrated logits; operating point per fold from the other folds' out-of-fold scores",
                   "kinds": results}, fh, indent=2)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
