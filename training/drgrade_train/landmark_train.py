"""Training of the landmark model (LandmarkNet: optic disc and fovea) on the labelled grading photographs prepared
by `drgrade prepare-landmarks`, with 5-fold cross-validation by photograph and a final model on all of them.

    /usr/bin/python3 -m drgrade_train train-landmarks --prepared <dir> --out <dir> --fold all --steps 1300

`--fold k` trains on the other folds, records fold k's photographs as `heldOut` in the manifest and writes
`fold-k/oof.jsonl`: the model's disc and fovea on each held-out photograph (untransformed) beside the classical
detector's (from `prepare-landmarks`). `--fold final` trains on every photograph (the model that ships); `--fold
all` runs folds 0..k-1 and then final; a comma list (`1,2,final`) runs those. Before final (or at the end) the
out-of-fold rows of every fold folder present are pooled into `summary.json`. Each model trains for a number of
optimiser steps (or a wall-clock budget; cosine learning rate), is checkpointed under `--work` (never commit it) and
exported to ONNX (opset 13, UINT8 [1, 3, 256, 256]) with its manifest (checked by
shared/landmarks/LandmarkModelManifest.ts). Research use only.
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

from .constants import IDRID_ATTRIBUTION, IDRID_DATA, IDRID_LICENSE, RESEARCH_DISCLAIMER
from .export import check_uint8_onnx, export_uint8_onnx, sha256_file
from .landmark_data import LandmarkAugmenter, LandmarkSample, heatmap_targets, landmark_folds, read_prepared_landmarks
from .landmark_model import INPUT_PX, LANDMARK_NAMES, MAP_PX, OUTPUT_STRIDE, LandmarkNet, decode

#: 0.1.0: the first landmark model (2026-12-02).
MODEL_VERSION = "0.1.0"


def landmark_loss(model: LandmarkNet, images: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of each landmark's softmax (64 x 64 cells + absent) against its target distribution."""
    maps, absent = model.logits(images)
    n, c, h, w = maps.shape
    logits = torch.cat([maps.reshape(n, c, h * w), absent.unsqueeze(2)], dim=2)
    return -(target * torch.log_softmax(logits, dim=2)).sum(dim=2).mean()


def train_one(samples: list[LandmarkSample], out_dir: str, work_dir: str, minutes: float, device: str, batch: int,
              seed: int, held_out: list[str], fold: str, lr: float = 2e-3, steps: int | None = None) -> dict[str, Any]:
    """Trains one LandmarkNet for `steps` optimiser steps (the same model on a loaded or an idle machine), or for
    `minutes` of wall clock when `steps` is None, and exports it to `out_dir`."""
    torch.manual_seed(seed)
    model = LandmarkNet().to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    aug = LandmarkAugmenter(samples, seed)
    os.makedirs(work_dir, exist_ok=True)
    ckpt = os.path.join(work_dir, f"landmark-{fold}.pt")
    step, elapsed_before = 0, 0.0
    if os.path.exists(ckpt):
        state = torch.load(ckpt, map_location=device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step, elapsed_before = int(state["step"]), float(state["elapsed"])
        print(f"[{fold}] resumed at step {step} ({elapsed_before:.0f} s)", flush=True)
    budget = minutes * 60
    started = last_ckpt = time.time()
    losses: list[float] = []
    model.train()
    while True:
        elapsed = elapsed_before + time.time() - started
        if (step >= steps) if steps else (elapsed >= budget):
            break
        frac = step / steps if steps else elapsed / budget
        warm = min(1.0, (step + 1) / 30)
        for g in opt.param_groups:
            g["lr"] = lr * warm * 0.5 * (1 + math.cos(math.pi * frac))
        x, pts, present = aug.batch(batch)
        loss = landmark_loss(model, x.to(device), heatmap_targets(pts, present).to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss))
        step += 1
        if step % 50 == 0:
            print(f"[{fold}] step {step}{f'/{steps}' if steps else ''} {elapsed:.0f}{'' if steps else f'/{budget:.0f}'} s loss {np.mean(losses[-50:]):.4f}", flush=True)
        if time.time() - last_ckpt > 120:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "elapsed": elapsed}, ckpt)
            last_ckpt = time.time()
    model.eval().to("cpu")
    torch.save(model.state_dict(), os.path.join(work_dir, f"landmark-{fold}.final.pt"))
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    export_landmark_onnx(model, onnx_path)
    check = verify_landmark_onnx(model, onnx_path)
    manifest = landmark_manifest(onnx_path, samples, held_out, fold, step, batch, None if steps else budget, device, check,
                                 float(np.mean(losses[-100:])) if losses else float("nan"))
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    return manifest


