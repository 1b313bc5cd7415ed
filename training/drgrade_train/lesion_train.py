"""Training of the lesion model (LesionNet) on the IDRiD segmentation photographs prepared by
`drgrade prepare-lesions`, with 5-fold cross-validation by photograph and a final model on all of them.

    /usr/bin/python3 -m drgrade_train train-lesions --prepared <dir> --out <dir> --fold all --minutes 8

`--fold k` trains on the other folds and records fold k's photographs as `heldOut` in the manifest, so that
`drgrade eval-lesions --cv <out>` scores each photograph with the one model that never saw it. `--fold final`
trains on every photograph (the model that ships). `--fold all` runs folds 0..k-1 and then final. Each model is
trained for a wall-clock budget (a cosine learning-rate schedule over that budget), checkpointed every few
minutes under `--work` (never commit those), exported to ONNX (opset 13, UINT8 NCHW input of any size that is a
multiple of 16) with its manifest (checked by shared/lesions/LesionModelManifest.ts). Research use only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .constants import IDRID_ATTRIBUTION, IDRID_LICENSE, RESEARCH_DISCLAIMER
from .export import check_uint8_onnx, export_uint8_onnx, sha256_file
from .lesion_data import PatchSampler, lesion_folds, read_prepared_lesions
from .lesion_model import LESION_CODES, MULTIPLE_OF, OUTPUT_STRIDE, LesionNet

IDRID_SEGMENTATION_DATA = (
    "IDRiD segmentation training set (Indian Diabetic Retinopathy Image Dataset, 'A. Segmentation' training split, "
    "54 colour fundus photographs with pixel masks of MA, HE, EX and SE); the IDRiD test split was not used"
)


#: Weight of lesion pixels in the cross-entropy, per class (MA, HE, EX, SE): microaneurysms cover ~0.03 % of the
#: retina, so their positives are weighted up.
POS_WEIGHT = (5.0, 2.0, 2.0, 2.0)
# The scale the runtime reads the enhanced image at (model.json preprocessing.inferenceScale): the sweep over
# 1, 1.25, 1.4 and 1.6 on folds 0-1 (docs/lesions.md) found small lesions best at the top of the training jitter.
INFERENCE_SCALE = 1.4
#: The lesion model's version: 0.2.0 is the recipe of 2026-12-02 (density-balanced patches, the wide camera
#: augmentation); 0.1.0 was the recipe before it. Training on `prepare-lesions --jpeg 35,65` output as well was
#: measured and dropped (docs/lesions.md): it lowered the exudate figures and the shipped model was already as good
#: under JPEG 50.
MODEL_VERSION = "0.2.0"


def lesion_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy on the coverage targets (lesion pixels weighted by POS_WEIGHT) plus a soft Dice term
    per class (Milletari et al. 2016) over the batch, which keeps the tiny microaneurysm class from being drowned by
    background pixels."""
    pos_weight = torch.tensor(POS_WEIGHT, dtype=logits.dtype, device=logits.device)[None, :, None, None]
    bce = F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(0, 2, 3))
    denom = p.sum(dim=(0, 2, 3)) + target.sum(dim=(0, 2, 3))
    present = target.sum(dim=(0, 2, 3)) > 0
    dice = 1 - (2 * inter + 1) / (denom + 1)
    dice_term = dice[present].mean() if bool(present.any()) else logits.sum() * 0
    return bce * 10 + dice_term


def train_one(images: list, out_dir: str, work_dir: str, minutes: float, device: str, batch: int, patch: int,
              seed: int, held_out: list[str], fold: str, lr: float = 3e-3, balance: str = "density",
              camera: str = "wide") -> dict[str, Any]:
    """Trains one LesionNet for `minutes` of wall clock and exports it to `out_dir`."""
    torch.manual_seed(seed)
    model = LesionNet().to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sampler = PatchSampler(images, patch=patch, seed=seed, balance=balance, camera=camera)
    os.makedirs(work_dir, exist_ok=True)
    ckpt = os.path.join(work_dir, f"lesion-{fold}.pt")
    step, elapsed_before = 0, 0.0
    if os.path.exists(ckpt):
        state = torch.load(ckpt, map_location=device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step, elapsed_before = int(state["step"]), float(state["elapsed"])
        print(f"[{fold}] resumed at step {step} ({elapsed_before:.0f} s)", flush=True)
    budget = minutes * 60
    started = time.time()
    last_ckpt = started
    losses: list[float] = []
    model.train()
    while True:
        elapsed = elapsed_before + time.time() - started
        if elapsed >= budget:
            break
        frac = elapsed / budget
        warm = min(1.0, (step + 1) / 50)
        for g in opt.param_groups:
            g["lr"] = lr * warm * 0.5 * (1 + math.cos(math.pi * frac))
        x, y = sampler.sample(batch)
        x, y = x.to(device), y.to(device)
        logits = model.logits((x / 255.0 - 0.5) / 0.25)
        loss = lesion_loss(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss))
        step += 1
        if step % 50 == 0:
            print(f"[{fold}] step {step} {elapsed:.0f}/{budget:.0f} s loss {np.mean(losses[-50:]):.4f}", flush=True)
        if time.time() - last_ckpt > 180:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "elapsed": elapsed}, ckpt)
            last_ckpt = time.time()
    model.eval()
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    export_lesion_onnx(model.to("cpu"), onnx_path)
    check = verify_lesion_onnx(model, onnx_path)
    manifest = lesion_manifest(onnx_path, images, held_out, fold, step, batch, patch, budget, device, check,
                               float(np.mean(losses[-100:])) if losses else float("nan"), balance, camera)
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    return manifest


