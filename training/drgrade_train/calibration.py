"""Temperature scaling and the referable-DR operating points, both fitted on the validation split."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .metrics import binary_rates, nll, softmax


def fit_temperature(logits: np.ndarray, grades: np.ndarray, lo: float = 0.05, hi: float = 20.0,
                    iterations: int = 80) -> float:
    """The temperature T minimising the validation NLL of softmax(logits / T) (Guo et al., 2017, "On Calibration of
    Modern Neural Networks"), by golden-section search on log T. The NLL is unimodal in T for a fixed set of logits
    in practice, and a 1-D search needs no autograd and cannot diverge like LBFGS on 80 images sometimes does."""
    g = np.asarray(grades, int)
    if len(g) == 0:
        return 1.0

    def f(log_t: float) -> float:
        return nll(softmax(logits, math.exp(log_t)), g)

    a, b = math.log(lo), math.log(hi)
    phi = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = b - phi * (b - a), a + phi * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - phi * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + phi * (b - a)
            fd = f(d)
    t = math.exp((a + b) / 2.0)
    # Never worse than no calibration.
    return t if f(math.log(t)) <= f(0.0) else 1.0


@dataclass(frozen=True)
class OperatingPoint:
    """A referable-DR threshold on P(grade >= 2) and its validation rates."""

    name: str
    threshold: float
    sensitivity: float | None
    specificity: float | None
    #: Whether the point reached its target on validation (always true for 'balanced').
    reached: bool

    def to_manifest(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "threshold": self.threshold}
        if self.sensitivity is not None:
            out["sensitivity"] = self.sensitivity
        if self.specificity is not None:
            out["specificity"] = self.specificity
        return out


def candidate_thresholds(score: np.ndarray) -> np.ndarray:
    """Midpoints between consecutive distinct scores, plus one below the lowest and one above the highest: a
    threshold in the middle of a gap generalises better than one sitting on a validation score."""
    s = np.unique(np.asarray(score, dtype=np.float64))
    if len(s) == 0:
        return np.array([0.5])
    mids = (s[:-1] + s[1:]) / 2.0
    return np.concatenate([[s[0] / 2.0], mids, [(s[-1] + 1.0) / 2.0]])


def operating_points(y_true: np.ndarray, score: np.ndarray, target_sensitivity: float = 0.90,
                     target_specificity: float = 0.90) -> list[OperatingPoint]:
    """'high_sensitivity' (the most specific threshold with sensitivity >= target), 'balanced' (Youden's J =
    sensitivity + specificity - 1 at its maximum; Youden, 1950) and 'high_specificity' (the most sensitive threshold
    with specificity >= target). When a target cannot be reached, the point closest to it is kept and marked."""
    y = np.asarray(y_true).astype(bool)
    rows = []
    for t in candidate_thresholds(score):
        r = binary_rates(y, score, float(t))
        rows.append((float(t), r["sensitivity"], r["specificity"]))

    def val(v: float | None) -> float:
        return -1.0 if v is None else float(v)

    def pick(primary_ok, key) -> tuple[tuple[float, float | None, float | None], bool]:
        ok = [r for r in rows if primary_ok(r)]
        if ok:
            return max(ok, key=key), True
        return max(rows, key=key), False

    hs, hs_ok = pick(lambda r: val(r[1]) >= target_sensitivity, lambda r: (val(r[2]), val(r[1]), r[0]))
    sp, sp_ok = pick(lambda r: val(r[2]) >= target_specificity, lambda r: (val(r[1]), val(r[2]), -r[0]))
    if not hs_ok:
        hs = max(rows, key=lambda r: (val(r[1]), val(r[2])))
    if not sp_ok:
        sp = max(rows, key=lambda r: (val(r[2]), val(r[1])))
    youden = max(rows, key=lambda r: (val(r[1]) + val(r[2]), -abs(r[0] - 0.5)))
    return [
        OperatingPoint("high_sensitivity", hs[0], hs[1], hs[2], hs_ok),
        OperatingPoint("balanced", youden[0], youden[1], youden[2], True),
        OperatingPoint("high_specificity", sp[0], sp[1], sp[2], sp_ok),
    ]
