"""Tests of the learning-curve study (drgrade_train/learning_curve.py); no data needed, numpy only.

    /usr/bin/python3 training/tests/test_learning_curve.py

Also runs under pytest.
"""

from __future__ import annotations

import math
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from drgrade_train.learning_curve import (  # noqa: E402
    fit_lesion_grading,
    fit_power_law,
    nested_order,
    power_law,
    predict_multinomial_logistic,
    predict_size,
    subset_groups,
)


class PowerLawFit(unittest.TestCase):
    def test_recovers_exact_parameters(self) -> None:
        n = np.array([33.0, 66.0, 132.0, 231.0, 330.0])
        y = 1.8 * n ** -0.55 + 0.04
        fit = fit_power_law(n, y)
        self.assertAlmostEqual(fit["a"], 1.8, places=3)
        self.assertAlmostEqual(fit["b"], -0.55, places=4)
        self.assertAlmostEqual(fit["c"], 0.04, places=4)
        self.assertLess(fit["rmse"], 1e-6)

    def test_recovers_parameters_from_noisy_points(self) -> None:
        rng = np.random.default_rng(3)
        n = np.geomspace(20, 20000, 10)
        truth = 2.0 * n ** -0.5 + 0.02
        y = truth * (1 + 0.01 * rng.standard_normal(len(n)))  # 1 % noise
        fit = fit_power_law(n, y)
        self.assertAlmostEqual(fit["b"], -0.5, delta=0.05)
        self.assertAlmostEqual(fit["a"], 2.0, delta=0.35)
        self.assertAlmostEqual(fit["c"], 0.02, delta=0.005)

    def test_clamps_the_asymptote_at_zero(self) -> None:
        n = np.array([10.0, 30.0, 100.0, 300.0, 1000.0])
        y = 3.0 * n ** -0.7 - 0.003  # the unconstrained best asymptote would be negative
        fit = fit_power_law(n, y)
        self.assertEqual(fit["c"], 0.0)
        self.assertLess(fit["b"], -0.7)
        self.assertLess(fit["rmse"], 0.003)

    def test_rejects_too_few_points(self) -> None:
        with self.assertRaises(Exception):
            fit_power_law([10, 20], [0.3, 0.2])


class PredictedSize(unittest.TestCase):
    def test_inverts_the_fit(self) -> None:
        fit = {"a": 1.8, "b": -0.55, "c": 0.04}
        for target in (0.05, 0.08, 0.2):
            n, why = predict_size(fit, target)
            self.assertIsNone(why)
            assert n is not None
            self.assertAlmostEqual(power_law(fit, n), target, places=9)

    def test_inverts_a_fitted_curve(self) -> None:
        n_points = np.array([33.0, 66.0, 132.0, 231.0, 330.0])
        fit = fit_power_law(n_points, 1.8 * n_points ** -0.55 + 0.04)
        n, _ = predict_size(fit, 0.05)
        assert n is not None
        self.assertAlmostEqual(n, (0.01 / 1.8) ** (1 / -0.55), delta=n * 1e-3)

    def test_unreachable_below_the_asymptote(self) -> None:
        n, why = predict_size({"a": 1.0, "b": -0.5, "c": 0.03}, 0.01)
        self.assertIsNone(n)
        assert why is not None
        self.assertIn("asymptote", why)
        n, why = predict_size({"a": 1.0, "b": -0.5, "c": 0.01}, 0.01)
        self.assertIsNone(n)

    def test_a_flat_curve_predicts_nothing(self) -> None:
        n, why = predict_size({"a": 0.0, "b": -0.5, "c": 0.0}, 0.05)
        self.assertIsNone(n)
        self.assertIsNotNone(why)


class Subsets(unittest.TestCase):
    def test_nested_and_stratified(self) -> None:
        groups = [f"g{i}" for i in range(100)]
        grades = np.array([i % 5 for i in range(100)])
        order = nested_order(groups, grades, np.random.default_rng(7))
        previous: set[str] = set()
        for fraction in (0.1, 0.2, 0.4, 0.7, 1.0):
            keep = subset_groups(order, fraction)
            self.assertTrue(previous <= keep)
            per_grade = [sum(1 for g in keep if int(g[1:]) % 5 == k) for k in range(5)]
            self.assertEqual(per_grade, [round(fraction * 20)] * 5)
            previous = keep
        self.assertEqual(len(previous), 100)

    def test_same_seed_same_subset(self) -> None:
        groups = [f"g{i}" for i in range(50)]
        grades = np.array([i % 3 for i in range(50)])
        a = subset_groups(nested_order(groups, grades, np.random.default_rng([1, 2, 0])), 0.2)
        b = subset_groups(nested_order(groups, grades, np.random.default_rng([1, 2, 0])), 0.2)
        c = subset_groups(nested_order(groups, grades, np.random.default_rng([1, 2, 1])), 0.2)
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)


class LesionGradeModel(unittest.TestCase):
    def test_learns_a_separable_grade(self) -> None:
        rng = np.random.default_rng(0)
        grades = np.repeat(np.arange(5), 30)
        x = rng.standard_normal((150, 4)) * 0.3 + grades[:, None] * np.array([1.0, 0.5, 0.0, 0.0])
        model = fit_lesion_grading(x, grades, iterations=500)
        p = predict_multinomial_logistic(model, x)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
        self.assertGreater(float((p.argmax(axis=1) == grades).mean()), 0.8)
        self.assertTrue(all(math.isfinite(v) for v in model.weights.ravel()))


if __name__ == "__main__":
    unittest.main()
