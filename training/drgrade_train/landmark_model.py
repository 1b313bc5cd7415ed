"""LandmarkNet: a small encoder-decoder that finds the optic disc and the fovea in the whole normalised fundus
image, read at 256 px (shared/landmarks/landmarkModelInput.ts).

- Input: UINT8 NCHW pixels [N, 3, 256, 256] (model contract v2). The graph standardises each channel over the
  field of view (pixels whose channel sum exceeds 12), so a camera's white balance, exposure and the retina's
  pigmentation, which scale or shift a channel, do not reach the network; tone curves (gamma) are left to the
  augmentation.
- Output 'heatmaps' [N, 2, 64, 64] (disc, fovea) and 'absent' [N, 2]: per landmark one softmax over the 64 x 64
  map cells plus one "not in this field" cell, so heatmaps + absent sum to 1 per landmark. Cell (i, j) covers
  input pixels 4j..4j+3 (stride 4).
- Encoder to 1/64 (4 x 4 cells, each seeing the whole retina: the disc-fovea geometry is global); decoder back to
  1/4 with additive skips (U-Net, Ronneberger et al. 2015). About 0.4 M parameters, 0.2 GMAC.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

#: Output channels, in order (shared/landmarks/LandmarkModel.ts).
LANDMARK_NAMES: tuple[str, ...] = ("disc", "fovea")
INPUT_PX = 256
OUTPUT_STRIDE = 4
MAP_PX = INPUT_PX // OUTPUT_STRIDE
#: A pixel belongs to the field of view when its R + G + B exceeds this (the normalised image is black outside).
FOV_SUM_THRESHOLD = 12.0


def _block(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


def standardise(image: torch.Tensor) -> torch.Tensor:
    """Per image and channel: (x - mean) / std over the field of view, 0 outside it."""
    x = image.float()
    m = (x.sum(dim=1, keepdim=True) > FOV_SUM_THRESHOLD).float()
    n = m.sum(dim=(2, 3), keepdim=True).clamp(min=1.0)
    mean = (x * m).sum(dim=(2, 3), keepdim=True) / n
    var = (((x - mean) * m) ** 2).sum(dim=(2, 3), keepdim=True) / n
    return (x - mean) / torch.sqrt(var + 1.0) * m


class LandmarkNet(nn.Module):
    def __init__(self, widths: tuple[int, ...] = (16, 24, 32, 48, 64, 96, 128)) -> None:
        super().__init__()
        w = widths
        self.stem = _block(3, w[0], 2)        # 1/2
        self.e1 = _block(w[0], w[1], 2)       # 1/4  (the output level)
        self.e2 = _block(w[1], w[2], 2)       # 1/8
        self.e3 = _block(w[2], w[3], 2)       # 1/16
        self.e4 = _block(w[3], w[4], 2)       # 1/32
        self.e5 = _block(w[4], w[5], 2)       # 1/64
        self.lat5 = nn.Conv2d(w[5], w[4], 1, bias=False)
        self.d4 = _block(w[4], w[4], 1)
        self.lat4 = nn.Conv2d(w[4], w[3], 1, bias=False)
        self.d3 = _block(w[3], w[3], 1)
        self.lat3 = nn.Conv2d(w[3], w[2], 1, bias=False)
        self.d2 = _block(w[2], w[2], 1)
        self.lat2 = nn.Conv2d(w[2], w[1], 1, bias=False)
        self.d1 = _block(w[1], w[1], 1)
        self.head = nn.Conv2d(w[1], len(LANDMARK_NAMES), 1)
        self.absent = nn.Linear(w[5], len(LANDMARK_NAMES))

    def logits(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Map logits [N, 2, 64, 64] and absent logits [N, 2]."""
        x = standardise(image)
        s = self.stem(x)
        e1 = self.e1(s)
        e2 = self.e2(e1)
        e3 = self.e3(e2)
        e4 = self.e4(e3)
        e5 = self.e5(e4)
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode="nearest")  # noqa: E731
        d4 = self.d4(e4 + up(self.lat5(e5)))
        d3 = self.d3(e3 + up(self.lat4(d4)))
        d2 = self.d2(e2 + up(self.lat3(d3)))
        d1 = self.d1(e1 + up(self.lat2(d2)))
        return self.head(d1), self.absent(e5.mean(dim=(2, 3)))

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """UINT8 NCHW pixels -> (heatmaps [N, 2, 64, 64], absent [N, 2]), one softmax per landmark."""
        maps, absent = self.logits(image)
        n, c, h, w = maps.shape
        joint = torch.softmax(torch.cat([maps.reshape(n, c, h * w), absent.unsqueeze(2)], dim=2), dim=2)
        return joint[:, :, : h * w].reshape(n, c, h, w), joint[:, :, h * w]


def decode(heatmap: torch.Tensor, absent: float, window: int = 2) -> dict[str, float]:
    """One landmark from its map [64, 64] (the TypeScript decoder in shared/landmarks/LandmarkModel.ts does the
    same): the arg-max cell, the probability-weighted centre of the (2 window + 1)^2 cells around it, in input
    pixels, and `mass`, the probability inside that window."""
    h, w = heatmap.shape
    idx = int(torch.argmax(heatmap))
    cy, cx = divmod(idx, w)
    y0, y1, x0, x1 = max(0, cy - window), min(h, cy + window + 1), max(0, cx - window), min(w, cx + window + 1)
    patch = heatmap[y0:y1, x0:x1].double()
    mass = float(patch.sum())
    ys = torch.arange(y0, y1, dtype=torch.float64).unsqueeze(1)
    xs = torch.arange(x0, x1, dtype=torch.float64).unsqueeze(0)
    my = float((patch * ys).sum() / max(mass, 1e-12))
    mx = float((patch * xs).sum() / max(mass, 1e-12))
    return {"x": (mx + 0.5) * OUTPUT_STRIDE, "y": (my + 0.5) * OUTPUT_STRIDE, "mass": mass, "absent": float(absent)}
