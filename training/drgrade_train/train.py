"""Trains a five-grade ICDR classifier on prepared fundus PNGs, then calibrates, picks referable-DR operating points,
measures it on the validation split, exports ONNX and writes model.json + MODEL_CARD.md.

    python3 training/train.py --prepared <dir> --kind annotated --labels <labels.csv> --out <run dir>

Runs on CPU (Debian python3-torch 1.13) and on CUDA with current PyTorch; only stable APIs are used.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import __version__
from .augment import NO_AUGMENT, AugmentConfig, augment_batch, mixup
from .calibration import fit_temperature, operating_points
from .constants import (
    IDRID_ATTRIBUTION,
    IDRID_DATA,
    IDRID_LICENSE,
    IMAGE_KINDS,
    IMAGENET_MEAN,
    IMAGENET_STD,
    LABELS,
    NUM_CLASSES,
    REFERABLE_FROM,
)
from .data import (
    CONFLICT_POLICIES,
    SPLIT_TRAIN,
    SPLIT_VAL,
    DataError,
    channel_stats,
    check_split_groups,
    grade_counts,
    load_images,
    make_split,
    read_labels,
    read_prepared,
    read_split,
    standardize,
    to_unit,
    write_split,
)
from .convert_uint8 import convert_onnx_file
from .export import FlipAveraged, export_onnx, sha256_file, verify_onnx, write_check_fixture
from .manifest import build_manifest, write_json, write_model_card
from .metrics import (
    binary_rates,
    binary_task_aucs,
    bootstrap_auc_ci,
    confusion_matrix,
    expected_calibration_error,
    nll,
    quadratic_kappa,
    referable_probability,
    roc_auc,
    softmax,
)
from .models import ARCHITECTURES, build_model, count_parameters, load_pretrained

LOG_COLUMNS = (
    "epoch", "partial", "lr", "train_loss", "val_loss", "val_referable_auc", "val_accuracy", "val_kappa",
    "seconds", "best",
)


def _r(v: Any) -> Any:
    return round(v, 3) if isinstance(v, float) else v


def _statuses(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def log(msg: str) -> None:
    """Progress line on stdout (never image names or paths of photographs)."""
    print(f"[drgrade-train] {msg}", flush=True)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="train.py",
        description="Train a five-grade ICDR classifier on `drgrade prepare` output and export model.onnx + "
        "model.json. Research use only.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    d = p.add_argument_group("data")
    d.add_argument("--prepared", required=True, help="folder written by `drgrade prepare` (PNGs + prepared.csv)")
    d.add_argument("--kind", required=True, choices=IMAGE_KINDS, help="image kind the folder was prepared with")
    d.add_argument("--labels", required=True, help="labels CSV (IDRiD form: image, dr_grade_icdr, duplicate_of)")
    d.add_argument("--image-column", default="image")
    d.add_argument("--grade-column", default="dr_grade_icdr")
    d.add_argument("--duplicate-column", default="duplicate_of")
    d.add_argument("--conflicting-duplicates", default="keep-first", choices=CONFLICT_POLICIES,
                   help="duplicate groups with disagreeing grades: keep the first row (dataset README) or drop all")
    d.add_argument("--keep-test-duplicates", action="store_true",
                   help="keep images that duplicate a photograph outside this set (default: drop, no test leakage)")
    d.add_argument("--accept-status", default="ok",
                   help="comma-separated prepared.csv statuses to train on (e.g. ok,ungradable: the photographs "
                        "are expert-graded even where drgrade's quality check would turn them away)")
    d.add_argument("--split", help="reuse this split.csv (same split across original/enhanced/annotated runs)")
    d.add_argument("--val-fraction", type=float, default=0.2)
    d.add_argument("--size", type=int, help="expected PNG side; checked against the images (default: read from them)")
    d.add_argument("--norm", default="auto", choices=("auto", "dataset", "imagenet"),
                   help="normalisation statistics: auto = imagenet with --pretrained, else the training split's")

    m = p.add_argument_group("model")
    m.add_argument("--arch", default="compact", choices=sorted(ARCHITECTURES))
    m.add_argument("--pretrained", help="local .pth with ImageNet (or self-supervised) weights; never downloaded")
    m.add_argument("--dropout", type=float, default=0.2)
    m.add_argument("--tta", default="none", choices=("none", "flip"),
                   help="bake flip test-time augmentation into the exported graph (2x inference cost)")

    t = p.add_argument_group("training")
    t.add_argument("--epochs", type=int, default=30)
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (AdamW)")
    t.add_argument("--weight-decay", type=float, default=0.05)
    t.add_argument("--schedule", default="cosine", choices=("cosine", "onecycle"))
    t.add_argument("--warmup-epochs", type=float, default=1.0, help="linear warm-up (cosine schedule)")
    t.add_argument("--balance", default="weights", choices=("weights", "sampler", "none"),
                   help="class balancing: weighted loss, weighted sampling, or none")
    t.add_argument("--balance-power", type=float, default=0.5,
                   help="class weight = (n / count)^power; 1 is full inverse frequency, 0.5 softer")
    t.add_argument("--label-smoothing", type=float, default=0.05)
    t.add_argument("--referable-weight", type=float, default=1.0,
                   help="weight of the referable BCE on P(grade>=2) from the same five logits (0 = plain CE)")
    t.add_argument("--mixup", type=float, default=0.0, help="mixup alpha (0 = off)")
    t.add_argument("--ema-decay", type=float, default=0.99, help="weight EMA used for validation/export (0 = off)")
    t.add_argument("--rotate-deg", type=float, default=45.0)
    t.add_argument("--shift", type=float, default=0.07, help="max shift as a fraction of the side")
    t.add_argument("--crop-area-min", type=float, default=0.85, help="random resized crop area range [x, 1]")
    t.add_argument("--jitter", type=float, default=0.10, help="brightness/contrast/saturation jitter")
    t.add_argument("--no-augment", action="store_true")
    t.add_argument("--seed", type=int, default=42)

    r = p.add_argument_group("run")
    r.add_argument("--out", help="run folder (default training/runs/<arch>-<kind>-<time>)")
    r.add_argument("--resume", help="continue from a run folder or a checkpoint (.pt)")
    r.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    r.add_argument("--amp", default="auto", choices=("auto", "on", "off"), help="mixed precision on CUDA")
    r.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    r.add_argument("--workers", type=int, default=2, help="threads decoding PNGs at start")
    r.add_argument("--max-minutes", type=float, help="stop cleanly after this many minutes and still export")
    r.add_argument("--select-epoch", default="best", choices=("best", "last"),
                   help="weights exported: the epoch with the best validation referable AUC, or the last epoch (so that "
                        "validation figures are not selected on the validation photographs; out-of-fold studies)")
    r.add_argument("--eval-batch-size", type=int, default=32)

    o = p.add_argument_group("model files")
    o.add_argument("--name", help="model name (default drgrade-<arch>-<kind>-<size>)")
    o.add_argument("--model-version", default="0.1.0")
    o.add_argument("--default-point", default="balanced",
                   choices=("high_sensitivity", "balanced", "high_specificity"))
    o.add_argument("--data-description", default=IDRID_DATA)
    o.add_argument("--data-license", default=IDRID_LICENSE)
    o.add_argument("--data-attribution", default=IDRID_ATTRIBUTION)
    return p


# ---------------------------------------------------------------------------------------------------------------


def select_device(choice: str) -> torch.device:
    """'auto' picks CUDA when available; 'cuda' fails loudly when it is not."""
    if choice == "cuda" or (choice == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda was asked for but torch.cuda.is_available() is false")
        return torch.device("cuda")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Ema:
    """Exponential moving average of the weights (Polyak & Juditsky, 1992); buffers (BN statistics) are copied.
    The decay ramps up as (1 + step) / (10 + step) so early averages do not remember the random init."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.steps = 0

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.steps += 1
        d = min(self.decay, (1.0 + self.steps) / (10.0 + self.steps))
        for e, p in zip(self.model.parameters(), model.parameters()):
            e.mul_(d).add_(p.detach(), alpha=1.0 - d)
        for e, b in zip(self.model.buffers(), model.buffers()):
            e.copy_(b)


