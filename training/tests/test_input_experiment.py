"""Tests of the out-of-fold input experiment's figures (drgrade_train/input_experiment.py); numpy only.

    /usr/bin/python3 training/tests/test_input_experiment.py

Also runs under pytest.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from drgrade_train.input_experiment import (  # noqa: E402
    Folds,
    InputExperimentError,
    collect,
    cross_fold_thresholds,
    paired_auc_difference,
    sensitivity_threshold,
    summarize,
)


class SensitivityThreshold(unittest.TestCase):
    def test_highest_threshold_meeting_the_target(self) -> None:
        y = np.array([1, 1, 1, 1, 0, 0], bool)
        s = np.array([0.9, 0.8, 0.7, 0.2, 0.5, 0.1])
        # 3 of 4 positives (0.75) need t <= 0.7; all 4 need t <= 0.2.
        self.assertEqual(sensitivity_threshold(y, s, 0.75), 0.7)
        self.assertEqual(sensitivity_threshold(y, s, 0.76), 0.2)
        self.assertEqual(sensitivity_threshold(y, s, 1.0), 0.2)

    def test_cross_fold_threshold_never_sees_its_fold(self) -> None:
        y = np.array([1, 1, 0, 1, 1, 0], bool)
        s = np.array([0.9, 0.8, 0.1, 0.3, 0.2, 0.05])
        folds = np.array([0, 0, 0, 1, 1, 1])
        t = cross_fold_thresholds(y, s, folds, 1.0)
        self.assertEqual(t[0], 0.2)  # chosen on fold 1 only
        self.assertEqual(t[1], 0.8)  # chosen on fold 0 only

    def test_no_positives_is_an_error(self) -> None:
        with self.assertRaises(InputExperimentError):
            sensitivity_threshold(np.zeros(3, bool), np.array([0.1, 0.2, 0.3]), 0.9)


class Summary(unittest.TestCase):
    def test_perfect_and_figures_at_the_cross_fold_point(self) -> None:
        grades = np.array([0, 0, 1, 2, 3, 4, 0, 1, 2, 4])
        folds = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        probs = np.eye(5)[grades] * 0.9 + 0.02
        r = summarize(grades, probs, folds, target=0.95)
        self.assertEqual(r["referableAuc"], 1.0)
        self.assertEqual(r["operatingPoint"]["sensitivity"], 1.0)
        self.assertEqual(r["operatingPoint"]["specificity"], 1.0)
        self.assertAlmostEqual(r["quadraticKappa"], 1.0)
        self.assertEqual(r["binaryTaskAuc"], {k: 1.0 for k in r["binaryTaskAuc"]})

    def test_a_fold_with_a_lower_score_scale_is_missed_at_the_other_folds_threshold(self) -> None:
        # Fold 1's scores are all below fold 0's: the threshold from fold 0 rejects fold 1's referable photographs,
        # which a threshold chosen on fold 1 itself would not.
        grades = np.array([0, 3, 3, 0, 3, 3])
        folds = np.array([0, 0, 0, 1, 1, 1])
        ref = np.array([0.6, 0.9, 0.8, 0.1, 0.3, 0.2])
        probs = np.stack([1 - ref, np.zeros(6), np.zeros(6), ref, np.zeros(6)], axis=1)
        r = summarize(grades, probs, folds, target=1.0)
        self.assertEqual(r["operatingPoint"]["thresholdsByFold"], [0.2, 0.8])
        self.assertEqual(r["operatingPoint"]["sensitivity"], 0.5)  # fold 0 both found, fold 1 none
        self.assertEqual(r["operatingPoint"]["specificity"], 0.5)


class PairedDifference(unittest.TestCase):
    def test_difference_and_an_interval_around_it(self) -> None:
        rng = np.random.default_rng(3)
        y = np.arange(200) % 2 == 0
        good = y + rng.normal(0, 0.5, 200)
        weak = y + rng.normal(0, 2.0, 200)
        d = paired_auc_difference(y, good, weak, rounds=300)
        self.assertGreater(d["difference"], 0.1)
        self.assertLess(d["ci95"][0], d["difference"])
        self.assertGreater(d["ci95"][1], d["difference"])
        self.assertGreater(d["ci95"][0], 0.0)

    def test_same_scores_give_exactly_zero(self) -> None:
        y = np.array([1, 0, 1, 0, 1], bool)
        s = np.array([0.9, 0.2, 0.4, 0.5, 0.7])
        self.assertEqual(paired_auc_difference(y, s, s, rounds=50), {"difference": 0.0, "ci95": [0.0, 0.0]})


class Collect(unittest.TestCase):
    def _write(self, path: str, rows: list[tuple[str, list[float]]]) -> None:
        labels = ["no_dr", "mild_npdr", "moderate_npdr", "severe_npdr", "proliferative_dr"]
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["stem", "grade", *[f"p_{l}" for l in labels], "referable_probability", *[f"logit_{l}" for l in labels]])
            for stem, z in rows:
                w.writerow([stem, 0, 0.9, 0.1, 0, 0, 0, 0.0, *z])

    def test_uses_logits_of_the_fold_that_held_the_photograph_out(self) -> None:
        table = Folds(["a", "b"], ["a", "b"], np.array([0, 3]), np.array([0, 1]))
        with tempfile.TemporaryDirectory() as d:
            f0, f1 = os.path.join(d, "0.csv"), os.path.join(d, "1.csv")
            self._write(f0, [("a", [0, 0, 0, 0, 0]), ("b", [9, 0, 0, 0, 0])])  # b is not fold 0's: ignored
            self._write(f1, [("b", [0, 0, 0, float(np.log(4)), 0])])
            probs = collect(table, {0: f0, 1: f1})
        np.testing.assert_allclose(probs[0], np.full(5, 0.2))
        np.testing.assert_allclose(probs[1], [0.125, 0.125, 0.125, 0.5, 0.125])

    def test_a_photograph_without_prediction_is_an_error(self) -> None:
        table = Folds(["a", "b"], ["a", "b"], np.array([0, 3]), np.array([0, 1]))
        with tempfile.TemporaryDirectory() as d:
            f0 = os.path.join(d, "0.csv")
            self._write(f0, [("a", [0, 0, 0, 0, 0])])
            with self.assertRaises(InputExperimentError):
                collect(table, {0: f0, 1: f0})


if __name__ == "__main__":
    unittest.main()
