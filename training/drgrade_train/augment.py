"""Training-time augmentation, applied to whole batches on the training device (CPU or GPU).

The reference system's augmentation (random rotation up to ±45°, horizontal and vertical flips, shifts) plus a
random resized crop of area 0.85–1 folded into the same affine warp (one resampling instead of two), and mild
brightness / contrast / saturation jitter inside the field of view. Hue is never touched: the annotated inputs
carry colour-coded findings. Evaluation never augments.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random transforms; every range is symmetric around the identity."""

    #: Maximum absolute rotation in degrees.
    rotate_deg: float = 45.0
    #: Maximum absolute shift as a fraction of the image side.
    shift: float = 0.07
    hflip: bool = True
    vflip: bool = True
    #: Smallest crop area kept by the random resized crop (1 disables it).
    crop_area_min: float = 0.85
    #: Maximum relative change of brightness, contrast and saturation.
    brightness: float = 0.10
    contrast: float = 0.10
    saturation: float = 0.10

    def describe(self) -> dict[str, object]:
        """A JSON-friendly summary for the manifest."""
        return asdict(self)


NO_AUGMENT = AugmentConfig(0.0, 0.0, False, False, 1.0, 0.0, 0.0, 0.0)


def _uniform(n: int, lo: float, hi: float, gen: torch.Generator) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(n, generator=gen, dtype=torch.float64)


def _sign(n: int, enabled: bool, gen: torch.Generator) -> torch.Tensor:
    if not enabled:
        return torch.ones(n, dtype=torch.float64)
    return torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0).to(torch.float64)


def augment_batch(x: torch.Tensor, cfg: AugmentConfig, gen: torch.Generator) -> torch.Tensor:
    """Augments float32 [B, 3, H, W] images with values in [0, 1]; random numbers come from `gen` (a CPU
    generator, so a seed gives the same augmentation on CPU and GPU)."""
    b = x.shape[0]
    angle = _uniform(b, -cfg.rotate_deg, cfg.rotate_deg, gen) * (math.pi / 180.0)
    # A crop of area a, resized back to full size, magnifies by 1/sqrt(a).
    zoom = 1.0 / torch.sqrt(_uniform(b, cfg.crop_area_min, 1.0, gen))
    # affine_grid works in [-1, 1] coordinates: a shift of s * side is 2 * s there.
    tx = _uniform(b, -cfg.shift, cfg.shift, gen) * 2.0
    ty = _uniform(b, -cfg.shift, cfg.shift, gen) * 2.0
    fx = _sign(b, cfg.hflip, gen)
    fy = _sign(b, cfg.vflip, gen)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack(
        [
            torch.stack([cos * fx, -sin * fy, tx], dim=1),
            torch.stack([sin * fx, cos * fy, ty], dim=1),
        ],
        dim=1,
    ).to(device=x.device, dtype=x.dtype)
    identity = (
        cfg.rotate_deg == 0 and cfg.shift == 0 and not cfg.hflip and not cfg.vflip and cfg.crop_area_min >= 1.0
    )
    if not identity:
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        # Outside the source is black, like the background around the field of view.
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    if cfg.brightness > 0 or cfg.contrast > 0 or cfg.saturation > 0:
        bright = _uniform(b, 1 - cfg.brightness, 1 + cfg.brightness, gen)
        contr = _uniform(b, 1 - cfg.contrast, 1 + cfg.contrast, gen)
        satur = _uniform(b, 1 - cfg.saturation, 1 + cfg.saturation, gen)
        shape = (b, 1, 1, 1)
        bright = bright.to(device=x.device, dtype=x.dtype).view(shape)
        contr = contr.to(device=x.device, dtype=x.dtype).view(shape)
        satur = satur.to(device=x.device, dtype=x.dtype).view(shape)
        # Jitter inside the field of view only, so the black surround stays black.
        fov = (x.amax(dim=1, keepdim=True) > (8.0 / 255.0)).to(x.dtype)
        x = x * bright
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        area = fov.sum(dim=(2, 3), keepdim=True).clamp_min(1.0)
        mean = (gray * fov).sum(dim=(2, 3), keepdim=True) / area
        x = (x - mean) * contr + mean
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        x = gray + (x - gray) * satur
        x = x.clamp(0.0, 1.0) * fov
    return x


def mixup(
    x: torch.Tensor, y: torch.Tensor, alpha: float, gen: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """Mixup (Zhang et al., 2018, "mixup: Beyond Empirical Risk Minimization"): x' = lam x + (1 - lam) x[perm].
    Returns the mixed batch, both label vectors and lam; the loss is lam L(y) + (1 - lam) L(y[perm])."""
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=gen).item())
    lam = random.Random(seed).betavariate(alpha, alpha) if alpha > 0 else 1.0
    perm = torch.randperm(x.shape[0], generator=gen).to(x.device)
    return lam * x + (1 - lam) * x[perm], y, y[perm], lam