def class_weights(counts: Sequence[int], power: float) -> torch.Tensor:
    """w_c = (n / count_c)^power, scaled so that the mean weight over the training images is 1."""
    n = float(sum(counts))
    w = torch.tensor([(n / c) ** power if c > 0 else 0.0 for c in counts], dtype=torch.float32)
    mean = sum(w[i].item() * counts[i] for i in range(len(counts))) / n
    return w / mean


def referable_logit(logits: torch.Tensor) -> torch.Tensor:
    """log P(grade >= 2) - log P(grade < 2) from the five logits: the referable decision read off the same softmax
    the grader serves, so optimising it needs no extra head and the export stays five logits."""
    return torch.logsumexp(logits[:, REFERABLE_FROM:], dim=1) - torch.logsumexp(logits[:, :REFERABLE_FROM], dim=1)


def loss_fn(logits: torch.Tensor, y: torch.Tensor, weights: torch.Tensor | None, smoothing: float,
            referable_weight: float) -> torch.Tensor:
    """Class-weighted, label-smoothed cross-entropy on the five grades + a BCE on P(grade >= 2)."""
    logits = logits.float()
    loss = F.cross_entropy(logits, y, weight=weights, label_smoothing=smoothing)
    if referable_weight > 0:
        target = (y >= REFERABLE_FROM).float()
        loss = loss + referable_weight * F.binary_cross_entropy_with_logits(referable_logit(logits), target)
    return loss


