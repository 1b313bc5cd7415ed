"""Smoke test of the training recipe on a few synthetic images: one short epoch, resume, export, manifest.

    /usr/bin/python3 training/tests/test_smoke.py            # unittest, temporary folder
    /usr/bin/python3 training/tests/test_smoke.py --keep DIR  # keeps the run in DIR (used by the vitest wrapper)

Also runs under pytest. Needs torch, torchvision, onnx, numpy and Pillow; takes well under a minute on 2 cores.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from drgrade_train import data as D  # noqa: E402
from drgrade_train.calibration import fit_temperature, operating_points  # noqa: E402
from drgrade_train.constants import LABELS  # noqa: E402
from drgrade_train.manifest import MANIFEST_KEYS, check_manifest  # noqa: E402
from drgrade_train.metrics import quadratic_kappa, roc_auc, softmax  # noqa: E402
from drgrade_train.train import main as train_main  # noqa: E402

SIZE = 32
KEEP_DIR: str | None = None


def synthetic_fundus(grade: int, seed: int, size: int = SIZE) -> np.ndarray:
    """A disc of orange 'retina' on black with a number of dark-red dots growing with the grade."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    c = (size - 1) / 2.0
    inside = (yy - c) ** 2 + (xx - c) ** 2 <= (0.45 * size) ** 2
    img = np.zeros((size, size, 3), np.float64)
    img[inside] = (170, 80, 40)
    img += rng.normal(0, 6, img.shape) * inside[..., None]
    for _ in range(grade * 3):
        y, x = rng.integers(int(0.25 * size), int(0.75 * size), 2)
        img[max(0, y - 1) : y + 1, max(0, x - 1) : x + 1] = (90, 10, 10)
    return np.clip(img, 0, 255).astype(np.uint8)


def make_dataset(root: str, per_grade: int = 5) -> tuple[str, str]:
    """A prepared folder (PNGs + prepared.csv) and an IDRiD-style labels.csv with duplicate cases."""
    prepared = os.path.join(root, "prepared")
    os.makedirs(prepared, exist_ok=True)
    rows, prep_rows = [], []
    i = 0
    for grade in range(5):
        for _ in range(per_grade):
            i += 1
            stem = f"IDRiD_{i:03d}"
            Image.fromarray(synthetic_fundus(grade, i)).save(os.path.join(prepared, f"{stem}.png"))
            rows.append({"image": f"{stem}.jpg", "dr_grade_icdr": grade, "duplicate_of": ""})
            prep_rows.append((stem, f"{stem}.png", "ok"))
    # With 5 per grade: 026 duplicates 001 with the same grade (kept, same split); 027 duplicates 002 with another
    # grade (dropped); 028 duplicates a held-out test image (dropped); 029 failed preparation.
    same, conflicting, external, failed = (f"IDRiD_{i + k:03d}" for k in (1, 2, 3, 4))
    extra = [(same, 0, "train/IDRiD_001"), (conflicting, 4, "train/IDRiD_002"), (external, 2, "a test image"),
             (failed, 3, "")]
    for stem, grade, dup in extra:
        Image.fromarray(synthetic_fundus(grade, 99 + len(rows))).save(os.path.join(prepared, f"{stem}.png"))
        rows.append({"image": f"{stem}.jpg", "dr_grade_icdr": grade, "duplicate_of": dup})
        prep_rows.append((stem, f"{stem}.png", "ok" if stem != failed else "no field of view"))
    rows[0]["duplicate_of"] = f"train/{same}"
    rows[1]["duplicate_of"] = f"train/{conflicting}"
    labels = os.path.join(root, "labels.csv")
    with open(labels, "w", newline="") as fh:
        w = csv.DictWriter(fh, ["image", "dr_grade_icdr", "duplicate_of"])
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(prepared, "prepared.csv"), "w", newline="") as fh:
        w2 = csv.writer(fh)
        w2.writerow(["stem", "file", "status"])
        w2.writerows(prep_rows)
    return prepared, labels


