"""Networks that output five ICDR logits. All build without downloading anything (weights=None); ImageNet or
self-supervised weights come only from a local file given with --pretrained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn as nn
import torchvision

from .constants import NUM_CLASSES


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a residual connection (He et al., 2016, "Deep Residual Learning")."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        # Zero-initialised last BN: each block starts as the identity, which trains better from scratch
        # (Goyal et al., 2017, "Accurate, Large Minibatch SGD").
        nn.init.zeros_(self.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


class CompactNet(nn.Module):
    """A small ResNet-like network for CPU training from scratch at 384–768 px.

    Two stride-2 stem convolutions bring the image to a quarter of its side before the residual stages, which keeps
    a 512-px step cheap on CPU (about 1 GMAC per image) while the 3x3 kernels still see every pixel. It pools with
    both average and max: a few microaneurysms or a single new vessel decide a grade, and an average over the whole
    field of view dilutes them, while the max keeps the strongest local evidence.
    """

    def __init__(self, num_classes: int = NUM_CLASSES, stem: tuple[int, int] = (24, 32),
                 widths: tuple[int, ...] = (48, 96, 160, 256), depths: tuple[int, ...] = (1, 2, 2, 2),
                 dropout: float = 0.2) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, stem[0], 3, 2, 1, bias=False), nn.BatchNorm2d(stem[0]), nn.ReLU(inplace=True),
            nn.Conv2d(stem[0], stem[1], 3, 2, 1, bias=False), nn.BatchNorm2d(stem[1]), nn.ReLU(inplace=True),
        )
        layers: list[nn.Module] = []
        cin = stem[1]
        for cout, depth in zip(widths, depths):
            layers.append(BasicBlock(cin, cout, 2))
            layers.extend(BasicBlock(cout, cout, 1) for _ in range(depth - 1))
            cin = cout
        self.features = nn.Sequential(*layers)
        self.avg = nn.AdaptiveAvgPool2d(1)
        self.max = nn.AdaptiveMaxPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2 * cin, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.features(self.stem(x))
        pooled = torch.cat([torch.flatten(self.avg(f), 1), torch.flatten(self.max(f), 1)], dim=1)
        return self.fc(self.dropout(pooled))


def _resnet(builder: Callable[..., nn.Module], dropout: float) -> nn.Module:
    model = builder(weights=None)
    in_features = model.fc.in_features
    model.fc = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_features, NUM_CLASSES)) if dropout > 0 else nn.Linear(
        in_features, NUM_CLASSES
    )
    return model


def _torchvision_classifier(builder: Callable[..., nn.Module], dropout: float) -> nn.Module:
    """MobileNet / EfficientNet: keep their classifier but replace the last Linear with a five-way one."""
    model = builder(weights=None)
    head = model.classifier
    last = head[-1]
    head[-1] = nn.Linear(last.in_features, NUM_CLASSES)
    for m in head:
        if isinstance(m, nn.Dropout):
            m.p = dropout
    return model


@dataclass(frozen=True)
class Architecture:
    """A buildable network and a one-line description for the manifest and the model card."""

    name: str
    description: str
    build: Callable[[float], nn.Module]


ARCHITECTURES: dict[str, Architecture] = {
    "compact": Architecture(
        "compact", "CompactNet: stride-4 stem, 7 residual blocks, widths 48-256, avg+max pooling (3.4 M parameters)",
        lambda d: CompactNet(dropout=d),
    ),
    "resnet18": Architecture(
        "resnet18", "torchvision ResNet-18 (11 M parameters)", lambda d: _resnet(torchvision.models.resnet18, d)
    ),
    "resnet34": Architecture(
        "resnet34", "torchvision ResNet-34 (21 M parameters)", lambda d: _resnet(torchvision.models.resnet34, d)
    ),
    "mobilenet_v3_small": Architecture(
        "mobilenet_v3_small", "torchvision MobileNetV3-Small (1.5 M parameters)",
        lambda d: _torchvision_classifier(torchvision.models.mobilenet_v3_small, d),
    ),
    "mobilenet_v3_large": Architecture(
        "mobilenet_v3_large", "torchvision MobileNetV3-Large (4.2 M parameters)",
        lambda d: _torchvision_classifier(torchvision.models.mobilenet_v3_large, d),
    ),
    "efficientnet_b0": Architecture(
        "efficientnet_b0", "torchvision EfficientNet-B0 (4.0 M parameters)",
        lambda d: _torchvision_classifier(torchvision.models.efficientnet_b0, d),
    ),
}


def build_model(arch: str, dropout: float = 0.2) -> nn.Module:
    """Builds an untrained network with five outputs."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"Expected one of {', '.join(ARCHITECTURES)} for --arch but received {arch}")
    return ARCHITECTURES[arch].build(dropout)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _state_dict_from_file(path: str) -> dict[str, torch.Tensor]:
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # very old torch without weights_only
        obj = torch.load(path, map_location="cpu")
    if isinstance(obj, dict):
        for key in ("state_dict", "model", "model_state", "backbone"):
            inner = obj.get(key)
            if isinstance(inner, dict) and inner and all(isinstance(v, torch.Tensor) for v in inner.values()):
                obj = inner
                break
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ValueError("Expected a state_dict (tensor per parameter name) in the --pretrained file but received "
                         f"{type(obj).__name__}")
    prefixes = ("module.", "model.", "backbone.", "encoder.")
    out: dict[str, torch.Tensor] = {}
    for k, v in obj.items():
        for p in prefixes:
            if k.startswith(p):
                k = k[len(p):]
                break
        out[k] = v
    return out


def load_pretrained(model: nn.Module, path: str) -> dict[str, int]:
    """Loads every weight of a local .pth whose name and shape match (the five-way head never does, so it stays
    freshly initialised). Accepts torchvision's ImageNet files (resnet18-f37072fd.pth, …) and checkpoints that wrap a
    state_dict under 'state_dict' / 'model'. Returns counts of loaded, skipped and missing tensors."""
    source = _state_dict_from_file(path)
    target = model.state_dict()
    compatible = {k: v for k, v in source.items() if k in target and target[k].shape == v.shape}
    if not compatible:
        raise ValueError("Expected weights matching the chosen --arch in the --pretrained file but none matched")
    model.load_state_dict(compatible, strict=False)
    return {
        "loaded": len(compatible),
        "skipped": len(source) - len(compatible),
        "missing": len([k for k in target if k not in compatible]),
    }
