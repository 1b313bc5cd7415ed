"""Writes the training loader's tensor for a PNG as a fixture for the TypeScript parity test.

    python3 training/export_parity_fixture.py --png test/fixtures/parity/sample.png \\
        --mean 0.4561 0.2174 0.1037 --std 0.3012 0.1524 0.0867 --out test/fixtures/parity/sample
    python3 training/export_parity_fixture.py --make-sample test/fixtures/parity/sample.png   # the 16x16 test PNG

Outputs <out>.tensor.f32 (little-endian float32, CHW) and <out>.json (shape, mean, std). The tensor comes from
`data.load_tensor`, the function evaluation uses, so test/shared/grading/parity.test.ts compares serving's
imageToTensor.ts with exactly what the model was validated on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

import numpy as np
from PIL import Image

from .data import load_tensor


def sample_pixels(size: int = 16) -> np.ndarray:
    """A deterministic, varied uint8 RGB image: every channel differs, and 0 and 255 both occur."""
    y, x = np.mgrid[0:size, 0:size]
    img = np.empty((size, size, 3), dtype=np.int64)
    img[..., 0] = x * 16 + y * 37 + x * y * 7
    img[..., 1] = 255 - (x * 29 + y * 11) + (x ^ y) * 5
    img[..., 2] = (x * x * 3 + y * 53 + 91) ^ (y * 13)
    img %= 256
    img[0, 0] = (0, 0, 0)
    img[0, 1] = (255, 255, 255)
    img[size - 1, size - 1] = (255, 0, 128)
    return img.astype(np.uint8)


def make_sample(path: str, size: int = 16) -> None:
    """Writes the sample PNG (8-bit RGB, no alpha)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    Image.fromarray(sample_pixels(size), mode="RGB").save(path, format="PNG")


def export_fixture(png: str, mean: Sequence[float], std: Sequence[float], out_prefix: str) -> dict[str, object]:
    """Writes <out_prefix>.tensor.f32 and <out_prefix>.json; returns the JSON written."""
    tensor = load_tensor(png, mean, std).numpy()
    tensor.astype("<f4").tofile(out_prefix + ".tensor.f32")
    meta = {
        "image": os.path.basename(png),
        "shape": list(tensor.shape),
        "layout": "CHW",
        "channelOrder": "RGB",
        "dtype": "float32",
        "byteOrder": "little",
        "mean": [float(v) for v in mean],
        "std": [float(v) for v in std],
        "formula": "(pixel / 255 - mean[c]) / std[c]",
        "producer": "training/export_parity_fixture.py (drgrade_train.data.load_tensor)",
    }
    with open(out_prefix + ".json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=2)
        fh.write("\n")
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="export_parity_fixture.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--make-sample", metavar="PNG", help="write the deterministic 16x16 sample PNG and exit")
    p.add_argument("--png", help="model-ready PNG")
    p.add_argument("--mean", type=float, nargs=3)
    p.add_argument("--std", type=float, nargs=3)
    p.add_argument("--out", help="output prefix (default: the PNG path without .png)")
    args = p.parse_args(argv)
    if args.make_sample:
        make_sample(args.make_sample)
        return 0
    if not args.png or not args.mean or not args.std:
        p.error("--png, --mean and --std are required")
    out = args.out or os.path.splitext(args.png)[0]
    meta = export_fixture(args.png, args.mean, args.std, out)
    print(f"wrote {out}.tensor.f32 and {out}.json, shape {meta['shape']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
