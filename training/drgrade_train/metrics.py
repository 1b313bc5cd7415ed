"""Validation metrics in plain numpy (no scikit-learn on the Debian image)."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .constants import BINARY_TASKS, NUM_CLASSES, REFERABLE_FROM


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of logits / temperature, in float64."""
    z = np.asarray(logits, dtype=np.float64) / float(temperature)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def referable_probability(probs: np.ndarray) -> np.ndarray:
    """P(grade >= 2): the sum of the calibrated probabilities of grades 2–4 (gradeTable.ts referableProbability)."""
    return np.asarray(probs)[:, REFERABLE_FROM:].sum(axis=1)


def _average_ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=np.float64)
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def roc_auc(y_true: Sequence[int] | np.ndarray, score: Sequence[float] | np.ndarray) -> float | None:
    """Area under the ROC curve via the Mann–Whitney U statistic (ties count one half); None without both
    classes."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(score, dtype=np.float64)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = _average_ranks(s)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def bootstrap_auc_ci(
    y_true: np.ndarray, score: np.ndarray, rounds: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the AUC, resampling positives and negatives separately (stratified)."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(score, dtype=np.float64)
    pos, neg = s[y], s[~y]
    if len(pos) == 0 or len(neg) == 0:
        return None
    rng = np.random.default_rng(seed)
    aucs = np.empty(rounds)
    labels = np.concatenate([np.ones(len(pos), bool), np.zeros(len(neg), bool)])
    for r in range(rounds):
        sample = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        aucs[r] = roc_auc(labels, sample)  # type: ignore[assignment]
    lo, hi = np.quantile(aucs, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def binary_rates(y_true: np.ndarray, score: np.ndarray, threshold: float) -> dict[str, float | int | None]:
    """Sensitivity, specificity, accuracy and counts for the decision score >= threshold."""
    y = np.asarray(y_true).astype(bool)
    pred = np.asarray(score) >= threshold
    tp = int((pred & y).sum())
    tn = int((~pred & ~y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    n = len(y)
    return {
        "sensitivity": tp / (tp + fn) if tp + fn else None,
        "specificity": tn / (tn + fp) if tn + fp else None,
        "accuracy": (tp + tn) / n if n else None,
        "tp": tp, "tn": tn, "fp": fp, "fn": fn,
    }


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, k: int = NUM_CLASSES) -> np.ndarray:
    """k x k counts, rows = truth, columns = prediction."""
    m = np.zeros((k, k), dtype=np.int64)
    for t, p in zip(np.asarray(y_true, int), np.asarray(y_pred, int)):
        m[t, p] += 1
    return m


def quadratic_kappa(y_true: np.ndarray, y_pred: np.ndarray, k: int = NUM_CLASSES) -> float | None:
    """Cohen's kappa with quadratic weights w_ij = (i - j)^2 / (k - 1)^2 (Cohen, 1968)."""
    o = confusion_matrix(y_true, y_pred, k).astype(np.float64)
    n = o.sum()
    if n == 0:
        return None
    e = np.outer(o.sum(axis=1), o.sum(axis=0)) / n
    idx = np.arange(k)
    w = (idx[:, None] - idx[None, :]) ** 2 / float((k - 1) ** 2)
    denom = (w * e).sum()
    if denom == 0:
        return None
    return float(1.0 - (w * o).sum() / denom)


def binary_task_aucs(grades: np.ndarray, probs: np.ndarray) -> dict[str, float | None]:
    """AUCs of the reference system's three binary tasks. Each task keeps only the photographs of its grades and
    scores them with P(positive grades) / P(negative or positive grades), the probability conditioned on the task."""
    out: dict[str, float | None] = {}
    g = np.asarray(grades, int)
    for name, (neg, pos) in BINARY_TASKS.items():
        keep = np.isin(g, neg + pos)
        if not keep.any():
            out[name] = None
            continue
        p = probs[keep]
        num = p[:, list(pos)].sum(axis=1)
        den = num + p[:, list(neg)].sum(axis=1)
        score = num / np.maximum(den, 1e-12)
        out[name] = roc_auc(np.isin(g[keep], pos), score)
    return out


def nll(probs: np.ndarray, grades: np.ndarray) -> float:
    """Mean negative log-likelihood of the true grades."""
    p = np.asarray(probs)[np.arange(len(grades)), np.asarray(grades, int)]
    return float(-np.mean(np.log(np.clip(p, 1e-12, 1.0))))


def expected_calibration_error(y_true: np.ndarray, score: np.ndarray, bins: int = 10) -> float:
    """ECE of a binary probability over equal-width bins (Guo et al., 2017, "On Calibration of Modern Neural
    Networks")."""
    y = np.asarray(y_true, dtype=np.float64)
    s = np.asarray(score, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for i in range(bins):
        m = (s >= edges[i]) & ((s < edges[i + 1]) if i < bins - 1 else (s <= edges[i + 1]))
        if m.any():
            total += m.sum() / len(s) * abs(y[m].mean() - s[m].mean())
    return float(total)


def finite_or_none(v: float | None) -> float | None:
    """JSON has no NaN: undefined metrics become null."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return float(v)
