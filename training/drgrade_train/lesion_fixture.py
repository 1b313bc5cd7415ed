"""Writes the tiny lesion-model fixture of the TypeScript tests (test/fixtures/tiny-lesion-model): a LesionNet with
widths (4, 4, 8, 8) and seeded random weights, exported by the recipe's own exporter and manifest writer, plus one
input image and PyTorch's probabilities for it, so the tests can check that ONNX Runtime computes what PyTorch
computed under the UINT8 contract.

    /usr/bin/python3 -m drgrade_train lesion-fixture --out test/fixtures/tiny-lesion-model
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
import torch

from .lesion_model import LesionNet
from .lesion_train import export_lesion_onnx, lesion_manifest, verify_lesion_onnx


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="drgrade_train lesion-fixture")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    torch.manual_seed(3)
    model = LesionNet(widths=(4, 4, 8, 8))
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
        model.head.bias.fill_(-1.0)
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    export_lesion_onnx(model, onnx_path)
    check = verify_lesion_onnx(model, onnx_path)
    manifest = lesion_manifest(onnx_path, [], [], "final", 0, 0, 0, 0, "cpu", check, 0.0)
    manifest["name"] = "tiny-lesion-fixture"
    manifest["description"] = "Test fixture: random weights, no training. " + manifest["description"]
    with open(os.path.join(args.out, "model.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (1, 3, 48, 64), dtype=np.uint8)
    with torch.no_grad():
        probs = model(torch.from_numpy(image)).numpy()
    image.tofile(os.path.join(args.out, "input.u8"))
    probs.astype("<f4").tofile(os.path.join(args.out, "probabilities.f32"))
    with open(os.path.join(args.out, "check.json"), "w", encoding="utf-8") as fh:
        json.dump({"inputShape": list(image.shape), "probabilitiesShape": list(probs.shape)}, fh, indent=2)
        fh.write("\n")
    return 0
