"""Data of the landmark recipe: the folder written by `drgrade prepare-landmarks` (256 px model inputs and expert
disc / fovea positions in those pixels), its folds, and the camera augmentation that makes one camera's
photographs look like many.

The augmentation imitates what other cameras and protocols do to a macula-centred 50-degree photograph after
normalisation (the FOV circle is always rescaled to the same diameter, so a narrower field shows a magnified
part of the retina):
- fields of 50 down to about 26 degrees (zoom 1 to 1.9, p 0.5), aimed anywhere that keeps the new field inside the
  old one: disc-centred, macula-centred and in between (the `shifted-field` and `field-30` camera transforms);
- rotation +-20 degrees, mirror images (left and right eyes), small shifts; frames cut at top and bottom (p 0.15);
- white balance and pigmentation: per-channel gains (red 0.6-1.4, green 0.45-1.5, blue 0.4-2.2, log-uniform),
  saturation 0.4-1.3, tone curves gamma 0.6-1.7, defocus blur (p 0.3) and sensor noise (p 0.3).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .landmark_model import INPUT_PX, MAP_PX, OUTPUT_STRIDE


@dataclass
class LandmarkSample:
    stem: str
    image: np.ndarray  # uint8 [3, 256, 256]
    disc: tuple[float, float]
    fovea: tuple[float, float]
    disc_radius: float  # IDRiD's disc radius (the within-one-disc-radius criterion), input pixels
    fov_radius: float
    classical: dict


def read_prepared_landmarks(folder: str) -> list[LandmarkSample]:
    """Reads `landmarks.jsonl` and the PNGs beside it (PIL, which torchvision depends on)."""
    from PIL import Image
    out: list[LandmarkSample] = []
    with open(os.path.join(folder, "landmarks.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            if r["side"] != INPUT_PX:
                raise ValueError(f"{r['stem']}: prepared at {r['side']} px, the model reads {INPUT_PX}")
            im = np.asarray(Image.open(os.path.join(folder, f"{r['stem']}.png")).convert("RGB"), dtype=np.uint8)
            out.append(LandmarkSample(r["stem"], np.ascontiguousarray(im.transpose(2, 0, 1)),
                                      (r["disc"]["x"], r["disc"]["y"]), (r["fovea"]["x"], r["fovea"]["y"]),
                                      r["discRadius"], r["fovRadius"], r.get("classical") or {}))
    if not out:
        raise ValueError(f"{folder}: landmarks.jsonl lists no photographs")
    return sorted(out, key=lambda s: s.stem)


def landmark_folds(stems: list[str], k: int) -> dict[str, int]:
    """Contiguous folds over the sorted names: fold 0 holds the first photographs, so it holds the first 80
    distinct grading photographs that `drgrade eval-cameras --limit 80` transforms."""
    ordered = sorted(stems)
    return {s: i * k // len(ordered) for i, s in enumerate(ordered)}


def _log_uniform(rng: np.random.Generator, lo: float, hi: float, size=None):
    return np.exp(rng.uniform(math.log(lo), math.log(hi), size))


class LandmarkAugmenter:
    """Batches of augmented images and their targets (see the module text)."""

    def __init__(self, samples: list[LandmarkSample], seed: int, augment: bool = True) -> None:
        self.samples = samples
        self.rng = np.random.default_rng(seed)
        self.augment = augment
        self.images = torch.from_numpy(np.stack([s.image for s in samples]))
        self.points = torch.tensor([[s.disc, s.fovea] for s in samples], dtype=torch.float32)  # [N, 2, (x, y)]
        self.fov_r = torch.tensor([s.fov_radius for s in samples], dtype=torch.float32)

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(uint8 images [n, 3, 256, 256], points [n, 2, 2] in input pixels, present [n, 2] bool)."""
        rng = self.rng
        idx = rng.integers(0, len(self.samples), n)
        img = self.images[idx].float() / 255.0
        pts = self.points[idx].clone()
        fov_r = self.fov_r[idx] / (INPUT_PX / 2)  # FOV radius in [-1, 1] units
        if not self.augment:
            return self.images[idx], pts, torch.ones(n, 2, dtype=torch.bool)
        # Geometry: output coordinate u (in [-1, 1]) reads input coordinate A u + c.
        zoom = np.where(rng.random(n) < 0.5, rng.uniform(1.0, 1.9, n), rng.uniform(0.92, 1.08, n))
        angle = rng.uniform(-20, 20, n) * math.pi / 180
        flip = np.where(rng.random(n) < 0.5, -1.0, 1.0)
        # The new field's centre: anywhere that keeps it inside the old one (radius fov_r / zoom inside fov_r).
        reach = np.maximum(0.0, fov_r.numpy() * (1 - 1 / zoom))
        rho = reach * np.sqrt(rng.random(n))
        phi = rng.uniform(0, 2 * math.pi, n)
        cx = rho * np.cos(phi) + rng.uniform(-0.04, 0.04, n)
        cy = rho * np.sin(phi) + rng.uniform(-0.04, 0.04, n)
        cos, sin = np.cos(angle) / zoom, np.sin(angle) / zoom
        theta = torch.tensor(np.stack([np.stack([cos * flip, -sin, cx], 1), np.stack([sin * flip, cos, cy], 1)], 1), dtype=torch.float32)
        grid = F.affine_grid(theta, [n, 3, INPUT_PX, INPUT_PX], align_corners=False)
        img = F.grid_sample(img, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        # Landmarks: u = A^-1 (p - c), p in [-1, 1] units (align_corners=False: p = (x + 0.5) / 128 - 1... in pixels x / 128 - 1).
        p = pts / (INPUT_PX / 2) - 1
        a = theta[:, :, :2]
        c = theta[:, :, 2]
        u = torch.linalg.solve(a.unsqueeze(1).expand(n, 2, 2, 2), (p - c.unsqueeze(1)).unsqueeze(-1)).squeeze(-1)
        # The new field is the normalised FOV circle again; a frame may also cut it at top and bottom.
        yy, xx = torch.meshgrid(torch.linspace(-1 + 1 / INPUT_PX, 1 - 1 / INPUT_PX, INPUT_PX), torch.linspace(-1 + 1 / INPUT_PX, 1 - 1 / INPUT_PX, INPUT_PX), indexing="ij")
        r = fov_r.view(n, 1, 1)
        inside = (xx ** 2 + yy ** 2).unsqueeze(0) <= r ** 2
        cut = torch.tensor(np.where(rng.random(n) < 0.15, rng.uniform(0.7, 0.95, n), 2.0), dtype=torch.float32).view(n, 1, 1)
        inside = inside & (yy.abs().unsqueeze(0) <= cut * r)
        img = img * inside.unsqueeze(1).float()
        un = u.clone()
        present = ((un[..., 0] ** 2 + un[..., 1] ** 2) <= (fov_r.view(n, 1) * 0.98) ** 2) & (un[..., 1].abs() <= cut.view(n, 1) * fov_r.view(n, 1) * 0.98)
        pts = (u + 1) * (INPUT_PX / 2)
        # Colour: channel gains, saturation, tone curve, blur, noise.
        gains = torch.tensor(np.stack([_log_uniform(rng, 0.6, 1.4, n), _log_uniform(rng, 0.45, 1.5, n), _log_uniform(rng, 0.4, 2.2, n)], 1), dtype=torch.float32)
        img = img * gains.view(n, 3, 1, 1)
        grey = img.mean(dim=1, keepdim=True)
        sat = torch.tensor(rng.uniform(0.4, 1.3, n), dtype=torch.float32).view(n, 1, 1, 1)
        img = (grey + sat * (img - grey)).clamp(0, 1)
        gamma = torch.tensor(_log_uniform(rng, 0.6, 1.7, n), dtype=torch.float32).view(n, 1, 1, 1)
        img = img.clamp(min=1e-6) ** gamma
        blur = rng.random(n) < 0.3
        if blur.any():
            k = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16
            kern = (k.view(1, 5) * k.view(5, 1)).expand(3, 1, 5, 5)
            sel = torch.from_numpy(np.flatnonzero(blur))
            img[sel] = F.conv2d(F.pad(img[sel], (2, 2, 2, 2), mode="replicate"), kern, groups=3)
        noise = torch.tensor(np.where(rng.random(n) < 0.3, rng.uniform(0.003, 0.02, n), 0.0), dtype=torch.float32).view(n, 1, 1, 1)
        img = img + noise * torch.randn_like(img)
        img = (img * inside.unsqueeze(1).float()).clamp(0, 1)
        return (img * 255).round().to(torch.uint8), pts, present


def heatmap_targets(points: torch.Tensor, present: torch.Tensor, sigma: float = 1.5) -> torch.Tensor:
    """Target distributions [n, 2, 64*64 + 1]: a Gaussian (sigma in map cells) around each present landmark, all
    mass on the last ("absent") cell otherwise."""
    n = points.shape[0]
    centres = torch.arange(MAP_PX, dtype=torch.float32)
    m = points / OUTPUT_STRIDE - 0.5  # map coordinates of cell centres
    gx = torch.exp(-((centres.view(1, 1, -1) - m[..., 0:1]) ** 2) / (2 * sigma ** 2))
    gy = torch.exp(-((centres.view(1, 1, -1) - m[..., 1:2]) ** 2) / (2 * sigma ** 2))
    g = (gy.unsqueeze(-1) * gx.unsqueeze(-2)).reshape(n, 2, MAP_PX * MAP_PX)
    g = g / g.sum(dim=2, keepdim=True).clamp(min=1e-12)
    out = torch.zeros(n, 2, MAP_PX * MAP_PX + 1)
    out[..., :-1] = g * present.unsqueeze(-1).float()
    out[..., -1] = (~present).float()
    return out
