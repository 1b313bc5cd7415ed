"""The reference system's learning-curve study (Hestness et al. 2017, "Deep Learning Scaling is Predictable,
Empirically"): train on 10, 20, 40, 70 and 100 % of the training folds, always validate on the same five outer
folds, fit error = a·n^b + c to the out-of-fold referable error (1 − AUC) and to the log-loss, and predict the
training-set size at which the referable AUC would reach 0.95 and 0.99.

    python -m drgrade_train learning-curve --features features.csv --out docs/learning-curve.json

What is trained (``--trainer lesion``, the default) is the lesion-based grade: a class-balanced five-class
multinomial logistic regression (L2 0.05) on the 26 lesion features per photograph that
``drgrade fit-lesion-grading --export-features`` writes — the same model as shared/grading/multinomialLogistic.ts
with fitLesionGrading (shared/grading/crossValidateLesionGrading.ts), re-implemented here in numpy with the same
objective and optimiser. The CNN's 25 trainings do not fit a 2-core CPU; the lesion-based grade learns from the
same photographs, so its curve says how much more labelled data would help the second-stage model.

Subsets are stratified by grade and nested (each grade's training photographs are shuffled once per outer fold and
repeat with a seed, and a fraction keeps the first share of each grade), so a larger fraction always contains the
smaller ones. Each fraction below 100 % is drawn three times (``--repeats``) and the figures are the mean of the
repeats; at 100 % every repeat is the same set (the fit is deterministic) and it is trained once.

Writes ``<out>`` (JSON), ``<stem>.vl.json`` (Vega-Lite), ``<stem>.svg`` and ``<stem>.png``, where ``<stem>`` is
``<out>`` without ``.json``; the plot is rendered by the TypeScript side (``drgrade render-chart``), so it needs
node and the TypeScript build. Research use only.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .cnn_run import train_cnn_run
from .constants import LABELS, NUM_CLASSES, REFERABLE_FROM
from .metrics import roc_auc

FRACTIONS: tuple[float, ...] = (0.1, 0.2, 0.4, 0.7, 1.0)
TARGET_AUCS: dict[str, float] = {"auc095": 0.95, "auc099": 0.99}
META_COLUMNS = ("image", "group", "grade", "fold")
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class LearningCurveError(Exception):
    """An input or environment problem, reported as one line."""


# ---------------------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class FeatureTable:
    """The exported features: one row per photograph."""

    stems: list[str]
    groups: list[str]
    grades: np.ndarray  # int, 0–4
    folds: np.ndarray  # int, outer fold
    x: np.ndarray  # float64, rows × features
    feature_names: list[str]


def read_features(path: str) -> FeatureTable:
    """Reads the CSV of ``drgrade fit-lesion-grading --export-features`` (image, group, grade, fold, features…).
    Errors name the row number, never the image."""
    try:
        fh = open(path, newline="", encoding="utf-8")
    except OSError as error:
        raise LearningCurveError(f"Expected a readable features CSV for --features but opening failed ({error.strerror})") from error
    with fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(header[:4]) != META_COLUMNS or len(header) < 5:
            raise LearningCurveError(f"Expected columns {', '.join(META_COLUMNS)} and feature columns in the features CSV but received {header}")
        names = header[4:]
        stems: list[str] = []
        groups: list[str] = []
        grades: list[int] = []
        folds: list[int] = []
        rows: list[list[float]] = []
        for i, row in enumerate(reader):
            if not row:
                continue
            line = i + 2
            if len(row) != len(header):
                raise LearningCurveError(f"Expected {len(header)} values in row {line} of the features CSV but received {len(row)}")
            try:
                grade, fold = int(row[2]), int(row[3])
                values = [float(v) for v in row[4:]]
            except ValueError as error:
                raise LearningCurveError(f"Expected numbers in row {line} of the features CSV but received text that does not parse") from error
            if not 0 <= grade < NUM_CLASSES:
                raise LearningCurveError(f"Expected a grade 0–4 in row {line} of the features CSV but received {grade}")
            if not all(math.isfinite(v) for v in values):
                raise LearningCurveError(f"Expected finite features in row {line} of the features CSV but received a non-finite value")
            stems.append(row[0])
            groups.append(row[1])
            grades.append(grade)
            folds.append(fold)
            rows.append(values)
    if len(rows) < 25:
        raise LearningCurveError(f"Expected at least 25 photographs in the features CSV but received {len(rows)}")
    fold_of_group: dict[str, int] = {}
    for g, f in zip(groups, folds):
        if fold_of_group.setdefault(g, f) != f:
            raise LearningCurveError("Expected every group (duplicate photographs) in one fold but a group spans two folds")
    return FeatureTable(stems, groups, np.asarray(grades, dtype=np.int64), np.asarray(folds, dtype=np.int64), np.asarray(rows, dtype=np.float64), names)


# ---------------------------------------------------------------------------------------------------------------
# The model (shared/grading/multinomialLogistic.ts, fitLesionGrading)


@dataclass(frozen=True)
class LogisticModel:
    mean: np.ndarray
    std: np.ndarray
    weights: np.ndarray  # classes × (features + 1); the last column is the intercept


def _softmax_rows(s: np.ndarray) -> np.ndarray:
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def fit_multinomial_logistic(x: np.ndarray, y: np.ndarray, classes: int = NUM_CLASSES, l2: float = 0.05,
                             sample_weights: np.ndarray | None = None, iterations: int = 3000) -> LogisticModel:
    """Minimises the weighted mean cross-entropy of softmax(W·z + b) plus l2/2·‖W‖² (intercepts unpenalised) on
    standardised features z, by full-batch Nesterov gradient descent (step 0.5, momentum 0.9): the objective and
    the optimiser of multinomialLogistic.ts, so both sides reach the same convex optimum."""
    n, d = x.shape
    sw = np.ones(n) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
    mean = x.mean(axis=0)
    std = np.sqrt(((x - mean) ** 2).mean(axis=0))
    std[std == 0] = 1.0
    z1 = np.hstack([(x - mean) / std, np.ones((n, 1))])
    onehot = np.zeros((n, classes))
    onehot[np.arange(n), y] = 1.0
    coef = (sw / sw.sum())[:, None]
    penalty = np.ones((classes, d + 1))
    penalty[:, d] = 0.0
    w = np.zeros((classes, d + 1))
    v = np.zeros_like(w)
    for _ in range(iterations):
        look = w + 0.9 * v
        p = _softmax_rows(z1 @ look.T)
        grad = ((p - onehot) * coef).T @ z1 + l2 * penalty * look
        v = 0.9 * v - 0.5 * grad
        w = w + v
    return LogisticModel(mean, std, w)


def predict_multinomial_logistic(model: LogisticModel, x: np.ndarray) -> np.ndarray:
    """Class probabilities, one row per photograph."""
    z1 = np.hstack([(x - model.mean) / model.std, np.ones((len(x), 1))])
    return _softmax_rows(z1 @ model.weights.T)


def fit_lesion_grading(x: np.ndarray, grades: np.ndarray, l2: float = 0.05, iterations: int = 3000) -> LogisticModel:
    """Class-balanced fit: each photograph weighs n / (5 · count of its grade), as fitLesionGrading does."""
    counts = np.bincount(grades, minlength=NUM_CLASSES)
    weights = len(grades) / (NUM_CLASSES * np.maximum(1, counts[grades]))
    return fit_multinomial_logistic(x, grades, NUM_CLASSES, l2, weights, iterations)


# ---------------------------------------------------------------------------------------------------------------
# Subsets and the study


def nested_order(groups: Sequence[str], grades: np.ndarray, rng: np.random.Generator) -> list[list[str]]:
    """Per grade (a group's highest grade), its groups in a seeded random order."""
    grade_of: dict[str, int] = {}
    for g, grade in zip(groups, grades):
        grade_of[g] = max(grade_of.get(g, 0), int(grade))
    out: list[list[str]] = []
    for k in range(NUM_CLASSES):
        members = sorted(g for g, v in grade_of.items() if v == k)
        out.append([members[i] for i in rng.permutation(len(members))])
    return out


def subset_groups(order: list[list[str]], fraction: float) -> set[str]:
    """The first round(fraction · count) groups of each grade (at least one where the grade has any), so subsets of
    one order are nested and keep the grade mix."""
    keep: set[str] = set()
    for members in order:
        if members:
            keep.update(members[: max(1, int(round(fraction * len(members))))])
    return keep


def log_loss(grades: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean five-class cross-entropy of the true grade (natural log; probabilities clipped at 1e-15)."""
    p = np.clip(probabilities[np.arange(len(grades)), grades], 1e-15, 1.0)
    return float(-np.log(p).mean())


#: Trains on the chosen rows and predicts the validation rows: (fraction, fold, repeat, chosen, val) -> val × 5
#: probabilities (rows without a prediction, e.g. a photograph without a prepared PNG, are NaN).
Trainer = Callable[[float, int, int, np.ndarray, np.ndarray], np.ndarray]


def lesion_trainer(table: FeatureTable, l2: float = 0.05, iterations: int = 3000) -> Trainer:
    """The lesion-based grade on the exported features."""
    def train(_fraction: float, _fold: int, _repeat: int, chosen: np.ndarray, val: np.ndarray) -> np.ndarray:
        model = fit_lesion_grading(table.x[chosen], table.grades[chosen], l2, iterations)
        return predict_multinomial_logistic(model, table.x[val])
    return train


def cnn_trainer(table: FeatureTable, runs_dir: str, train_args: Sequence[str], log=lambda _m: None) -> Trainer:
    """The CNN recipe (drgrade_train/train.py), one run per fraction, fold and repeat in ``runs_dir``: the run's
    split.csv holds the chosen training photographs and the outer fold as validation; its val_predictions.csv
    are the out-of-fold probabilities. A finished run is reused and an interrupted one resumed from its
    checkpoint, so a long study continues where it stopped. ``train_args`` go to train.py as given (data,
    epochs, --max-minutes…)."""
    stems = np.asarray(table.stems)

    def train(fraction: float, fold: int, repeat: int, chosen: np.ndarray, val: np.ndarray) -> np.ndarray:
        run = os.path.join(runs_dir, f"fraction{round(fraction * 100):03d}-fold{fold}-repeat{repeat}")
        settings = {"trainArgs": list(train_args), "train": sorted(stems[chosen].tolist()), "val": sorted(stems[val].tolist())}
        rows = [(table.stems[i], int(table.grades[i]), table.groups[i], "val" if val[i] else "train") for i in np.flatnonzero(chosen | val)]
        predictions = train_cnn_run(run, settings, "learning-curve", rows, train_args, LearningCurveError,
                                    on_train=lambda: log(f"fraction {fraction:.2f}, fold {fold}, repeat {repeat}: training the CNN on {int(chosen.sum())} photographs"))
        by_stem: dict[str, list[float]] = {}
        with open(predictions, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                by_stem[row["stem"]] = [float(row[f"p_{label}"]) for label in LABELS]
        out = np.full((int(val.sum()), NUM_CLASSES), np.nan)
        for j, stem in enumerate(stems[val]):
            if stem in by_stem:
                out[j] = by_stem[stem]
        return out
    return train


def run_study(table: FeatureTable, trainer: Trainer, fractions: Sequence[float] = FRACTIONS, repeats: int = 3,
              seed: int = 1, log=lambda _m: None) -> list[dict]:
    """Out-of-fold referable AUC and log-loss at each fraction of the training folds (mean of the repeats)."""
    folds = sorted(set(int(f) for f in table.folds))
    if len(folds) < 2:
        raise LearningCurveError(f"Expected at least 2 outer folds in the features CSV but received {len(folds)}")
    groups = np.asarray(table.groups)
    points: list[dict] = []
    for fraction in fractions:
        runs = 1 if fraction >= 1.0 else repeats
        aucs: list[float] = []
        losses: list[float] = []
        sizes: list[list[int]] = []
        for r in range(runs):
            probabilities = np.full((len(table.grades), NUM_CLASSES), np.nan)
            per_fold: list[int] = []
            for f in folds:
                train = table.folds != f
                # One order per (fold, repeat), whatever the fraction: the subsets are nested.
                rng = np.random.default_rng([seed, f, r])
                keep = subset_groups(nested_order(list(groups[train]), table.grades[train], rng), fraction)
                chosen = train & np.isin(groups, list(keep))
                per_fold.append(int(chosen.sum()))
                val = table.folds == f
                probabilities[val] = trainer(fraction, f, r, chosen, val)
            known = np.all(np.isfinite(probabilities), axis=1)
            if known.sum() < len(known):
                log(f"fraction {fraction:.2f}, repeat {r}: {int((~known).sum())} photographs without an out-of-fold prediction left out")
            auc = roc_auc(table.grades[known] >= REFERABLE_FROM, probabilities[known, REFERABLE_FROM:].sum(axis=1))
            if auc is None:
                raise LearningCurveError("Expected referable and non-referable photographs in the features CSV but received one kind only")
            aucs.append(auc)
            losses.append(log_loss(table.grades[known], probabilities[known]))
            sizes.append(per_fold)
        images = float(np.mean(sizes))
        log(f"fraction {fraction:.2f}: {images:.1f} training images, referable AUC {np.mean(aucs):.4f}, log-loss {np.mean(losses):.4f}")
        points.append({
            "fraction": fraction,
            "images": round(images, 1),
            "referableAuc": round(float(np.mean(aucs)), 4),
            "logLoss": round(float(np.mean(losses)), 4),
            "repeats": runs,
            "referableAucByRepeat": [round(a, 4) for a in aucs],
            "logLossByRepeat": [round(v, 4) for v in losses],
            "imagesByFold": sizes[0] if runs == 1 else [round(float(v), 1) for v in np.mean(sizes, axis=0)],
        })
    return points


# ---------------------------------------------------------------------------------------------------------------
# The power law


def _fit_given_b(n: np.ndarray, y: np.ndarray, b: float) -> tuple[float, float, float]:
    """Least-squares a and c ≥ 0 of y = a·n^b + c for a fixed exponent; returns (a, c, sum of squares)."""
    x = n ** b
    design = np.vstack([x, np.ones_like(x)]).T
    (a, c), *_ = np.linalg.lstsq(design, y, rcond=None)
    if c < 0:  # an error cannot fall below zero: the asymptote is clamped there
        a, c = float(x @ y / (x @ x)), 0.0
    resid = a * x + c - y
    return float(a), float(c), float(resid @ resid)


def fit_power_law(n: Sequence[float], error: Sequence[float], b_range: tuple[float, float] = (-3.0, -0.01)) -> dict:
    """Fits error = a·n^b + c (Hestness et al. 2017) by least squares: for each exponent b the best a and c ≥ 0 are
    linear (variable projection), so a grid over b in ``b_range`` followed by a golden-section refinement finds
    the optimum of the three-parameter fit. Returns {a, b, c, rmse}."""
    n_arr = np.asarray(n, dtype=np.float64)
    y = np.asarray(error, dtype=np.float64)
    if len(n_arr) < 3 or len(n_arr) != len(y) or np.any(n_arr <= 0) or not np.all(np.isfinite(y)):
        raise LearningCurveError(f"Expected at least 3 points with positive sizes and finite errors but received {len(n_arr)}")
    lo, hi = b_range
    grid = np.linspace(lo, hi, 600)
    sse = [_fit_given_b(n_arr, y, b)[2] for b in grid]
    i = int(np.argmin(sse))
    left, right = grid[max(0, i - 1)], grid[min(len(grid) - 1, i + 1)]
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(100):
        m1 = right - ratio * (right - left)
        m2 = left + ratio * (right - left)
        if _fit_given_b(n_arr, y, m1)[2] <= _fit_given_b(n_arr, y, m2)[2]:
            right = m2
        else:
            left = m1
    b = (left + right) / 2
    a, c, s = _fit_given_b(n_arr, y, b)
    return {"a": a, "b": float(b), "c": c, "rmse": math.sqrt(s / len(y))}


def predict_size(fit: dict, target_error: float) -> tuple[float | None, str | None]:
    """The n at which a·n^b + c = target_error, or (None, why) when the fitted curve never gets there."""
    a, b, c = fit["a"], fit["b"], fit["c"]
    if not (a > 0 and b < 0):
        return None, f"the fitted curve does not decrease (a = {a:.4g}, b = {b:.4g})"
    if target_error <= c:
        return None, f"unreachable: the fitted asymptote c = {c:.4g} is at or above the target error {target_error:.4g}"
    n = ((target_error - c) / a) ** (1.0 / b)
    return (float(n), None) if math.isfinite(n) else (None, "the predicted size overflows")


def power_law(fit: dict, n: float) -> float:
    return fit["a"] * n ** fit["b"] + fit["c"]


# ---------------------------------------------------------------------------------------------------------------
# The plot


def chart_spec(points: list[dict], fit: dict, loss_fit: dict, title: str) -> dict:
    """Vega-Lite: 1 − AUC and log-loss against the training-set size (log axis), the measured points and the
    fitted power laws, extended to ten times the largest size; the dashed lines are the AUC 0.95 and 0.99 targets."""
    sizes = [p["images"] for p in points]
    lo, hi = min(sizes) / 1.5, max(sizes) * 10
    grid = [float(v) for v in np.geomspace(lo, hi, 80)]
    measured = [{"images": p["images"], "error": round(1 - p["referableAuc"], 4), "logLoss": p["logLoss"],
                 "fraction": f"{round(p['fraction'] * 100)} %"} for p in points]
    curve = [{"images": round(v, 2), "error": round(power_law(fit, v), 5), "logLoss": round(power_law(loss_fit, v), 5)} for v in grid]
    x = {"field": "images", "type": "quantitative", "title": "training photographs (log scale)", "scale": {"type": "log", "domain": [round(lo, 1), round(hi, 1)]}}

    def panel(field: str, axis_title: str, f: dict, targets: list[dict]) -> dict:
        label = f"fit {f['a']:.3g}·n^{f['b']:.3g} + {f['c']:.3g}"
        layers: list[dict] = [
            {"data": {"values": curve}, "mark": {"type": "line", "color": "#4c78a8"},
             "encoding": {"x": x, "y": {"field": field, "type": "quantitative", "title": axis_title}}},
            {"data": {"values": measured}, "mark": {"type": "point", "filled": True, "size": 70, "color": "#e45756"},
             "encoding": {"x": x, "y": {"field": field, "type": "quantitative"}, "tooltip": [{"field": "fraction"}, {"field": "images"}, {"field": field}]}},
            {"data": {"values": [{"label": label}]}, "mark": {"type": "text", "align": "right", "x": "width", "y": 8, "fontSize": 11, "color": "#4c78a8"},
             "encoding": {"text": {"field": "label"}}},
        ]
        if targets:
            layers.append({"data": {"values": targets}, "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#999"},
                           "encoding": {"y": {"field": field, "type": "quantitative"}}})
            layers.append({"data": {"values": targets}, "mark": {"type": "text", "align": "left", "x": 4, "dy": -6, "color": "#666"},
                           "encoding": {"y": {"field": field, "type": "quantitative"}, "text": {"field": "label"}}})
        return {"width": 340, "height": 260, "layer": layers}

    targets = [{"error": round(1 - v, 4), "label": f"AUC {v}"} for v in TARGET_AUCS.values()]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "hconcat": [panel("error", "out-of-fold referable error (1 − AUC)", fit, targets), panel("logLoss", "out-of-fold log-loss", loss_fit, [])],
    }


def render_chart(spec_path: str, svg_path: str, png_path: str) -> None:
    """SVG and PNG through ``drgrade render-chart`` (the project's own Vega renderer and sharp)."""
    node = shutil.which("node")
    launcher = os.path.join(REPO_ROOT, "bin", "drgrade.js")
    command = os.path.join(REPO_ROOT, "dist", "cli", "commands", "render-chart.js")
    if node is None:
        raise LearningCurveError("the plot is rendered by the TypeScript side, but node is not on PATH (install Node 20, or pass --no-render)")
    if not os.path.exists(command):
        raise LearningCurveError(f"the plot is rendered by the TypeScript side, but its build is missing: run `npx tsc -p tsconfig.build.json` in {REPO_ROOT} (or pass --no-render)")
    paths = [os.path.abspath(p) for p in (spec_path, svg_path, png_path)]  # node runs in the repository root
    done = subprocess.run([node, launcher, "render-chart", "--spec", paths[0], "--svg", paths[1], "--png", paths[2]],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise LearningCurveError(f"drgrade render-chart failed ({done.returncode}): {done.stderr.strip()[-400:]}")


# ---------------------------------------------------------------------------------------------------------------
# The command


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m drgrade_train learning-curve", description=__doc__.split("\n\n")[0])
    p.add_argument("--features", required=True, help="CSV from `drgrade fit-lesion-grading --export-features` (image, group, grade, fold, features…)")
    p.add_argument("--out", required=True, help="JSON to write; the plot goes beside it as <stem>.vl.json, .svg and .png")
    p.add_argument("--trainer", default="lesion", choices=("lesion", "cnn"),
                   help="what is trained: lesion = the lesion-based grade (multinomial logistic regression on the features); "
                        "cnn = the CNN recipe (train.py) on the prepared images, folds from the features CSV")
    p.add_argument("--fractions", default=",".join(str(f) for f in FRACTIONS), help="fractions of the training folds (default %(default)s)")
    p.add_argument("--repeats", type=int, help="subsets drawn per fraction below 1, averaged (default 3 for lesion, 1 for cnn)")
    p.add_argument("--seed", type=int, default=1, help="seed of the subsets (default %(default)s)")
    p.add_argument("--l2", type=float, default=0.05, help="L2 penalty (default %(default)s, as fit-lesion-grading)")
    p.add_argument("--iterations", type=int, default=3000, help="gradient steps per fit (default %(default)s, as multinomialLogistic.ts)")
    p.add_argument("--no-render", action="store_true", help="write the Vega-Lite spec only (no SVG/PNG; no node needed)")
    c = p.add_argument_group("--trainer cnn (a small, fast configuration of train.py by default)")
    c.add_argument("--prepared", help="folder from `drgrade prepare` (e.g. --kind enhanced --size 224)")
    c.add_argument("--kind", default="enhanced", choices=("original", "enhanced", "annotated"), help="image kind of --prepared (default %(default)s)")
    c.add_argument("--labels", help="labels CSV (IDRiD form), as for train.py")
    c.add_argument("--epochs", type=int, default=8, help="epochs per training (default %(default)s)")
    c.add_argument("--max-minutes", type=float, default=6.0, help="time budget per training (default %(default)s)")
    c.add_argument("--runs", help="folder of the runs (default <stem>-runs beside --out); finished runs are reused")
    c.add_argument("--train-args", default="", help="more train.py options, one string (e.g. '--threads 2 --arch compact')")
    return p


def _round_fit(fit: dict) -> dict:
    out = {"a": round(fit["a"], 6), "b": round(fit["b"], 6), "c": round(fit["c"], 6), "rmse": round(fit["rmse"], 6)}
    if fit["b"] < -2.99 or fit["b"] > -0.011:
        out["note"] = "the exponent b is at the edge of the searched range [-3, -0.01]: the points do not pin the curve down"
    if fit["c"] == 0.0:
        out["note"] = (out.get("note", "") + "; " if "note" in out else "") + "the asymptote c was clamped at 0 (the unconstrained fit put it below 0)"
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log = lambda m: sys.stderr.write(f"[learning-curve] {m}\n")  # noqa: E731
    try:
        fractions = [float(v) for v in args.fractions.split(",") if v.strip()]
        if len(fractions) < 3 or not all(0 < f <= 1 for f in fractions):
            raise LearningCurveError(f"Expected at least 3 fractions in (0, 1] for --fractions but received {args.fractions}")
        repeats = args.repeats if args.repeats is not None else (3 if args.trainer == "lesion" else 1)
        if repeats < 1:
            raise LearningCurveError(f"Expected --repeats >= 1 but received {repeats}")
        stem = args.out[:-5] if args.out.endswith(".json") else args.out
        table = read_features(args.features)
        log(f"{len(table.grades)} photographs, {len(table.feature_names)} features, {len(set(table.folds.tolist()))} outer folds")
        if args.trainer == "lesion":
            trainer = lesion_trainer(table, args.l2, args.iterations)
            described = "lesion-grade: class-balanced multinomial logistic regression on the lesion features (shared/grading/multinomialLogistic.ts)"
            caveat = ""
        else:
            if not args.prepared or not args.labels:
                raise LearningCurveError("Expected --prepared and --labels with --trainer cnn but received " + ("neither" if not (args.prepared or args.labels) else "only one"))
            train_args = ["--prepared", os.path.abspath(args.prepared), "--kind", args.kind, "--labels", os.path.abspath(args.labels),
                          "--epochs", str(args.epochs), "--max-minutes", str(args.max_minutes), *shlex.split(args.train_args)]
            trainer = cnn_trainer(table, os.path.abspath(args.runs or f"{stem}-runs"), train_args, log)
            described = f"cnn: training/drgrade_train/train.py on {args.kind} images, {args.epochs} epochs, at most {args.max_minutes} min per training {args.train_args}".strip()
            caveat = (" train.py picks its epoch and fits its temperature on its validation split, which here is the outer fold, "
                      "so the CNN's figures are somewhat optimistic (the log-loss more than the AUC).")
        points = run_study(table, trainer, fractions, repeats, args.seed, log)
        sizes = [p["images"] for p in points]
        fit = fit_power_law(sizes, [1 - p["referableAuc"] for p in points])
        loss_fit = fit_power_law(sizes, [p["logLoss"] for p in points])
        predicted: dict[str, float | None | str] = {}
        reasons: list[str] = []
        for key, auc in TARGET_AUCS.items():
            size, why = predict_size(fit, 1 - auc)
            predicted[key] = None if size is None else round(size)
            if why:
                reasons.append(f"AUC {auc}: {why}")
        if reasons:
            predicted["reason"] = "; ".join(reasons)
        # How firmly the points pin the curve down: the same fit on each repeat's points alone (100 % is shared).
        by_repeat = []
        for r in range(repeats if len(points) > 0 else 0):
            errors = [1 - p["referableAucByRepeat"][min(r, p["repeats"] - 1)] for p in points]
            f = fit_power_law(sizes, errors)
            sizes_r = {key: predict_size(f, 1 - auc)[0] for key, auc in TARGET_AUCS.items()}
            by_repeat.append({"a": round(f["a"], 6), "b": round(f["b"], 6), "c": round(f["c"], 6)} | {k: None if v is None else round(v) for k, v in sizes_r.items()})
        out = {
            "schemaVersion": 1,
            "kind": "learning-curve",
            "trainer": described,
            "command": "python -m drgrade_train learning-curve " + " ".join(os.path.basename(a) if os.path.isabs(a) else a for a in (argv if argv is not None else sys.argv[1:])),
            "photographs": int(len(table.grades)),
            "features": len(table.feature_names),
            "folds": len(set(table.folds.tolist())),
            "repeats": repeats,
            "seed": args.seed,
            **({"l2": args.l2} if args.trainer == "lesion" else {}),
            "method": ("Out-of-fold: each outer fold is predicted by a model trained on the given fraction of the other folds "
                       "(subsets stratified by grade, nested, drawn with the seed per fold and repeat); figures are the mean of "
                       "the repeats (100 %: one run). Power law error = a·n^b + c (Hestness et al. 2017) fitted by least squares "
                       "with c >= 0 to 1 − referable AUC (fit) and to the five-class log-loss (logLossFit); n = mean training "
                       "photographs per fold. fitByRepeat: the same fit on each repeat's points alone, a measure of how well "
                       "the points determine the curve." + caveat),
            "points": [{k: p[k] for k in ("fraction", "images", "referableAuc", "logLoss")} | {k: v for k, v in p.items() if k not in ("fraction", "images", "referableAuc", "logLoss")} for p in points],
            "fit": _round_fit(fit) | {"error": "1 - referable AUC"},
            "logLossFit": _round_fit(loss_fit),
            "predictedImages": predicted,
            "fitByRepeat": by_repeat,
            "researchUseOnly": True,
        }
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(out, indent=2) + "\n")
        spec_path = f"{stem}.vl.json"
        what = "the lesion-based grade" if args.trainer == "lesion" else "the CNN"
        title = f"Learning curve of {what} ({out['photographs']} photographs, {out['folds']}-fold out-of-fold)"
        with open(spec_path, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(chart_spec(points, fit, loss_fit, title), indent=2) + "\n")
        if not args.no_render:
            render_chart(spec_path, f"{stem}.svg", f"{stem}.png")
        log(f"fit 1 − AUC = {fit['a']:.4g}·n^{fit['b']:.4g} + {fit['c']:.4g}; predicted images {predicted}")
        log(f"wrote {args.out}" + ("" if args.no_render else f", {stem}.vl.json, .svg, .png"))
    except LearningCurveError as error:
        sys.stderr.write(f"learning-curve: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
