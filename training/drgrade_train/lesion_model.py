"""LesionNet: a compact encoder-decoder that maps an enhanced normalised fundus image to per-class lesion
probabilities (MA, HE, EX, SE) at half the input resolution.

Design (measured on this project's 2-core CPU, see docs/lesions.md): depthwise-separable convolutions
(MobileNet, Howard et al. 2017) keep one 1072x1072 image near 2 GMAC; a stride-2 stem keeps microaneurysms
(1.5-4.5 px radius on the 1024 px retina) visible at half resolution; four levels down to 1/16 give the context
that tells a bright exudate from the optic disc and a dark microaneurysm from a vessel; the decoder adds skips
(U-Net, Ronneberger et al. 2015, with additions instead of concatenations to save compute).

The graph takes UINT8 NCHW pixels and scales them inside (x / 255 - 0.5) / 0.25, so the runtime feeds the
decoded bytes as they are (model contract v2).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

#: Output channels, in order (shared/lesions/lesionClasses.ts).
LESION_CODES: tuple[str, ...] = ("MA", "HE", "EX", "SE")

#: Input height and width must be multiples of this (four stride-2 levels).
MULTIPLE_OF = 16

#: Output stride: the probability maps are at 1/2 of the input size.
OUTPUT_STRIDE = 2


def _bn_relu(c: int) -> list[nn.Module]:
    return [nn.BatchNorm2d(c), nn.ReLU(inplace=True)]


class Separable(nn.Sequential):
    """Depthwise 3x3 (optionally strided or dilated) then pointwise 1x1, each with batch norm and ReLU."""

    def __init__(self, cin: int, cout: int, stride: int = 1, dilation: int = 1) -> None:
        super().__init__(
            nn.Conv2d(cin, cin, 3, stride=stride, padding=dilation, dilation=dilation, groups=cin, bias=False),
            *_bn_relu(cin),
            nn.Conv2d(cin, cout, 1, bias=False),
            *_bn_relu(cout),
        )


class LesionNet(nn.Module):
    """Encoder 24/48/96/128 channels at 1/2, 1/4, 1/8, 1/16; decoder back to 1/2; sigmoid per class."""

    def __init__(self, widths: tuple[int, int, int, int] = (24, 48, 96, 128), classes: int = len(LESION_CODES)) -> None:
        super().__init__()
        w1, w2, w3, w4 = widths
        self.stem = nn.Sequential(nn.Conv2d(3, w1, 3, stride=2, padding=1, bias=False), *_bn_relu(w1))
        self.enc1 = Separable(w1, w1)
        self.enc2 = nn.Sequential(Separable(w1, w2, stride=2), Separable(w2, w2))
        self.enc3 = nn.Sequential(Separable(w2, w3, stride=2), Separable(w3, w3))
        self.enc4 = nn.Sequential(Separable(w3, w4, stride=2), Separable(w4, w4, dilation=2))
        self.lat4 = nn.Conv2d(w4, w3, 1, bias=False)
        self.dec3 = Separable(w3, w3)
        self.lat3 = nn.Conv2d(w3, w2, 1, bias=False)
        self.dec2 = Separable(w2, w2)
        self.lat2 = nn.Conv2d(w2, w1, 1, bias=False)
        self.dec1 = Separable(w1, w1)
        self.head = nn.Conv2d(w1, classes, 1)
        nn.init.constant_(self.head.bias, -4.0)  # lesions are rare: start from a low prior (Lin et al. 2017)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits at 1/2 resolution from a float image already scaled to the network's range."""
        e1 = self.enc1(self.stem(x))
        e2 = self.enc2(e1)
        e3 = self.enc3(e2)
        e4 = self.enc4(e3)
        d3 = self.dec3(e3 + F.interpolate(self.lat4(e4), scale_factor=2.0, mode="nearest"))
        d2 = self.dec2(e2 + F.interpolate(self.lat3(d3), scale_factor=2.0, mode="nearest"))
        d1 = self.dec1(e1 + F.interpolate(self.lat2(d2), scale_factor=2.0, mode="nearest"))
        return self.head(d1)

    def forward(self, image_uint8: torch.Tensor) -> torch.Tensor:
        """UINT8 (or float 0-255) NCHW pixels -> probabilities at 1/2 resolution."""
        x = (image_uint8.float() / 255.0 - 0.5) / 0.25
        return torch.sigmoid(self.logits(x))
