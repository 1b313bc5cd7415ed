"""Unit tests of the landmark recipe (training/drgrade_train/landmark_data.py, landmark_model.py):

    /usr/bin/python3 training/tests/test_landmark_data.py

Also runs under pytest. Needs torch and numpy; a few seconds.
"""

from __future__ import annotations

import math
import os
import sys
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from drgrade_train.landmark_data import LandmarkAugmenter, LandmarkSample, heatmap_targets, landmark_folds  # noqa: E402
from drgrade_train.landmark_model import INPUT_PX, MAP_PX, LandmarkNet, decode, standardise  # noqa: E402


def _sample(disc: tuple[int, int] = (60, 120), fovea: tuple[int, int] = (150, 130)) -> LandmarkSample:
    """A grey retina (radius 123 px, a ramp from 70 to 170 left to right) with a white 5 x 5 square on the disc and
    a black one on the fovea."""
    img = np.zeros((3, INPUT_PX, INPUT_PX), np.uint8)
    yy, xx = np.mgrid[0:INPUT_PX, 0:INPUT_PX]
    inside = (xx + 0.5 - 128) ** 2 + (yy + 0.5 - 128) ** 2 <= 123 ** 2
    img[:, inside] = (70 + xx[inside] * 100 // INPUT_PX).astype(np.uint8)
    img[:, disc[1] - 2: disc[1] + 3, disc[0] - 2: disc[0] + 3] = 255
    img[:, fovea[1] - 2: fovea[1] + 3, fovea[0] - 2: fovea[0] + 3] = 40
    # Positions in continuous pixels: the squares' centres are at pixel centre + 0.5.
    return LandmarkSample("T_1", img, (disc[0] + 0.5, disc[1] + 0.5), (fovea[0] + 0.5, fovea[1] + 0.5), 18.0, 123.0, {})


class AugmenterTest(unittest.TestCase):
    def test_points_follow_the_pixels(self) -> None:
        """After zoom, rotation, mirror and shift the white square is where the disc point went (the colour changes
        keep it the brightest)."""
        aug = LandmarkAugmenter([_sample()], seed=3)
        checked = 0
        for _ in range(6):
            x, pts, present = aug.batch(8)
            for i in range(8):
                if not present[i, 0]:
                    continue
                lum = x[i].float().sum(0)
                ys, xs = torch.nonzero(lum >= 0.95 * lum.max(), as_tuple=True)
                centre = (float(xs.float().mean()) + 0.5, float(ys.float().mean()) + 0.5)
                self.assertLess(math.dist(centre, pts[i, 0].tolist()), 1.5)
                checked += 1
        self.assertGreater(checked, 20)

    def test_points_outside_the_new_field_are_absent(self) -> None:
        aug = LandmarkAugmenter([_sample(disc=(12, 128))], seed=1)  # the disc at the rim: zooms cut it off
        _, pts, present = aug.batch(64)
        r = np.hypot(pts[:, 0, 0].numpy() - 128, pts[:, 0, 1].numpy() - 128)
        self.assertTrue(bool((~present[:, 0]).any()))
        self.assertTrue(np.all(r[present[:, 0].numpy()] <= 123 * 0.98 + 1e-3))

    def test_no_augmentation_returns_the_image(self) -> None:
        s = _sample()
        x, pts, present = LandmarkAugmenter([s], seed=0, augment=False).batch(2)
        self.assertTrue(torch.equal(x[0], torch.from_numpy(s.image)))
        self.assertEqual(pts[0].tolist(), [list(s.disc), list(s.fovea)])
        self.assertTrue(bool(present.all()))


class TargetsTest(unittest.TestCase):
    def test_gaussian_or_absent(self) -> None:
        pts = torch.tensor([[[130.0, 66.0], [10.0, 10.0]]])
        t = heatmap_targets(pts, torch.tensor([[True, False]]))
        self.assertEqual(tuple(t.shape), (1, 2, MAP_PX * MAP_PX + 1))
        self.assertAlmostEqual(float(t[0, 0].sum()), 1.0, places=5)
        self.assertEqual(float(t[0, 0, -1]), 0.0)
        # (130, 66) px = cell (32, 16) at stride 4 (its centre is 130 / 4 - 0.5 = 32.0, 66 / 4 - 0.5 = 16.0).
        self.assertEqual(int(torch.argmax(t[0, 0, :-1])), 16 * MAP_PX + 32)
        self.assertEqual(float(t[0, 1, -1]), 1.0)
        self.assertEqual(float(t[0, 1, :-1].sum()), 0.0)


class DecodeTest(unittest.TestCase):
    def test_weighted_centre_and_mass(self) -> None:
        m = torch.zeros(MAP_PX, MAP_PX)
        m[10, 20] = 0.5
        m[10, 21] = 0.25
        m[40, 40] = 0.1  # outside the window
        d = decode(m, 0.15)
        self.assertAlmostEqual(d["x"], (20 + 1 / 3 + 0.5) * 4, places=6)
        self.assertAlmostEqual(d["y"], (10 + 0.5) * 4, places=6)
        self.assertAlmostEqual(d["mass"], 0.75, places=6)
        self.assertEqual(d["absent"], 0.15)


class ModelTest(unittest.TestCase):
    def test_standardise_removes_channel_gains(self) -> None:
        """A camera's white balance (a gain per channel) does not reach the network."""
        s = _sample()
        x = torch.from_numpy(s.image).unsqueeze(0).float()
        tinted = (x * torch.tensor([1.3, 0.6, 0.9]).view(1, 3, 1, 1)).round()
        a, b = standardise(x), standardise(tinted)
        self.assertLess(float((a - b).abs().max()), 0.05)
        self.assertEqual(float(a[0, :, 0, 0].abs().sum()), 0.0)  # outside the field of view

    def test_outputs_are_one_softmax_per_landmark(self) -> None:
        torch.manual_seed(0)
        with torch.no_grad():
            maps, absent = LandmarkNet().eval()(torch.from_numpy(_sample().image).unsqueeze(0))
        self.assertEqual(tuple(maps.shape), (1, 2, MAP_PX, MAP_PX))
        np.testing.assert_allclose((maps.sum(dim=(2, 3)) + absent).numpy(), np.ones((1, 2)), atol=1e-5)


class FoldsTest(unittest.TestCase):
    def test_contiguous_folds(self) -> None:
        stems = [f"IDRiD_{i:03d}" for i in range(10, 0, -1)]
        f = landmark_folds(stems, 5)
        self.assertEqual([f[f"IDRiD_{i:03d}"] for i in range(1, 11)], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])


if __name__ == "__main__":
    unittest.main()