def make_scheduler(opt: torch.optim.Optimizer, kind: str, total_steps: int, warmup_steps: int, lr: float):
    if kind == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(total_steps, 1), pct_start=0.15,
                                                   anneal_strategy="cos", div_factor=25.0, final_div_factor=100.0)
    floor = 0.01

    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


def param_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """No weight decay on biases and normalisation weights (1-D tensors)."""
    decay, no_decay = [], []
    for p in model.parameters():
        if p.requires_grad:
            (no_decay if p.ndim <= 1 else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor, mean: Sequence[float], std: Sequence[float],
            device: torch.device, batch_size: int) -> np.ndarray:
    """float32 logits for uint8 images [N, 3, S, S]; the evaluation path is exactly data.normalize_uint8."""
    model.eval()
    out = []
    for i in range(0, images.shape[0], batch_size):
        x = images[i : i + batch_size].to(device, non_blocking=True)
        x = standardize(to_unit(x), mean, std)
        if device.type == "cuda":
            x = x.contiguous(memory_format=torch.channels_last)
        out.append(model(x).float().cpu())
    return torch.cat(out).numpy() if out else np.zeros((0, NUM_CLASSES), np.float32)


@dataclass
class Dataset:
    images: torch.Tensor
    grades: torch.Tensor
    stems: list[str]