class DataTests(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="drgrade-smoke-")
        self.prepared, self.labels = make_dataset(self.tmp)

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_duplicates_are_resolved_and_grouped(self) -> None:
        records, report = D.read_labels(self.labels)
        stems = {r.stem for r in records}
        self.assertIn("IDRiD_001", stems)
        self.assertIn("IDRiD_026", stems)  # agreeing duplicate kept
        self.assertIn("IDRiD_002", stems)  # first of a conflicting pair kept
        self.assertNotIn("IDRiD_027", stems)
        self.assertNotIn("IDRiD_028", stems)  # duplicate of a held-out image
        self.assertEqual(report.conflicting_groups, 1)
        self.assertEqual(report.dropped_external_duplicates, 1)
        drop_all, _ = D.read_labels(self.labels, conflict_policy="drop-all")
        self.assertNotIn("IDRiD_002", {r.stem for r in drop_all})
        split = D.make_split(records, 0.4, seed=3)
        self.assertEqual(split["IDRiD_001"], split["IDRiD_026"])
        self.assertEqual(set(split.values()), {"train", "val"})
        for g in range(5):
            sides = {split[r.stem] for r in records if r.grade == g}
            self.assertEqual(sides, {"train", "val"}, f"grade {g} should be in both splits")
        self.assertEqual(split, D.make_split(records, 0.4, seed=3))

    def test_eval_tensor_matches_the_contract(self) -> None:
        mean, std = (0.3, 0.2, 0.1), (0.25, 0.2, 0.15)
        path = os.path.join(self.prepared, "IDRiD_010.png")
        t = D.load_tensor(path, mean, std, SIZE).numpy()
        rgb = np.array(Image.open(path).convert("RGB"))
        expected = np.stack([
            ((rgb[..., c].astype(np.float32) / np.float32(255)) - np.float32(mean[c])) / np.float32(std[c])
            for c in range(3)
        ])
        self.assertEqual(t.dtype, np.float32)
        self.assertEqual(t.shape, (3, SIZE, SIZE))
        np.testing.assert_array_equal(t, expected)
        with self.assertRaises(D.DataError):
            D.load_tensor(path, mean, std, SIZE * 2)

    def test_parity_fixture_is_what_the_loader_produces(self) -> None:
        # The TypeScript parity test compares imageToTensor.ts with this fixture; if the loader changes, this fails
        # until the fixture is regenerated (docs/training.md).
        fixtures = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "test", "fixtures", "parity")
        with open(os.path.join(fixtures, "sample.json")) as fh:
            meta = json.load(fh)
        expected = np.fromfile(os.path.join(fixtures, "sample.tensor.f32"), dtype="<f4").reshape(meta["shape"])
        actual = D.load_tensor(os.path.join(fixtures, "sample.png"), meta["mean"], meta["std"]).numpy()
        np.testing.assert_array_equal(actual, expected)

    def test_augmentation_is_seeded_and_keeps_the_surround_black(self) -> None:
        import torch

        from drgrade_train.augment import NO_AUGMENT, AugmentConfig, augment_batch

        x = D.to_unit(D.hwc_to_chw_uint8(synthetic_fundus(3, 7, 64))).unsqueeze(0).repeat(4, 1, 1, 1)
        a = augment_batch(x, AugmentConfig(), torch.Generator().manual_seed(5))
        b = augment_batch(x, AugmentConfig(), torch.Generator().manual_seed(5))
        c = augment_batch(x, AugmentConfig(), torch.Generator().manual_seed(6))
        self.assertTrue(torch.equal(a, b))
        self.assertFalse(torch.equal(a, c))
        self.assertGreaterEqual(float(a.min()), 0.0)
        self.assertLessEqual(float(a.max()), 1.0)
        self.assertEqual(float(a[:, :, 0, 0].abs().max()), 0.0)  # corners stay black after rotation and jitter
        self.assertTrue(torch.equal(augment_batch(x, NO_AUGMENT, torch.Generator()), x))

    def test_metrics_and_calibration(self) -> None:
        self.assertEqual(roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75)
        self.assertEqual(roc_auc([0, 1], [0.5, 0.5]), 0.5)
        self.assertIsNone(roc_auc([1, 1], [0.2, 0.3]))
        self.assertAlmostEqual(quadratic_kappa(np.array([0, 1, 2, 3, 4]), np.array([0, 1, 2, 3, 4])), 1.0)
        rng = np.random.default_rng(0)
        grades = rng.integers(0, 5, 200)
        # Over-confident: right 70 % of the time, always with a margin of 8.
        guess = np.where(rng.random(200) < 0.7, grades, rng.integers(0, 5, 200))
        logits = np.eye(5)[guess] * 8.0 + rng.normal(0, 0.5, (200, 5))
        t = fit_temperature(logits, grades)
        self.assertGreater(t, 1.0)
        score = softmax(logits, t)[:, 2:].sum(1)
        points = {p.name: p for p in operating_points(grades >= 2, score)}
        self.assertGreaterEqual(points["high_sensitivity"].sensitivity, 0.9)
        self.assertGreaterEqual(points["high_specificity"].specificity, 0.9)
        self.assertLessEqual(points["high_sensitivity"].threshold, points["high_specificity"].threshold)


