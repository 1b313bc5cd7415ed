"""`python -m drgrade_train <command>`: train-lesions (the lesion model), lesion-fixture (the tests' tiny lesion model),
learning-curve (the learning-curve study, docs/experiment.md), input-experiment (original vs enhanced vs
annotated out-of-fold, docs/experiment.md), convert-uint8 (an FP32 grading model to model
contract v2, docs/inference.md); the grading recipe stays `training/train.py`."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    commands = {"train-lesions": "drgrade_train.lesion_train", "lesion-fixture": "drgrade_train.lesion_fixture", "match-splits": "drgrade_train.match_splits",
                "learning-curve": "drgrade_train.learning_curve", "input-experiment": "drgrade_train.input_experiment",
                "convert-uint8": "drgrade_train.convert_uint8", "train-landmarks": "drgrade_train.landmark_train"}
    if not argv or argv[0] not in commands:
        sys.stderr.write(f"usage: python -m drgrade_train {{{','.join(commands)}}} ...\n")
        return 2
    import importlib
    return int(importlib.import_module(commands[argv[0]]).main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