def _save_atomic(obj: Any, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def _torch_load(path: str) -> Any:
    # Our own checkpoints hold optimizer state and plain Python values next to tensors.
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:
        return torch.load(path, map_location="cpu")


# ---------------------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Trains, calibrates, exports; returns the manifest written. Raises DataError for bad inputs."""
    started = time.monotonic()
    deadline = started + args.max_minutes * 60.0 if args.max_minutes else None
    if args.threads:
        torch.set_num_threads(args.threads)
    device = select_device(args.device)
    seed_everything(args.seed)

    split_reused = bool(args.split)
    resume_path = None
    if args.resume:
        resume_path = os.path.join(args.resume, "last.pt") if os.path.isdir(args.resume) else args.resume
        if not os.path.isfile(resume_path):
            raise DataError("Expected a checkpoint for --resume but found none (last.pt in the run folder)")
        if not args.out:
            args.out = os.path.dirname(os.path.abspath(resume_path))
    if not args.out:
        args.out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "runs",
                                f"{args.arch}-{args.kind}-{time.strftime('%Y%m%d-%H%M%S')}")
    os.makedirs(args.out, exist_ok=True)
    ckpt = _torch_load(resume_path) if resume_path else None
    if ckpt is not None:
        for key in ("arch", "kind"):
            if ckpt["args"][key] != getattr(args, key):
                raise DataError(f"Expected --{key} {ckpt['args'][key]} to resume this run but received {getattr(args, key)}")
        split_reused = bool(ckpt["args"].get("splitReused", split_reused))
        if not args.split and os.path.isfile(os.path.join(args.out, "split.csv")):
            args.split = os.path.join(args.out, "split.csv")

    # -- labels, split, images --------------------------------------------------------------------------------
    records, report = read_labels(
        args.labels, image_column=args.image_column, grade_column=args.grade_column,
        duplicate_column=args.duplicate_column, conflict_policy=args.conflicting_duplicates,
        drop_external_duplicates=not args.keep_test_duplicates,
    )
    log(f"labels: {report.rows} rows, {report.kept} kept, {report.duplicate_groups} duplicate groups "
        f"({report.conflicting_groups} conflicting: {report.dropped_conflicting} dropped), "
        f"{report.dropped_external_duplicates} dropped as duplicates of held-out images")
    split = read_split(args.split) if args.split else make_split(records, args.val_fraction, args.seed)
    check_split_groups(records, split)
    write_split(os.path.join(args.out, "split.csv"), records, split)
    prepared = read_prepared(args.prepared, accept_status=_statuses(args.accept_status))
    by_stem = {r.stem: r for r in records}
    unlabelled_in_split = sum(1 for s in split if s not in by_stem)

    def subset(side: str) -> list:
        return [by_stem[s] for s in sorted(split) if split[s] == side and s in by_stem and s in prepared.files]

    train_recs, val_recs = subset(SPLIT_TRAIN), subset(SPLIT_VAL)
    missing = sum(1 for s in split if s in by_stem and s not in prepared.files)
    log(f"split: {len(train_recs)} train, {len(val_recs)} val; {missing} not usable (status not in "
        f"--accept-status {args.accept_status}, or no PNG), "
        f"{unlabelled_in_split} split rows without usable labels")
    if len(train_recs) < 2 or len(val_recs) < 2:
        raise DataError(f"Expected at least 2 training and 2 validation images but received {len(train_recs)} and "
                        f"{len(val_recs)}")
    train_imgs, size = load_images([prepared.files[r.stem] for r in train_recs], args.size, args.workers)
    val_imgs, _ = load_images([prepared.files[r.stem] for r in val_recs], size, args.workers)
    train = Dataset(train_imgs, torch.tensor([r.grade for r in train_recs]), [r.stem for r in train_recs])
    val = Dataset(val_imgs, torch.tensor([r.grade for r in val_recs]), [r.stem for r in val_recs])
    if device.type == "cuda":
        # A few hundred uint8 images fit on any GPU; keeping them there removes the per-step host copy.
        train.images, train.grades = train.images.to(device), train.grades.to(device)
        torch.backends.cudnn.benchmark = True
    counts = grade_counts(train.grades.tolist())
    log(f"images: {size}x{size} px; train grades {counts}, val grades {grade_counts(val.grades.tolist())}")

    if ckpt is not None:
        if ckpt["size"] != size:
            raise DataError(f"Expected {ckpt['size']} px images to resume this run but received {size}")
        mean, std = tuple(ckpt["mean"]), tuple(ckpt["std"])
    else:
        norm = args.norm if args.norm != "auto" else ("imagenet" if args.pretrained else "dataset")
        mean, std = (IMAGENET_MEAN, IMAGENET_STD) if norm == "imagenet" else channel_stats(train.images)
    log(f"normalisation mean {list(mean)} std {list(std)}")

    # -- model, optimiser ---------------------------------------------------------------------------------------
    model = build_model(args.arch, args.dropout)
    init = "from scratch"
    if args.pretrained and ckpt is None:
        rep = load_pretrained(model, args.pretrained)
        init = (f"pretrained weights from a local file (sha256 {sha256_file(args.pretrained)[:16]}…; "
                f"{rep['loaded']} tensors loaded, {rep['missing']} new)")
        log(f"pretrained: {rep}")
    model.to(device)
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    ema = Ema(model, args.ema_decay) if args.ema_decay > 0 else None

    steps_per_epoch = max(1, train.images.shape[0] // args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    opt = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr)
    sched = make_scheduler(opt, args.schedule, total_steps, int(args.warmup_epochs * steps_per_epoch), args.lr)
    use_amp = device.type == "cuda" and args.amp != "off"
    amp_dtype = torch.bfloat16 if use_amp and torch.cuda.is_bf16_supported() else torch.float16
    scaler = None
    if use_amp and amp_dtype == torch.float16:
        scaler = torch.amp.GradScaler("cuda") if hasattr(torch.amp, "GradScaler") else torch.cuda.amp.GradScaler()
    weights = class_weights(counts, args.balance_power).to(device) if args.balance == "weights" else None
    sample_p = None
    if args.balance == "sampler":
        per_class = class_weights(counts, args.balance_power)
        sample_p = per_class[train.grades.cpu()]
    aug = NO_AUGMENT if args.no_augment else AugmentConfig(
        rotate_deg=args.rotate_deg, shift=args.shift, crop_area_min=args.crop_area_min,
        brightness=args.jitter, contrast=args.jitter, saturation=args.jitter,
    )
    gen = torch.Generator().manual_seed(args.seed)

    start_epoch, best, history = 0, {"auc": -1.0, "loss": float("inf"), "epoch": None}, []
    if ckpt is not None:
        model.load_state_dict(ckpt["model"])
        if ema is not None and ckpt.get("ema") is not None:
            ema.model.load_state_dict(ckpt["ema"])
            ema.steps = ckpt.get("ema_steps", 0)
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
        if scaler is not None and ckpt.get("scaler"):
            scaler.load_state_dict(ckpt["scaler"])
        gen.set_state(ckpt["generator"])
        start_epoch, best, history = ckpt["epoch"] + 1, ckpt["best"], ckpt.get("history", [])
        log(f"resumed after epoch {ckpt['epoch'] + 1}")
    log(f"model {args.arch}: {count_parameters(model):,} parameters, {init}; device {device}"
        f"{' (' + str(amp_dtype).replace('torch.', '') + ' autocast)' if use_amp else ''}; "
        f"{torch.get_num_threads()} CPU threads")

    log_path = os.path.join(args.out, "log.csv")
    if start_epoch == 0 or not os.path.isfile(log_path):
        with open(log_path, "w", newline="") as fh:
            csv.writer(fh).writerow(LOG_COLUMNS)
    best_path = os.path.join(args.out, "best.pt")
    last_path = os.path.join(args.out, "last.pt")
    checkpoint_args = {"arch": args.arch, "kind": args.kind, "epochs": args.epochs, "seed": args.seed,
                       "splitReused": split_reused}

    # -- training loop ------------------------------------------------------------------------------------------
    stopped_early = False
    epochs_run = start_epoch
    for epoch in range(start_epoch, args.epochs):
        t0 = time.monotonic()
        model.train()
        n = train.images.shape[0]
        order = (torch.multinomial(sample_p, n, replacement=True, generator=gen) if sample_p is not None
                 else torch.randperm(n, generator=gen)).to(train.images.device)
        running, seen, partial = 0.0, 0, False
        for b in range(steps_per_epoch):
            idx = order[b * args.batch_size : (b + 1) * args.batch_size]
            x = train.images[idx].to(device, non_blocking=True)
            y = train.grades[idx].to(device)
            x = augment_batch(to_unit(x), aug, gen)
            x = standardize(x, mean, std)
            if device.type == "cuda":
                x = x.contiguous(memory_format=torch.channels_last)
            ya, yb, lam = y, y, 1.0
            if args.mixup > 0:
                x, ya, yb, lam = mixup(x, y, args.mixup, gen)
            with (torch.autocast(device_type="cuda", dtype=amp_dtype) if use_amp else contextlib.nullcontext()):
                logits = model(x)
            loss = lam * loss_fn(logits, ya, weights, args.label_smoothing, args.referable_weight)
            if lam < 1.0:
                loss = loss + (1 - lam) * loss_fn(logits, yb, weights, args.label_smoothing, args.referable_weight)
            opt.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.step(opt)
                scaler.update()
            else:
                loss.backward()
                opt.step()
            sched.step()
            if ema is not None:
                ema.update(model)
            running += float(loss.item()) * idx.numel()
            seen += idx.numel()
            if deadline is not None and time.monotonic() > deadline:
                partial, stopped_early = True, True
                break
        eval_model = ema.model if ema is not None else model
        val_logits = predict(eval_model, val.images, mean, std, device, args.eval_batch_size)
        vg = val.grades.numpy()
        probs = softmax(val_logits)
        val_auc = roc_auc(vg >= REFERABLE_FROM, referable_probability(probs))
        val_loss = nll(probs, vg)
        auc_key = -1.0 if val_auc is None else val_auc
        improved = auc_key > best["auc"] or (auc_key == best["auc"] and val_loss < best["loss"])
        if improved:
            best = {"auc": auc_key, "loss": val_loss, "epoch": epoch + 1}
            _save_atomic({"state": eval_model.state_dict(), "epoch": epoch + 1, "partial": partial}, best_path)
        row = {
            "epoch": epoch + 1, "partial": int(partial), "lr": opt.param_groups[0]["lr"],
            "train_loss": running / max(seen, 1), "val_loss": val_loss,
            "val_referable_auc": val_auc, "val_accuracy": float((probs.argmax(1) == vg).mean()),
            "val_kappa": quadratic_kappa(vg, probs.argmax(1)), "seconds": time.monotonic() - t0,
            "best": int(improved),
        }
        history.append(row)
        with open(log_path, "a", newline="") as fh:
            csv.writer(fh).writerow([("" if row[c] is None else (f"{row[c]:.6g}" if isinstance(row[c], float) else row[c]))
                                     for c in LOG_COLUMNS])
        log(f"epoch {epoch + 1}/{args.epochs}{' (partial)' if partial else ''}: loss {row['train_loss']:.4f}, "
            f"val loss {val_loss:.4f}, val referable AUC {val_auc if val_auc is None else round(val_auc, 4)}, "
            f"val acc {row['val_accuracy']:.3f}, {row['seconds']:.0f} s{' *' if improved else ''}")
        _save_atomic({
            "model": model.state_dict(), "ema": ema.model.state_dict() if ema is not None else None,
            "ema_steps": ema.steps if ema is not None else 0, "optimizer": opt.state_dict(),
            "scheduler": sched.state_dict(), "scaler": scaler.state_dict() if scaler is not None else None,
            "generator": gen.get_state(), "epoch": epoch, "best": best, "history": history,
            "args": checkpoint_args, "mean": list(mean), "std": list(std), "size": size,
        }, last_path)
        epochs_run = epoch + 1
        if stopped_early:
            log(f"time budget of {args.max_minutes} min spent: stopping after {epoch + 1} epoch(s) and exporting")
            break

    # -- finalise: best weights, calibration, operating points, export ---------------------------------------
    final = build_model(args.arch, args.dropout)
    if args.select_epoch == "best" and os.path.isfile(best_path):
        final.load_state_dict(_torch_load(best_path)["state"])
    else:
        final.load_state_dict((ema.model if ema is not None else model).state_dict())
    final = final.to("cpu").float().eval()
    served: nn.Module = FlipAveraged(final, size).eval() if args.tta == "flip" else final
    # Validation logits of exactly the graph that is exported, on CPU in float32.
    val_logits = predict(served, val.images, mean, std, torch.device("cpu"), args.eval_batch_size)
    vg = val.grades.numpy()
    temperature = fit_temperature(val_logits, vg)
    probs_raw = softmax(val_logits)
    probs = softmax(val_logits, temperature)
    ref_p = referable_probability(probs)
    y_ref = vg >= REFERABLE_FROM
    points = operating_points(y_ref, ref_p)
    default = next(p for p in points if p.name == args.default_point)
    at = binary_rates(y_ref, ref_p, default.threshold)
    auc = roc_auc(y_ref, ref_p)
    ci = bootstrap_auc_ci(y_ref, ref_p, seed=args.seed)
    pred = probs.argmax(1)
    validation = {
        "images": int(len(vg)),
        "referablePositives": int(y_ref.sum()),
        "gradeCounts": grade_counts(vg.tolist()),
        "selectedEpoch": best["epoch"] if args.select_epoch == "best" else epochs_run,
        "referableAuc": auc,
        "referableAucCi95": list(ci) if ci else None,
        "atDefaultOperatingPoint": {"name": default.name, "threshold": default.threshold, **at},
        "operatingPointsReached": {p.name: p.reached for p in points},
        "fiveClassAccuracy": float((pred == vg).mean()),
        "quadraticKappa": quadratic_kappa(vg, pred),
        "binaryTaskAuc": binary_task_aucs(vg, probs),
        "nllUncalibrated": nll(probs_raw, vg),
        "nll": nll(probs, vg),
        "referableEceUncalibrated": expected_calibration_error(y_ref, referable_probability(probs_raw)),
        "referableEce": expected_calibration_error(y_ref, ref_p),
        "confusionMatrix": confusion_matrix(vg, pred).tolist(),
        "note": "Held-out part of the training photographs; the epoch, the temperature and the thresholds were "
                "chosen on it, so these figures are optimistic.",
    }

    model_dir = os.path.join(args.out, "model")
    os.makedirs(model_dir, exist_ok=True)
    onnx_path = os.path.join(model_dir, "model.onnx")
    export_onnx(served, size, onnx_path)
    check_n = min(2, val.images.shape[0])
    check_in = standardize(to_unit(val.images[:check_n]), mean, std).numpy()
    with torch.no_grad():
        check_out = served(torch.from_numpy(check_in)).numpy()
    onnx_report = verify_onnx(onnx_path, size, check_in, check_out)
    # Model contract v2: the shipped graph takes the model-ready image's bytes and normalises them itself (the same
    # float32 steps as standardize), so that serving sends 1 byte per value instead of 4.
    convert_onnx_file(onnx_path, mean, std)
    onnx_report["uint8"] = "input UINT8 NCHW, Cast, Div(255), Sub(mean), Div(std) in the graph before the exported one"
    write_check_fixture(os.path.join(args.out, "onnx_check"), check_in, check_out, val.images[:check_n].numpy())
    sha = sha256_file(onnx_path)
    validation["onnxCheck"] = onnx_report

    name = args.name or f"drgrade-{args.arch}-{args.kind}-{size}"
    aug_summary = ("none" if args.no_augment else
                   f"rotation ±{args.rotate_deg:g}°, horizontal and vertical flips, shifts ±{args.shift * 100:g}%, "
                   f"random resized crop (area {args.crop_area_min:g}–1), brightness/contrast/saturation "
                   f"±{args.jitter * 100:g}% inside the field of view" + (f", mixup α={args.mixup:g}" if args.mixup else ""))
    training = {
        "data": args.data_description,
        "license": args.data_license,
        "attribution": args.data_attribution,
        "images": len(train_recs),
        "validationImages": len(val_recs),
        "gradeCounts": counts,
        "epochs": epochs_run,
        "epochsPlanned": args.epochs,
        "stoppedByTimeBudget": stopped_early,
        "architecture": args.arch,
        "architectureDescription": ARCHITECTURES[args.arch].description,
        "parameters": count_parameters(final),
        "initialisation": init,
        "seed": args.seed,
        "inputKind": args.kind,
        "size": size,
        "batchSize": args.batch_size,
        "optimizer": f"AdamW (lr {args.lr:g}, weight decay {args.weight_decay:g})",
        "schedule": (f"{args.schedule}" + (f" with {args.warmup_epochs:g} warm-up epoch(s)" if args.schedule == "cosine" else "")),
        "loss": (f"cross-entropy on 5 grades (label smoothing {args.label_smoothing:g})"
                 + (f" + {args.referable_weight:g} x BCE on P(grade>=2) from the same logits" if args.referable_weight > 0 else "")),
        "classBalancing": ("none" if args.balance == "none" else
                           f"{'class-weighted loss' if args.balance == 'weights' else 'weighted sampling'}, "
                           f"weight (n / count)^{args.balance_power:g}"),
        "augmentation": aug.describe(),
        "augmentationSummary": aug_summary,
        "ema": args.ema_decay if args.ema_decay > 0 else None,
        "testTimeAugmentation": "mean of logits of the image and its horizontal mirror" if args.tta == "flip" else "none",
        "duplicatePolicy": (f"duplicate groups with conflicting grades: {args.conflicting_duplicates}; duplicates of "
                            f"held-out images {'kept' if args.keep_test_duplicates else 'dropped'}"),
        "acceptedPrepareStatus": list(_statuses(args.accept_status)),
        "split": {"file": "split.csv", "valFraction": args.val_fraction, "seed": args.seed,
                  "reused": split_reused},
        "framework": f"PyTorch {torch.__version__}, drgrade_train {__version__}",
        "device": str(device),
    }
    manifest = build_manifest(
        name=name, version=args.model_version, sha256=sha,
        description=(f"Five-grade ICDR classifier ({args.arch}) on {args.kind} {size}x{size} fundus images prepared "
                     f"by `drgrade prepare`. Research use only."),
        size=size, image_kind=args.kind, mean=mean, std=std, temperature=temperature, points=points,
        default_point=args.default_point, training=training, validation=validation,
    )
    write_json(os.path.join(model_dir, "model.json"), manifest)
    write_model_card(os.path.join(model_dir, "MODEL_CARD.md"), manifest)
    with open(os.path.join(args.out, "val_predictions.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        # p_* are calibrated on these photographs (temperature); logit_* are the network's own outputs.
        w.writerow(["stem", "grade", *[f"p_{l}" for l in LABELS], "referable_probability", *[f"logit_{l}" for l in LABELS]])
        for stem, g, p, r, z in zip(val.stems, vg, probs, ref_p, val_logits):
            w.writerow([stem, int(g), *[f"{v:.6f}" for v in p], f"{r:.6f}", *[f"{v:.6g}" for v in z]])
    log(f"validation: referable AUC {auc if auc is None else round(auc, 4)}"
        f"{'' if not ci else f' (95% CI {ci[0]:.3f}-{ci[1]:.3f})'}, at '{default.name}' "
        f"sens {_r(at['sensitivity'])}, spec {_r(at['specificity'])}, acc {_r(at['accuracy'])}; T={temperature:.3f}")
    log(f"wrote {model_dir} (sha256 {sha[:16]}…) in {(time.monotonic() - started) / 60:.1f} min")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(args)
    except DataError as e:
        print(f"[drgrade-train] error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
