"""Finds the IDRiD segmentation photographs that are also in the grading set (the dataset README: "most of these
photographs also appear, at lower resolution, in grading-train"), so that figures measured on grading-train with the
lesion model can use, for those photographs, the fold model that never saw them.

    /usr/bin/python3 -m drgrade_train match-splits --segmentation <seg images> --grading <grading images> --out aliases.json

Each photograph becomes a 48x32 grey thumbnail, standardised; a segmentation photograph matches the grading
photograph with the smallest mean squared difference when that difference is below --max-distance (on IDRiD the
42 matches lie at 0.0002-0.0005 and the next candidates at 0.0036 and above). Writes {"<grading stem>": "<seg stem>"}.
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
from PIL import Image


def thumbnail(path: str) -> np.ndarray:
    """Standardised 48x32 grey thumbnail (JPEG draft mode keeps decoding cheap)."""
    im = Image.open(path)
    im.draft("L", (max(1, im.width // 8), max(1, im.height // 8)))
    a = np.asarray(im.convert("L").resize((48, 32), Image.BILINEAR), dtype=np.float32)
    return (a - a.mean()) / (a.std() + 1e-6)


def match(seg_dir: str, grading_dir: str, max_distance: float = 0.002) -> tuple[dict[str, str], list[float]]:
    """Grading stem -> segmentation stem for every confident match, and every segmentation photograph's best distance."""
    def stems(folder: str) -> dict[str, str]:
        return {os.path.splitext(f)[0]: os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.lower().endswith((".jpg", ".jpeg", ".png", ".tif"))}
    seg, grading = stems(seg_dir), stems(grading_dir)
    keys = list(grading)
    stack = np.stack([thumbnail(grading[k]) for k in keys])
    out: dict[str, str] = {}
    best: list[float] = []
    for s, path in seg.items():
        d = ((stack - thumbnail(path)) ** 2).mean(axis=(1, 2))
        i = int(d.argmin())
        best.append(float(d[i]))
        if d[i] < max_distance:
            out[keys[i]] = s
    return out, best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="drgrade_train match-splits", description=__doc__.split("\n\n")[0])
    ap.add_argument("--segmentation", required=True)
    ap.add_argument("--grading", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-distance", type=float, default=0.002)
    args = ap.parse_args(argv)
    out, best = match(args.segmentation, args.grading, args.max_distance)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print(json.dumps({"matches": len(out), "segmentation": len(best), "bestDistances": sorted(round(b, 4) for b in best)}))
    return 0
