"""One CNN training run of an experiment, trained once and reused (input_experiment.py, learning_curve.py).

A run folder records the settings it was trained with; a folder of other settings is refused rather than silently
reused, a finished run (its val_predictions.csv) is reused, and an interrupted one resumes from its checkpoint.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from typing import Callable, Iterable, Sequence


def train_cnn_run(run: str, settings: dict, prefix: str, split_rows: Iterable[tuple[str, int, str, str]],
                  train_args: Sequence[str], error: Callable[[str], Exception],
                  on_train: Callable[[], None] | None = None) -> str:
    """Trains `python -m drgrade_train.train *train_args --split <split> --out <run>` unless `run` already holds its
    predictions; returns the path of val_predictions.csv.

    `prefix` names the run's bookkeeping files (`<prefix>-run.json`, `-split.csv`, `-train.log`); `split_rows` are
    (stem, grade, group, "train" | "val"); `error` builds the exception raised on a settings mismatch or a failed
    training; `on_train` is told before a training starts (progress logs).
    """
    predictions = os.path.join(run, "val_predictions.csv")
    settings_path = os.path.join(run, f"{prefix}-run.json")
    if os.path.exists(settings_path):
        with open(settings_path, encoding="utf-8") as fh:
            if json.load(fh) != settings:
                raise error(f"{os.path.basename(run)} in {os.path.dirname(run)} was trained with other settings or photographs; pass another --runs folder")
    if os.path.exists(predictions):
        return predictions
    os.makedirs(run, exist_ok=True)
    with open(settings_path, "w", encoding="utf-8") as fh:
        json.dump(settings, fh)
    split = os.path.join(run, f"{prefix}-split.csv")
    with open(split, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["stem", "grade", "group", "split"])
        for row in split_rows:
            w.writerow(row)
    command = [sys.executable, "-m", "drgrade_train.train", *train_args, "--split", split, "--out", run]
    if os.path.exists(os.path.join(run, "last.pt")):
        command += ["--resume", run]
    if on_train is not None:
        on_train()
    training_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    log_path = os.path.join(run, f"{prefix}-train.log")
    with open(log_path, "w", encoding="utf-8") as out:
        done = subprocess.run(command, cwd=training_dir, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0 or not os.path.exists(predictions):
        with open(log_path, encoding="utf-8") as fh:
            tail = fh.read()[-600:]
        raise error(f"train.py failed ({done.returncode}) for {os.path.basename(run)}: {tail.strip()}")
    return predictions