class TrainSmokeTest(unittest.TestCase):
    def test_train_resume_export(self) -> None:
        tmp = tempfile.mkdtemp(prefix="drgrade-smoke-")
        try:
            prepared, labels = make_dataset(tmp)
            run_dir = KEEP_DIR or os.path.join(tmp, "run")
            if KEEP_DIR and os.path.isdir(KEEP_DIR):
                shutil.rmtree(KEEP_DIR)
            common = ["--prepared", prepared, "--kind", "annotated", "--labels", labels, "--arch", "compact",
                      "--batch-size", "4", "--threads", "1", "--workers", "1", "--val-fraction", "0.3",
                      "--data-description", "synthetic smoke-test images", "--data-license", "CC0",
                      "--data-attribution", "generated by training/tests/test_smoke.py"]
            self.assertEqual(train_main(common + ["--epochs", "1", "--size", str(SIZE), "--out", run_dir]), 0)
            self.assertEqual(train_main(common + ["--epochs", "2", "--resume", run_dir]), 0)

            with open(os.path.join(run_dir, "log.csv")) as fh:
                self.assertEqual([r["epoch"] for r in csv.DictReader(fh)], ["1", "2"])
            with open(os.path.join(run_dir, "split.csv")) as fh:
                split = {r["stem"]: r["split"] for r in csv.DictReader(fh)}
            self.assertEqual(split["IDRiD_001"], split["IDRiD_026"])
            self.assertNotIn("IDRiD_027", split)

            model_json = os.path.join(run_dir, "model", "model.json")
            self.assertEqual(check_manifest(model_json), [])
            with open(model_json) as fh:
                m = json.load(fh)
            self.assertEqual(list(m.keys()), list(MANIFEST_KEYS))
            self.assertEqual(m["labels"], list(LABELS))
            self.assertEqual(m["input"]["shape"], [-1, 3, SIZE, SIZE])
            self.assertEqual((m["schemaVersion"], m["input"]["datatype"], m["preprocessing"]["normalisation"]), (2, "UINT8", "in-graph"))
            self.assertEqual(m["preprocessing"]["imageKind"], "annotated")
            self.assertEqual(m["preprocessing"]["resizeKernel"], "lanczos3")
            self.assertEqual(m["training"]["epochs"], 2)
            self.assertEqual({p["name"] for p in m["operatingPoints"]["referable"]},
                             {"high_sensitivity", "balanced", "high_specificity"})
            self.assertEqual(m["operatingPoints"]["default"], "balanced")
            self.assertGreater(m["calibration"]["temperature"], 0)
            for key in ("referableAuc", "fiveClassAccuracy", "quadraticKappa", "binaryTaskAuc", "atDefaultOperatingPoint"):
                self.assertIn(key, m["validation"])
            self.assertEqual(m["validation"]["onnxCheck"]["checker"], "passed")
            for f in ("MODEL_CARD.md", "model.onnx"):
                self.assertTrue(os.path.isfile(os.path.join(run_dir, "model", f)), f)
            for f in ("input.f32", "input.u8", "logits.f32", "check.json"):
                self.assertTrue(os.path.isfile(os.path.join(run_dir, "onnx_check", f)), f)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    argv = sys.argv[:1]
    rest = sys.argv[1:]
    if rest[:1] == ["--keep"] and len(rest) >= 2:
        KEEP_DIR = os.path.abspath(rest[1])
        rest = rest[2:]
    unittest.main(argv=argv + rest)