def export_lesion_onnx(model: LesionNet, path: str) -> None:
    """ONNX export with UINT8 input 'image' [1, 3, height, width] and output 'probabilities' [1, 4, h/2, w/2]."""
    export_uint8_onnx(model, torch.zeros(1, 3, 128, 128, dtype=torch.uint8), path, ["image"], ["probabilities"],
                      {"image": {2: "height", 3: "width"}, "probabilities": {2: "mapHeight", 3: "mapWidth"}})


def verify_lesion_onnx(model: LesionNet, path: str) -> dict[str, Any]:
    """onnx.checker, plus the reference evaluator against PyTorch on a random 64x64 image where available."""
    return check_uint8_onnx(model, path, torch.randint(0, 256, (1, 3, 64, 64), dtype=torch.uint8))


def lesion_manifest(onnx_path: str, images: list, held_out: list[str], fold: str, steps: int, batch: int,
                    patch: int, budget_s: float, device: str, check: dict[str, Any], final_loss: float,
                    balance: str = "density", camera: str = "wide") -> dict[str, Any]:
    """The lesion model's manifest (the contract of shared/lesions/LesionModelManifest.ts)."""
    return {
        "schemaVersion": 2,
        "kind": "lesion-segmentation",
        "name": "drgrade-lesions-idrid",
        "version": MODEL_VERSION if fold == "final" else f"{MODEL_VERSION}-fold{fold}",
        "sha256": sha256_file(onnx_path),
        "description": "Per-class lesion probability maps (MA, HE, EX, SE) at half resolution from the enhanced "
                       f"normalised fundus image. {RESEARCH_DISCLAIMER}",
        "input": {"name": "image", "datatype": "UINT8", "layout": "NCHW", "shape": [1, 3, -1, -1],
                  "multipleOf": MULTIPLE_OF},
        # inferenceScale: the runtime reads the enhanced image resampled by this factor, the top of the patches'
        # scale jitter (lesion_data.py, 0.75-1.4); chosen by the sweep in docs/lesions.md (--lesion-scale).
        "preprocessing": {"imageKind": "enhanced", "retinaDiameterPx": 1024, "inferenceScale": INFERENCE_SCALE,
                          "normalisation": "in-graph",
                          "mean": [127.5, 127.5, 127.5], "std": [63.75, 63.75, 63.75], "padValue": 0},
        "output": {"name": "probabilities", "kind": "sigmoid", "shape": [1, len(LESION_CODES), -1, -1],
                   "stride": OUTPUT_STRIDE},
        "labels": list(LESION_CODES),
        "training": {
            "data": IDRID_SEGMENTATION_DATA, "license": IDRID_LICENSE, "attribution": IDRID_ATTRIBUTION,
            "images": len({im.group for im in images}), "entries": len(images),
            "jpegVariants": len(images) - len({im.group for im in images}), "fold": fold, "heldOut": held_out, "steps": steps, "batch": batch,
            "patchPx": patch, "sampling": balance, "cameraAugmentation": camera, "budgetSeconds": round(budget_s), "device": device, "finalLoss": round(final_loss, 5),
            "torch": torch.__version__, "export": check,
            "recipe": "python -m drgrade_train train-lesions (training/drgrade_train/lesion_train.py)",
        },
    }


def fold_split(images: list, k: int, folds: int) -> tuple[list, list[str]]:
    """Fold k's training entries and held-out photographs. Folds are by photograph (`lesion_folds` of the groups):
    a JPEG variant (prepare-lesions --jpeg) is held out with its original, never trained on beside it."""
    fold_of = lesion_folds(sorted({im.group for im in images}), folds)
    return [im for im in images if fold_of[im.group] != k], sorted({im.group for im in images if fold_of[im.group] == k})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="drgrade_train train-lesions", description=__doc__.split("\n\n")[0])
    ap.add_argument("--prepared", required=True, help="folder written by `drgrade prepare-lesions`")
    ap.add_argument("--out", required=True, help="output folder (fold-<k>/ and final/ model folders)")
    ap.add_argument("--work", default=None, help="checkpoint folder (default <out>/work; never commit it)")
    ap.add_argument("--fold", default="all", help="k (0-based), 'final' or 'all'")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--minutes", type=float, default=8.0, help="wall-clock budget per model")
    ap.add_argument("--final-minutes", type=float, default=None, help="budget of the final model (default --minutes)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = all cores)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--balance", choices=("density", "pixel"), default="density",
                    help="lesion-centred patches: each speck as often as a plaque (density) or by pixel (before 2026-12-02)")
    ap.add_argument("--camera", choices=("wide", "narrow"), default="wide",
                    help="camera augmentation: darker retinas, noise and JPEG too (wide) or as before 2026-12-02 (narrow)")
    args = ap.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda asked but torch.cuda.is_available() is False")
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    images = read_prepared_lesions(args.prepared)
    work = args.work or os.path.join(args.out, "work")
    todo = [str(k) for k in range(args.folds)] + ["final"] if args.fold == "all" else [args.fold]
    for fold in todo:
        if fold == "final":
            train_set, held = images, []
            minutes = args.final_minutes or args.minutes
        else:
            train_set, held = fold_split(images, int(fold), args.folds)
            minutes = args.minutes
        name = "final" if fold == "final" else f"fold-{fold}"
        m = train_one(train_set, os.path.join(args.out, name), work, minutes, args.device, args.batch, args.patch,
                      args.seed + (0 if fold == "final" else 1 + int(fold)), held, fold,
                      balance=args.balance, camera=args.camera)
        print(json.dumps({"model": name, "steps": m["training"]["steps"], "finalLoss": m["training"]["finalLoss"]}), flush=True)
    return 0