def predict(model: LandmarkNet, samples: list[LandmarkSample]) -> list[dict[str, Any]]:
    """Disc and fovea of each photograph, untransformed, with their errors against the experts (input pixels)."""
    out = []
    model.eval()
    with torch.no_grad():
        for s in samples:
            maps, absent = model(torch.from_numpy(s.image).unsqueeze(0))
            row: dict[str, Any] = {"stem": s.stem, "discRadius": s.disc_radius}
            for i, name in enumerate(LANDMARK_NAMES):
                d = decode(maps[0, i], float(absent[0, i]))
                truth = s.disc if name == "disc" else s.fovea
                row[name] = {**{k: round(v, 4) for k, v in d.items()}, "error": round(math.dist((d["x"], d["y"]), truth), 3)}
                found = (s.classical or {}).get(name)
                row[f"classical_{name}_error"] = round(math.dist((found["x"], found["y"]), truth), 3) if found else None
            out.append(row)
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Within-one-disc-radius rates and median errors (input pixels) of the model and of the classical detector."""
    def rate(errors: list[float | None], radii: list[float]) -> float:
        return round(float(np.mean([e is not None and e <= r for e, r in zip(errors, radii)])), 4)

    radii = [r["discRadius"] for r in rows]
    out: dict[str, Any] = {"images": len(rows)}
    for name in LANDMARK_NAMES:
        learned = [r[name]["error"] for r in rows]
        classical = [r[f"classical_{name}_error"] for r in rows]
        out[name] = {
            "learnedWithinDiscRadius": rate(learned, radii), "classicalWithinDiscRadius": rate(classical, radii),
            "learnedMedianErrorPx": round(float(np.median(learned)), 2),
            "classicalMedianErrorPx": round(float(np.median([e if e is not None else 1e9 for e in classical])), 2),
            "learnedMinMass": round(float(min(r[name]["mass"] for r in rows)), 4),
        }
    return out


def export_landmark_onnx(model: LandmarkNet, path: str) -> None:
    """ONNX export: UINT8 input 'image' [1, 3, 256, 256]; outputs 'heatmaps' [1, 2, 64, 64] and 'absent' [1, 2]."""
    export_uint8_onnx(model, torch.zeros(1, 3, INPUT_PX, INPUT_PX, dtype=torch.uint8), path, ["image"], ["heatmaps", "absent"])


def verify_landmark_onnx(model: LandmarkNet, path: str) -> dict[str, Any]:
    """onnx.checker, plus the reference evaluator against PyTorch (heatmaps) on a random image."""
    return check_uint8_onnx(model, path, torch.randint(0, 256, (1, 3, INPUT_PX, INPUT_PX), dtype=torch.uint8))


def landmark_manifest(onnx_path: str, samples: list[LandmarkSample], held_out: list[str], fold: str, steps: int,
                      batch: int, budget_s: float | None, device: str, check: dict[str, Any], final_loss: float) -> dict[str, Any]:
    """The landmark model's manifest (the contract of shared/landmarks/LandmarkModelManifest.ts)."""
    return {
        "schemaVersion": 2,
        "kind": "landmark-heatmap",
        "name": "drgrade-landmarks-idrid",
        "version": MODEL_VERSION if fold == "final" else f"{MODEL_VERSION}-fold{fold}",
        "sha256": sha256_file(onnx_path),
        "description": "Optic disc and fovea heatmaps (one softmax over 64 x 64 cells plus 'absent' per landmark) "
                       f"from the normalised fundus image read at 256 px. {RESEARCH_DISCLAIMER}",
        "input": {"name": "image", "datatype": "UINT8", "layout": "NCHW", "shape": [1, 3, INPUT_PX, INPUT_PX]},
        "preprocessing": {"imageKind": "normalised", "retinaDiameterPx": 1024, "resample": "linear",
                          "normalisation": "in-graph (per-channel standardisation over the field of view)"},
        "output": {"heatmaps": {"name": "heatmaps", "shape": [1, len(LANDMARK_NAMES), MAP_PX, MAP_PX], "stride": OUTPUT_STRIDE},
                   "absent": {"name": "absent", "shape": [1, len(LANDMARK_NAMES)]}},
        "labels": list(LANDMARK_NAMES),
        "training": {
            "data": IDRID_DATA + " (expert optic-disc and fovea centres)", "license": IDRID_LICENSE,
            "attribution": IDRID_ATTRIBUTION, "images": len(samples), "fold": fold, "heldOut": held_out,
            "steps": steps, "batch": batch, "budgetSeconds": None if budget_s is None else round(budget_s), "device": device,
            "finalLoss": round(final_loss, 5), "torch": torch.__version__, "export": check,
            "recipe": "python -m drgrade_train train-landmarks (training/drgrade_train/landmark_train.py)",
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="drgrade_train train-landmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--prepared", required=True, help="folder written by `drgrade prepare-landmarks`")
    ap.add_argument("--out", required=True, help="output folder (fold-<k>/ and final/ model folders)")
    ap.add_argument("--work", default=None, help="checkpoint folder (default <out>/work; never commit it)")
    ap.add_argument("--fold", default="all", help="k (0-based), 'final' or 'all'")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=1300, help="optimiser steps per model (0: train for --minutes instead)")
    ap.add_argument("--final-steps", type=int, default=None, help="steps of the final model (default --steps)")
    ap.add_argument("--minutes", type=float, default=5.0, help="wall-clock budget per model when --steps is 0")
    ap.add_argument("--final-minutes", type=float, default=None, help="budget of the final model (default --minutes)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = all cores)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda asked but torch.cuda.is_available() is False")
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    samples = read_prepared_landmarks(args.prepared)
    folds = landmark_folds([s.stem for s in samples], args.folds)
    work = args.work or os.path.join(args.out, "work")
    todo = [str(k) for k in range(args.folds)] + ["final"] if args.fold == "all" else [f.strip() for f in args.fold.split(",")]
    for fold in todo:
        if fold != "final" and not (fold.isdigit() and int(fold) < args.folds):
            raise SystemExit(f"--fold: expected 0..{args.folds - 1}, 'final', 'all' or a comma list of them, got {fold!r}")
    summarised = False
    for fold in todo:
        if fold == "final":
            summarise_folds(args.out, args.folds)
            summarised = True
            train_set, held, minutes = samples, [], args.final_minutes or args.minutes
            steps = args.final_steps or args.steps
        else:
            k = int(fold)
            train_set = [s for s in samples if folds[s.stem] != k]
            held = sorted(s.stem for s in samples if folds[s.stem] == k)
            minutes, steps = args.minutes, args.steps
        name = "final" if fold == "final" else f"fold-{fold}"
        seed = args.seed + (0 if fold == "final" else 1 + int(fold))
        manifest = train_one(train_set, os.path.join(args.out, name), work, minutes, args.device, args.batch, seed, held, fold,
                             steps=steps or None)
        if fold != "final":
            model = LandmarkNet()
            model.load_state_dict(torch.load(os.path.join(work, f"landmark-{fold}.final.pt")))
            rows = predict(model, [s for s in samples if folds[s.stem] == int(fold)])
            with open(os.path.join(args.out, name, "oof.jsonl"), "w", encoding="utf-8") as fh:
                fh.write("".join(json.dumps(r) + "\n" for r in rows))
            print(json.dumps({"model": name, "steps": manifest["training"]["steps"], **summarise(rows)}), flush=True)
        else:
            print(json.dumps({"model": name, "steps": manifest["training"]["steps"]}), flush=True)
    if not summarised:
        summarise_folds(args.out, args.folds)
    return 0


def summarise_folds(out: str, k: int) -> None:
    """Pools `fold-*/oof.jsonl` under `out` into `summary.json` (and prints it) when any fold has been trained."""
    rows: list[dict[str, Any]] = []
    done = []
    for fold in range(k):
        path = os.path.join(out, f"fold-{fold}", "oof.jsonl")
        if os.path.exists(path):
            done.append(fold)
            with open(path, encoding="utf-8") as fh:
                rows.extend(json.loads(line) for line in fh if line.strip())
    if not rows:
        return
    summary = {"folds": done, **summarise(rows)}
    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=2)
        fh.write("\n")
    print(json.dumps({"outOfFold": summary}), flush=True)
