#!/usr/bin/env python3
"""Command-line entry point; see drgrade_train/experiment.py and docs/training.md."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from drgrade_train.experiment import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
