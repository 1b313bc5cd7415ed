"""Unit tests of the lesion recipe's patch sampler (training/drgrade_train/lesion_data.py):

    /usr/bin/python3 training/tests/test_lesion_data.py

Also runs under pytest. Needs torch, numpy and Pillow; a few seconds.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from drgrade_train.lesion_data import (LesionImage, PatchSampler, density_weights, jpeg_roundtrip,  # noqa: E402
                                      lesion_folds, read_prepared_lesions)
from drgrade_train.lesion_model import LESION_CODES  # noqa: E402


def _image(side: int = 200) -> LesionImage:
    """A grey disc with one exudate speck of 1 pixel at (20, 100) and a 12 x 12 plaque at (150..161, 150..161)."""
    rgb = np.full((side, side, 3), 128, np.uint8)
    masks = np.zeros((len(LESION_CODES), side, side), np.uint8)
    ex = LESION_CODES.index("EX")
    masks[ex, 20, 100] = 255
    masks[ex, 150:162, 150:162] = 255
    return LesionImage("T_1", rgb, masks, (side / 2, side / 2, side / 2 - 2))


class DensityWeightsTest(unittest.TestCase):
    def test_exact_weights(self) -> None:
        m = np.zeros((40, 40), np.uint8)
        m[2, 2] = 255            # alone in its 5 x 5 box
        m[30:32, 30:32] = 255    # 4 pixels, each sees all 4
        w = density_weights(m, box=5)
        self.assertEqual(w.shape, (5,))
        np.testing.assert_allclose(w, [1.0, 0.25, 0.25, 0.25, 0.25])

    def test_box_is_clipped_at_the_border_and_counts_neighbours_of_other_blobs(self) -> None:
        m = np.zeros((10, 10), np.uint8)
        m[0, 0] = 255
        m[0, 2] = 255
        np.testing.assert_allclose(density_weights(m, box=5), [0.5, 0.5])
        np.testing.assert_allclose(density_weights(m, box=3), [1.0, 1.0])

    def test_a_speck_weighs_as_much_as_a_plaque(self) -> None:
        im = _image()
        w = density_weights(im.masks[LESION_CODES.index("EX")])
        self.assertAlmostEqual(float(w[0]), 1.0)
        self.assertAlmostEqual(float(w[1:].sum()), 1.0, places=12)


class SamplerTest(unittest.TestCase):
    def _speck_share(self, balance: str) -> float:
        s = PatchSampler([_image()], patch=32, lesion_fraction=1.0, seed=3, balance=balance,
                         class_weights=(0.25, 0.25, 0.25, 0.25))
        hits = [s._centre(0) for _ in range(2000)]
        return sum(1 for y, x in hits if (y, x) == (20, 100)) / len(hits)

    def test_density_balance_draws_the_speck_half_the_time(self) -> None:
        self.assertGreater(self._speck_share("density"), 0.4)
        self.assertLess(self._speck_share("density"), 0.6)

    def test_pixel_balance_draws_it_by_area(self) -> None:
        self.assertLess(self._speck_share("pixel"), 0.03)

    def test_options_are_checked(self) -> None:
        with self.assertRaisesRegex(ValueError, "balance"):
            PatchSampler([_image()], balance="component")
        with self.assertRaisesRegex(ValueError, "camera"):
            PatchSampler([_image()], camera="dark")

    def test_batches_keep_shapes_range_and_the_outside_black(self) -> None:
        for camera in ("wide", "narrow"):
            s = PatchSampler([_image()], patch=64, seed=1, camera=camera)
            x, y = s.sample(6)
            self.assertEqual(tuple(x.shape), (6, 3, 64, 64))
            self.assertEqual(tuple(y.shape), (6, len(LESION_CODES), 32, 32))
            self.assertGreaterEqual(float(x.min()), 0.0)
            self.assertLessEqual(float(x.max()), 255.0)
            self.assertTrue(torch.equal(x, x.round()))

    def test_wide_camera_reaches_lower_contrast_than_narrow(self) -> None:
        def spreads(camera: str) -> list[float]:
            s = PatchSampler([_image()], patch=32, seed=5, camera=camera)
            ramp = torch.linspace(64, 192, 32)[None, None, :].expand(3, 32, 32).clone()
            return [float(s._recolour(ramp).std()) for _ in range(300)]
        # Seeded: 5th percentiles 18.9 (wide) and 25.8 (narrow); equal ranges would give a ratio near 1.
        self.assertLess(np.percentile(spreads("wide"), 5), 0.8 * np.percentile(spreads("narrow"), 5))

    def test_jpeg_roundtrip_changes_a_texture_but_keeps_it_close(self) -> None:
        g = torch.Generator().manual_seed(0)
        x = (128 + 40 * torch.randn(3, 48, 48, generator=g)).clamp(0, 255).round()
        y = jpeg_roundtrip(x, 40)
        self.assertEqual(tuple(y.shape), (3, 48, 48))
        self.assertGreater(float((y - x).abs().mean()), 1.0)
        self.assertLess(float((y - x).abs().mean()), 40.0)


class JpegVariantTest(unittest.TestCase):
    """Entries of `prepare-lesions --jpeg`: read with their group, kept in their original's fold, drawn half the
    time in place of the original."""

    def _folder(self, root: str) -> None:
        from PIL import Image
        for stem, extra in (("A_1", {}), ("A_1@q40", {"variantOf": "A_1", "jpegQuality": 40}), ("B_2", {})):
            Image.fromarray(np.full((16, 16, 3), 128, np.uint8)).save(os.path.join(root, f"{stem}.enhanced.png"))
            for c in LESION_CODES:
                Image.fromarray(np.zeros((16, 16), np.uint8)).save(os.path.join(root, f"{stem}.{c}.png"))
            with open(os.path.join(root, f"{stem}.json"), "w", encoding="utf-8") as fh:
                json.dump({"stem": stem, "side": 16, "circle": {"cx": 8, "cy": 8, "radius": 7}, **extra}, fh)

    def test_variants_are_read_with_their_group_and_selected_by_it(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            self._folder(root)
            ims = read_prepared_lesions(root)
            self.assertEqual([(im.stem, im.group) for im in ims], [("A_1", "A_1"), ("A_1@q40", "A_1"), ("B_2", "B_2")])
            self.assertEqual([im.stem for im in read_prepared_lesions(root, ["A_1"])], ["A_1", "A_1@q40"])

    def test_a_variant_is_held_out_with_its_original(self) -> None:
        from drgrade_train.lesion_train import fold_split
        ims = []
        for i in range(12):
            for stem in (f"S_{i:02d}", f"S_{i:02d}@q40"):
                im = _image()
                im.stem, im.group = stem, f"S_{i:02d}"
                ims.append(im)
        plain = lesion_folds([f"S_{i:02d}" for i in range(12)], 5)
        for k in range(5):
            train, held = fold_split(ims, k, 5)
            self.assertEqual(held, sorted(s for s, f in plain.items() if f == k))
            self.assertEqual(len(train), 2 * (12 - len(held)))
            self.assertFalse({im.group for im in train} & set(held))

    def test_original_is_drawn_half_the_time(self) -> None:
        a, v, b = _image(), _image(), _image()
        a.stem, a.group = "A_1", "A_1"
        v.stem, v.group = "A_1@q40", "A_1"
        b.stem, b.group = "B_2", "B_2"
        s = PatchSampler([a, v, b], patch=32, seed=2)
        picks = [s._pick() for _ in range(4000)]
        share = [picks.count(j) / len(picks) for j in range(3)]
        self.assertAlmostEqual(share[0], 0.25, delta=0.03)
        self.assertAlmostEqual(share[1], 0.25, delta=0.03)
        self.assertAlmostEqual(share[2], 0.5, delta=0.03)


if __name__ == "__main__":
    unittest.main()
