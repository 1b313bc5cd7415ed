"""Tests of the shared CNN run bookkeeping (drgrade_train/cnn_run.py); no training.

    /usr/bin/python3 training/tests/test_cnn_run.py

Also runs under pytest.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from drgrade_train.cnn_run import train_cnn_run  # noqa: E402


class RunError(Exception):
    pass


def _run_folder(parent: str, settings: dict) -> str:
    """A run folder `kind-fold0` under `parent` whose recorded settings are `settings`."""
    run = os.path.join(parent, "kind-fold0")
    os.makedirs(run)
    with open(os.path.join(run, "exp-run.json"), "w", encoding="utf-8") as fh:
        json.dump(settings, fh)
    return run


class TrainCnnRunTest(unittest.TestCase):
    def test_reuses_a_finished_run_of_the_same_settings_without_training(self):
        with tempfile.TemporaryDirectory() as d:
            run = _run_folder(d, {"fold": 0})
            with open(os.path.join(run, "val_predictions.csv"), "w", encoding="utf-8") as fh:
                fh.write("stem\n")
            started = []
            path = train_cnn_run(run, {"fold": 0}, "exp", [], ["--epochs", "1"], RunError, on_train=lambda: started.append(1))
            self.assertEqual(path, os.path.join(run, "val_predictions.csv"))
            self.assertEqual(started, [])

    def test_refuses_a_run_folder_trained_with_other_settings(self):
        with tempfile.TemporaryDirectory() as d:
            run = _run_folder(d, {"fold": 1})
            with self.assertRaisesRegex(RunError, "other settings"):
                train_cnn_run(run, {"fold": 0}, "exp", [], [], RunError)

    def test_writes_settings_and_split_then_reports_a_failed_training(self):
        with tempfile.TemporaryDirectory() as d:
            run = os.path.join(d, "kind-fold0")
            # An option train.py does not know: the training fails at once, and the error carries its log's tail.
            with self.assertRaisesRegex(RunError, "train.py failed"):
                train_cnn_run(run, {"fold": 0}, "exp", [("a", 0, "a", "train"), ("b", 2, "b", "val")], ["--no-such-option"], RunError)
            with open(os.path.join(run, "exp-run.json"), encoding="utf-8") as fh:
                self.assertEqual(json.load(fh), {"fold": 0})
            with open(os.path.join(run, "exp-split.csv"), encoding="utf-8") as fh:
                self.assertEqual(fh.read().split(), ["stem,grade,group,split", "a,0,a,train", "b,2,b,val"])


if __name__ == "__main__":
    unittest.main()
