"""The data side of the recipe: labels with their duplicate groups, the stratified split, the prepared images and
the tensor contract shared with serving.

Tensor contract (must equal shared/grading/imageToTensor.ts): PNG decoded to uint8 RGB HWC, then
value = (pixel / 255 - mean[c]) / std[c] in float32, laid out CHW in RGB order. Every eval tensor, and the parity
fixture, goes through `normalize_uint8`; training adds augmentation between `to_unit` and `standardize` only.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import torch
from PIL import Image

SPLIT_TRAIN = "train"
SPLIT_VAL = "val"

CONFLICT_POLICIES = ("keep-first", "drop-all")


class DataError(ValueError):
    """A problem with the labels, the split or the prepared images, worded for the person running the recipe."""


def anonymize(identifier: str) -> str:
    """A short sha256 prefix standing in for an image identifier in messages (identifiers are never logged)."""
    return "sha256:" + hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:12]


def stem_of(name: str) -> str:
    """`train/IDRiD_001.jpg` -> `IDRiD_001`."""
    base = name.strip().replace("\\", "/").rsplit("/", 1)[-1]
    root, ext = os.path.splitext(base)
    return root if ext.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp") else base


# ---------------------------------------------------------------------------------------------------------------
# The tensor contract
# ---------------------------------------------------------------------------------------------------------------


def _channel_tensor(values: Sequence[float], like: torch.Tensor) -> torch.Tensor:
    if len(values) != 3:
        raise DataError(f"Expected 3 per-channel values but received {len(values)}")
    return torch.tensor([float(v) for v in values], dtype=torch.float32, device=like.device).view(3, 1, 1)


def to_unit(x_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 [..., 3, H, W] -> float32 in [0, 1] as pixel / 255.

    The divisor is a device tensor, not a Python scalar: CUDA turns division by a CPU scalar into multiplication
    by its reciprocal, which is not the correctly rounded float32 quotient that imageToTensor.ts computes.
    """
    if x_uint8.dtype != torch.uint8:
        raise DataError(f"Expected a uint8 tensor for image but received {x_uint8.dtype}")
    divisor = torch.full((1,), 255.0, dtype=torch.float32, device=x_uint8.device)
    return x_uint8.to(torch.float32) / divisor


