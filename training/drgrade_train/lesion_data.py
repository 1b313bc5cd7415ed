"""Data of the lesion recipe: the folder written by `drgrade prepare-lesions` (enhanced normalised images, per-class
mask coverage in the same geometry), folds by photograph, and a patch sampler with camera augmentation."""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass

import io

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .lesion_model import LESION_CODES


@dataclass
class LesionImage:
    """One prepared photograph: uint8 HWC RGB, uint8 coverage per class (C, H, W), the FOV circle. `group` is the
    photograph it was made from: its own stem, or for a JPEG variant (`prepare-lesions --jpeg`, stem `<stem>@q<Q>`)
    the original's, so that folds keep a photograph and its variants together."""

    stem: str
    rgb: np.ndarray
    masks: np.ndarray
    circle: tuple[float, float, float]
    group: str = ""

    def __post_init__(self) -> None:
        if not self.group:
            self.group = self.stem


def _grey(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"), dtype=np.uint8)


def read_prepared_lesions(root: str, stems: list[str] | None = None) -> list[LesionImage]:
    """Reads `<stem>.enhanced.png`, `<stem>.<CODE>.png` and `<stem>.json` for every stem (sorted) in `root`; JPEG
    variants (`variantOf` in their JSON) are entries of their own whose `group` is the original's stem. `stems`
    selects by stem or by group."""
    if not os.path.isdir(root):
        raise FileNotFoundError(f"Expected a folder written by `drgrade prepare-lesions` at {root} but it does not exist")
    found = sorted(f[: -len(".json")] for f in os.listdir(root) if f.endswith(".json") and f != "skipped.json")
    if stems is not None:
        wanted = set(stems)
        found = [s for s in found if s in wanted or s.split("@")[0] in wanted]
    out = []
    for stem in found:
        meta = json.load(open(os.path.join(root, f"{stem}.json"), encoding="utf-8"))
        rgb = np.asarray(Image.open(os.path.join(root, f"{stem}.enhanced.png")).convert("RGB"), dtype=np.uint8)
        masks = np.stack([_grey(os.path.join(root, f"{stem}.{c}.png")) for c in LESION_CODES])
        c = meta["circle"]
        group = str(meta.get("variantOf") or stem)
        out.append(LesionImage(stem, rgb, masks, (float(c["cx"]), float(c["cy"]), float(c["radius"])), group))
    if not out:
        raise FileNotFoundError(f"Expected prepared photographs (<stem>.json) in {root} but found none")
    return out


def density_weights(mask: np.ndarray, box: int = 33) -> np.ndarray:
    """Sampling weight of every lesion pixel (mask > 127, in flat index order): 1 / the number of lesion pixels of
    the same mask within the `box` x `box` square around it. A lone speck of a few pixels then weighs as much as a
    plaque or a dense cluster of the same extent, instead of being drawn in proportion to its area. Exudates are
    counted by component (7526 over the 54 IDRiD photographs, most of them specks of 20-300 source pixels), while
    drawing by pixel centres most patches on the large plaques."""
    on = (mask > 127).astype(np.int64)
    h, w = on.shape
    r = box // 2
    c = np.zeros((h + 1, w + 1), np.int64)
    c[1:, 1:] = on.cumsum(0).cumsum(1)
    ys, xs = np.divmod(np.flatnonzero(on), w)
    y0, y1 = np.clip(ys - r, 0, h), np.clip(ys + r + 1, 0, h)
    x0, x1 = np.clip(xs - r, 0, w), np.clip(xs + r + 1, 0, w)
    n = c[y1, x1] - c[y0, x1] - c[y1, x0] + c[y0, x0]
    return 1.0 / n.astype(np.float64)


def jpeg_roundtrip(x: torch.Tensor, quality: int) -> torch.Tensor:
    """The (3, H, W) uint8-range patch encoded as a JPEG of `quality` and decoded (4:2:0, as cameras write)."""
    arr = x.round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
    buf = io.BytesIO()
    Image.fromarray(arr, "RGB").save(buf, format="JPEG", quality=int(quality))
    buf.seek(0)
    out = np.asarray(Image.open(buf).convert("RGB"), dtype=np.uint8)
    return torch.from_numpy(out.copy()).permute(2, 0, 1).float()


def lesion_folds(stems: list[str], k: int = 5, seed: int = 7) -> dict[str, int]:
    """Fold index (0..k-1) per photograph: a seeded shuffle of the sorted stems dealt round-robin, so folds differ
    in size by at most one. The 54 IDRiD segmentation photographs are distinct eyes' photographs, so no grouping is
    needed beyond the photograph."""
    order = sorted(stems)
    random.Random(seed).shuffle(order)
    return {s: i % k for i, s in enumerate(order)}


class PatchSampler:
    """Random training patches: with probability `lesion_fraction` centred on a lesion pixel of a class drawn
    among those the photograph has by `class_weights` (microaneurysms, the smallest and hardest, twice as often as
    each other class), at a pixel drawn by `density_weights` (each speck as often as a plaque; `balance="pixel"`
    draws every lesion pixel alike, the recipe before 2026-12-02), otherwise anywhere in the FOV. Targets at half resolution are the 2x2 maximum of the coverage,
    so a microaneurysm a few pixels across still gives its map pixel a strong target. Each patch is scaled by a random factor (other fields of view and resolutions make lesions larger or
    smaller on the 1024 px retina), flipped, rotated by a multiple of 90 degrees, and recoloured as another camera
    would: per-channel gain of the deviations from 128 (the enhanced image is 128 + gain x (I - background)), global
    contrast, brightness, gamma, and an occasional blur. `camera="wide"` (the default) also covers darker retinas
    and cheaper cameras: contrast down to 0.45 (a retina at 0.45x green, the `darker-pigment` camera transform, has
    its deviations from the background scaled by about that), sensor noise, and JPEG artefacts (quality 40-90);
    `camera="narrow"` is the recipe before 2026-12-02 (contrast 0.7-1.4, no noise, no JPEG)."""

    def __init__(self, images: list[LesionImage], patch: int = 256, lesion_fraction: float = 0.7,
                 scale_range: tuple[float, float] = (0.75, 1.4), seed: int = 0,
                 class_weights: tuple[float, ...] = (0.4, 0.2, 0.2, 0.2), balance: str = "density",
                 camera: str = "wide") -> None:
        if balance not in ("density", "pixel"):
            raise ValueError(f"Expected balance 'density' or 'pixel' but got {balance!r}")
        if camera not in ("wide", "narrow"):
            raise ValueError(f"Expected camera 'wide' or 'narrow' but got {camera!r}")
        self.images = images
        self.balance = balance
        self.camera = camera
        self.patch = patch
        self.lesion_fraction = lesion_fraction
        self.scale_range = scale_range
        self.rng = np.random.default_rng(seed)
        self.class_weights = np.asarray(class_weights, dtype=np.float64)
        self.lesion_pixels = [[np.flatnonzero(m > 127) for m in im.masks] for im in images]
        # Photographs are drawn alike; within one, the original half the time and otherwise one of its JPEG
        # variants (prepare-lesions --jpeg), so variants add camera compression without outweighing the originals.
        by_group: dict[str, list[int]] = {}
        for j, im in enumerate(images):
            by_group.setdefault(im.group, []).append(j)
        self.groups = [sorted(js, key=lambda j: (images[j].stem != images[j].group, images[j].stem)) for js in by_group.values()]
        # Cumulative sampling weights per photograph and class (None: uniform over the class's pixels).
        self.lesion_cdf = [[(np.cumsum(density_weights(m)) if balance == "density" and px.size else None)
                            for m, px in zip(im.masks, pxs)] for im, pxs in zip(images, self.lesion_pixels)]

    def _pick(self) -> int:
        members = self.groups[int(self.rng.integers(len(self.groups)))]
        if len(members) == 1:
            return members[0]
        original = self.images[members[0]].stem == self.images[members[0]].group
        if original and self.rng.random() < 0.5:
            return members[0]
        rest = members[1:] if original else members
        return rest[int(self.rng.integers(len(rest)))]

    def _centre(self, i: int) -> tuple[int, int]:
        im = self.images[i]
        h, w = im.rgb.shape[:2]
        classes = [c for c, px in enumerate(self.lesion_pixels[i]) if px.size]
        if classes and self.rng.random() < self.lesion_fraction:
            w8 = self.class_weights[classes]
            c = int(self.rng.choice(classes, p=w8 / w8.sum()))
            px, cdf = self.lesion_pixels[i][c], self.lesion_cdf[i][c]
            k = int(self.rng.integers(px.size)) if cdf is None else int(np.searchsorted(cdf, self.rng.random() * cdf[-1], side="right"))
            j = int(px[min(k, px.size - 1)])
            return j // w, j % w
        cx, cy, r = im.circle
        a, d = self.rng.random() * 2 * np.pi, r * np.sqrt(self.rng.random())
        return int(np.clip(cy + d * np.sin(a), 0, h - 1)), int(np.clip(cx + d * np.cos(a), 0, w - 1))

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch: uint8-range float images (N, 3, P, P) and coverage targets in [0, 1] at 1/2 size (N, C, P/2, P/2)."""
        p = self.patch
        xs, ys = [], []
        for _ in range(batch):
            i = self._pick()
            im = self.images[i]
            h, w = im.rgb.shape[:2]
            s = float(np.exp(self.rng.uniform(np.log(self.scale_range[0]), np.log(self.scale_range[1]))))
            src = max(8, int(round(p / s)))
            cy, cx = self._centre(i)
            cy += int(self.rng.integers(-src // 3, src // 3 + 1))
            cx += int(self.rng.integers(-src // 3, src // 3 + 1))
            y0, x0 = cy - src // 2, cx - src // 2
            rgb = np.zeros((src, src, 3), np.uint8)
            msk = np.zeros((len(LESION_CODES), src, src), np.uint8)
            sy0, sx0, sy1, sx1 = max(0, y0), max(0, x0), min(h, y0 + src), min(w, x0 + src)
            if sy1 > sy0 and sx1 > sx0:
                rgb[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = im.rgb[sy0:sy1, sx0:sx1]
                msk[:, sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = im.masks[:, sy0:sy1, sx0:sx1]
            x = torch.from_numpy(rgb).permute(2, 0, 1).float()[None]
            y = torch.from_numpy(msk).float()[None] / 255.0
            if src != p:
                x = F.interpolate(x, size=(p, p), mode="bilinear", align_corners=False)
                y = F.interpolate(y, size=(p, p), mode="area" if src > p else "bilinear", **({} if src > p else {"align_corners": False}))
            xs.append(self._recolour(x[0]))
            ys.append(F.max_pool2d(y, 2)[0])
        x, y = torch.stack(xs), torch.stack(ys)
        if self.rng.random() < 0.5:
            x, y = x.flip(3), y.flip(3)
        if self.rng.random() < 0.5:
            x, y = x.flip(2), y.flip(2)
        k = int(self.rng.integers(4))
        return x.rot90(k, (2, 3)).contiguous(), y.rot90(k, (2, 3)).contiguous()

    def _recolour(self, x: torch.Tensor) -> torch.Tensor:
        inside = (x.sum(0, keepdim=True) > 0).float()
        gain = torch.tensor(self.rng.uniform(0.6, 1.4, 3), dtype=torch.float32)[:, None, None]
        wide = self.camera == "wide"
        contrast = float(np.exp(self.rng.uniform(np.log(0.45), np.log(1.4)))) if wide else float(self.rng.uniform(0.7, 1.4))
        shift = torch.tensor(self.rng.uniform(-12, 12, 3), dtype=torch.float32)[:, None, None]
        y = 128 + contrast * gain * (x - 128) + shift
        y = y.clamp(0, 255)
        gamma = float(np.exp(self.rng.uniform(np.log(0.75), np.log(1.35))))
        y = 255 * (y / 255) ** gamma
        if self.rng.random() < 0.2:
            k = torch.tensor([1.0, 2.0, 1.0])
            k = (k[:, None] * k[None, :]) / 16
            y = F.conv2d(y[:, None], k[None, None], padding=1)[:, 0]
        if wide and self.rng.random() < 0.3:
            y = y + torch.from_numpy(self.rng.normal(0, self.rng.uniform(1, 4), y.shape).astype(np.float32))
        y = (y * inside).round().clamp(0, 255)
        if wide and self.rng.random() < 0.25:
            y = jpeg_roundtrip(y, int(self.rng.integers(40, 91))) * inside
        return y