def standardize(x_unit: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """float32 [..., 3, H, W] in [0, 1] -> (x - mean[c]) / std[c], two separately rounded float32 operations."""
    return (x_unit - _channel_tensor(mean, x_unit)) / _channel_tensor(std, x_unit)


def normalize_uint8(x_uint8: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """The evaluation path: uint8 CHW (or NCHW) -> model input. Equal to imageToTensor.ts to float rounding."""
    return standardize(to_unit(x_uint8), mean, std)


def read_png_rgb(path: str) -> np.ndarray:
    """Decodes an image file to uint8 RGB HWC; an alpha channel is dropped, as sharp's removeAlpha() does."""
    with Image.open(path) as img:
        if img.mode not in ("RGB", "RGBA", "L", "P", "LA"):
            raise DataError(f"Expected an 8-bit RGB image for {anonymize(path)} but received mode {img.mode}")
        rgb = img.convert("RGB")
        return np.array(rgb, dtype=np.uint8, copy=True)


def hwc_to_chw_uint8(rgb: np.ndarray) -> torch.Tensor:
    """uint8 HWC numpy -> uint8 CHW tensor (contiguous)."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise DataError(f"Expected a uint8 HxWx3 array for image but received {rgb.dtype} {rgb.shape}")
    return torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))


def image_to_tensor(rgb: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """uint8 RGB HWC -> float32 CHW model input (the Python twin of shared/grading/imageToTensor.ts)."""
    return normalize_uint8(hwc_to_chw_uint8(rgb), mean, std)


def load_tensor(path: str, mean: Sequence[float], std: Sequence[float], size: int | None = None) -> torch.Tensor:
    """Reads a model-ready PNG and returns its model input; the PNG is never resized here."""
    rgb = read_png_rgb(path)
    if size is not None and (rgb.shape[0] != size or rgb.shape[1] != size):
        raise DataError(
            f"Expected a {size}x{size} model-ready image for {anonymize(path)} "
            f"but received {rgb.shape[1]}x{rgb.shape[0]}"
        )
    return image_to_tensor(rgb, mean, std)


# ---------------------------------------------------------------------------------------------------------------
# Labels, duplicates and the split
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelRecord:
    """One labelled photograph. `group` names its duplicate group (its own stem when it has no duplicate)."""

    stem: str
    grade: int
    group: str


@dataclass
class LabelReport:
    """What `read_labels` kept and dropped, as counts (no identifiers)."""

    rows: int = 0
    kept: int = 0
    duplicate_groups: int = 0
    dropped_conflicting: int = 0
    dropped_external_duplicates: int = 0
    conflicting_groups: int = 0
    grade_counts: dict[int, int] = field(default_factory=dict)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller name becomes the root so that group names do not depend on row order.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def read_labels(
    path: str,
    *,
    image_column: str = "image",
    grade_column: str = "dr_grade_icdr",
    duplicate_column: str = "duplicate_of",
    conflict_policy: str = "keep-first",
    drop_external_duplicates: bool = True,
) -> tuple[list[LabelRecord], LabelReport]:
    """Reads an IDRiD-style labels CSV and resolves duplicates.

    `duplicate_column` names another image of the same set (`train/IDRiD_391`) or something outside it
    (`a test image`). Images byte-identical to one another form a group that always lands in one split.
    Groups whose labels disagree keep only their first row (`keep-first`, the dataset README's "drop one of each
    pair") or lose every row (`drop-all`). Images identical to a photograph outside this set (the held-out test
    split) are dropped by default so that nothing the project is measured on leaks into training.
    """
    if conflict_policy not in CONFLICT_POLICIES:
        raise DataError(f"Expected one of {', '.join(CONFLICT_POLICIES)} for conflict policy but received {conflict_policy}")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        for col in (image_column, grade_column):
            if col not in fields:
                raise DataError(f"Expected a column {col!r} in the labels CSV but received columns {fields}")
        rows = list(reader)
    report = LabelReport(rows=len(rows))
    order: list[str] = []
    grades: dict[str, int] = {}
    dup_of: dict[str, str] = {}
    for i, row in enumerate(rows):
        stem = stem_of(row[image_column] or "")
        if not stem:
            raise DataError(f"Expected an image name in row {i + 2} of the labels CSV but received an empty cell")
        raw = (row.get(grade_column) or "").strip()
        try:
            grade = int(float(raw))
        except ValueError:
            raise DataError(f"Expected an ICDR grade 0-4 in row {i + 2} of the labels CSV but received {raw!r}") from None
        if grade < 0 or grade > 4 or float(raw) != grade:
            raise DataError(f"Expected an ICDR grade 0-4 in row {i + 2} of the labels CSV but received {raw!r}")
        if stem in grades:
            raise DataError(f"Expected unique image names in the labels CSV but received a repeat in row {i + 2}")
        order.append(stem)
        grades[stem] = grade
        dup = (row.get(duplicate_column) or "").strip() if duplicate_column in fields else ""
        if dup:
            dup_of[stem] = dup

    uf = _UnionFind()
    external: set[str] = set()
    for stem in order:
        uf.find(stem)
    for stem, dup in dup_of.items():
        other = stem_of(dup)
        if other in grades and other != stem:
            uf.union(stem, other)
        else:
            external.add(stem)

    members: dict[str, list[str]] = {}
    for stem in order:
        members.setdefault(uf.find(stem), []).append(stem)

    keep: set[str] = set()
    for root, group in members.items():
        if len(group) > 1:
            report.duplicate_groups += 1
        if len({grades[s] for s in group}) > 1:
            report.conflicting_groups += 1
            if conflict_policy == "keep-first":
                keep.add(group[0])
                report.dropped_conflicting += len(group) - 1
            else:
                report.dropped_conflicting += len(group)
        else:
            keep.update(group)

    records: list[LabelRecord] = []
    for stem in order:
        if stem not in keep:
            continue
        group_root = uf.find(stem)
        # An external duplicate taints its whole group: all of it is the same picture as the held-out one.
        if drop_external_duplicates and any(s in external for s in members[group_root]):
            report.dropped_external_duplicates += 1
            continue
        records.append(LabelRecord(stem=stem, grade=grades[stem], group=group_root))
    report.kept = len(records)
    for r in records:
        report.grade_counts[r.grade] = report.grade_counts.get(r.grade, 0) + 1
    return records, report


def make_split(records: Sequence[LabelRecord], val_fraction: float = 0.2, seed: int = 42) -> dict[str, str]:
    """Stratified split by grade that keeps each duplicate group whole; returns stem -> 'train' | 'val'.

    Depends only on the labels, the fraction and the seed, so every input kind of one experiment gets the same
    split even when `prepare` rejected different photographs for different kinds.
    """
    if not 0.0 < val_fraction < 1.0:
        raise DataError(f"Expected a validation fraction in (0, 1) but received {val_fraction}")
    groups: dict[str, list[LabelRecord]] = {}
    for r in records:
        groups.setdefault(r.group, []).append(r)
    by_grade: dict[int, list[str]] = {}
    for name, members in groups.items():
        by_grade.setdefault(members[0].grade, []).append(name)
    rng = random.Random(seed)
    split: dict[str, str] = {}
    for grade in sorted(by_grade):
        names = sorted(by_grade[grade])
        rng.shuffle(names)
        total = sum(len(groups[n]) for n in names)
        target = int(round(val_fraction * total))
        if total >= 2:
            target = min(max(target, 1), total - 1)
        val_count = 0
        for name in names:
            side = SPLIT_VAL if val_count < target else SPLIT_TRAIN
            for r in groups[name]:
                split[r.stem] = side
            if side == SPLIT_VAL:
                val_count += len(groups[name])
    return split


def write_split(path: str, records: Sequence[LabelRecord], split: dict[str, str]) -> None:
    """Writes split.csv (stem, grade, group, split), sorted by stem."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["stem", "grade", "group", "split"])
        for r in sorted(records, key=lambda r: r.stem):
            if r.stem in split:
                w.writerow([r.stem, r.grade, r.group, split[r.stem]])


def read_split(path: str) -> dict[str, str]:
    """Reads a split.csv written by `write_split`; returns stem -> 'train' | 'val'."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "stem" not in reader.fieldnames or "split" not in reader.fieldnames:
            raise DataError(f"Expected columns stem and split in the split CSV but received {reader.fieldnames}")
        out: dict[str, str] = {}
        for i, row in enumerate(reader):
            side = (row["split"] or "").strip()
            if side not in (SPLIT_TRAIN, SPLIT_VAL):
                raise DataError(f"Expected 'train' or 'val' in row {i + 2} of the split CSV but received {side!r}")
            out[(row["stem"] or "").strip()] = side
    return out


def check_split_groups(records: Sequence[LabelRecord], split: dict[str, str]) -> None:
    """Fails when a duplicate group straddles train and val (a reused split from other labels, say)."""
    sides: dict[str, set[str]] = {}
    for r in records:
        if r.stem in split:
            sides.setdefault(r.group, set()).add(split[r.stem])
    bad = [g for g, s in sides.items() if len(s) > 1]
    if bad:
        raise DataError(
            f"Expected each duplicate group in one split but received {len(bad)} group(s) in both train and val"
        )


# ---------------------------------------------------------------------------------------------------------------
# Prepared images
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class PreparedDir:
    """A folder written by `drgrade prepare`: stem -> PNG path for rows whose status is 'ok'."""

    root: str
    files: dict[str, str]
    not_ok: int


def read_prepared(root: str, accept_status: Sequence[str] = ("ok",)) -> PreparedDir:
    """Reads `<root>/prepared.csv` (stem, file, status[, …]); keeps rows whose status is in `accept_status` and
    whose PNG exists. `prepare` writes a PNG for 'ungradable' photographs too, so accepting that status trains on
    expert-graded photographs that drgrade's quality check would turn away."""
    index = os.path.join(root, "prepared.csv")
    if not os.path.isfile(index):
        raise DataError(f"Expected a prepared.csv in the prepared folder but received none (run `drgrade prepare`)")
    files: dict[str, str] = {}
    not_ok = 0
    with open(index, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        for col in ("stem", "file", "status"):
            if col not in (reader.fieldnames or []):
                raise DataError(f"Expected a column {col!r} in prepared.csv but received {reader.fieldnames}")
        for row in reader:
            rel = (row["file"] or "").strip()
            path = rel if os.path.isabs(rel) else os.path.join(root, rel)
            if (row["status"] or "").strip() not in accept_status or not rel or not os.path.isfile(path):
                not_ok += 1
                continue
            files[(row["stem"] or "").strip()] = path
    return PreparedDir(root=root, files=files, not_ok=not_ok)


def load_images(paths: Sequence[str], size: int | None = None, threads: int = 1) -> tuple[torch.Tensor, int]:
    """Decodes PNGs into one uint8 tensor [N, 3, S, S] (kept in memory: 413 photographs fit easily).

    When `size` is None it is read from the first image; every image must be square and of that size, because
    the PNGs are model-ready and are never resized here (serving does not resize them either).
    """
    if not paths:
        raise DataError("Expected at least one prepared image but received none")
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        arrays = list(pool.map(read_png_rgb, paths))
    side = size if size is not None else arrays[0].shape[0]
    for p, a in zip(paths, arrays):
        if a.shape[0] != side or a.shape[1] != side:
            raise DataError(
                f"Expected a {side}x{side} model-ready image for {anonymize(p)} but received {a.shape[1]}x{a.shape[0]}"
                " (prepare all images with the same --size)"
            )
    out = torch.empty((len(arrays), 3, side, side), dtype=torch.uint8)
    for i, a in enumerate(arrays):
        out[i] = hwc_to_chw_uint8(a)
    return out, side


def channel_stats(images: torch.Tensor, chunk: int = 16) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Per-channel mean and std of uint8 [N, 3, H, W] in [0, 1] units, rounded to 4 decimals for the manifest."""
    total = torch.zeros(3, dtype=torch.float64)
    total_sq = torch.zeros(3, dtype=torch.float64)
    count = 0
    for i in range(0, images.shape[0], chunk):
        x = images[i : i + chunk].to(torch.float64) / 255.0
        total += x.sum(dim=(0, 2, 3))
        total_sq += (x * x).sum(dim=(0, 2, 3))
        count += x.shape[0] * x.shape[2] * x.shape[3]
    mean = total / count
    std = torch.sqrt(torch.clamp(total_sq / count - mean * mean, min=1e-8))
    m = tuple(round(float(v), 4) for v in mean)
    s = tuple(max(round(float(v), 4), 1e-3) for v in std)
    return m, s  # type: ignore[return-value]


def grade_counts(grades: Iterable[int]) -> list[int]:
    """Counts per grade 0..4."""
    counts = [0] * 5
    for g in grades:
        counts[int(g)] += 1
    return counts
