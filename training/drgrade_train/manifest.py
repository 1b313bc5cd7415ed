"""model.json (exactly the shape of shared/grading/ModelManifest.ts) and MODEL_CARD.md."""

from __future__ import annotations

import json
import math
import os
from typing import Any, Sequence

from .calibration import OperatingPoint
from .constants import (
    INPUT_NAME,
    INTENDED_USE,
    LABELS,
    NUM_CLASSES,
    OUTPUT_NAME,
    RESEARCH_DISCLAIMER,
    RESIZE_KERNEL,
)

#: Keys of ModelManifest.ts, in its order; the smoke tests check a written manifest against them.
MANIFEST_KEYS = (
    "schemaVersion", "name", "version", "sha256", "description", "input", "preprocessing", "output", "labels",
    "calibration", "operatingPoints", "training", "validation", "intendedUse",
)


def _clean(value: Any) -> Any:
    """JSON has no NaN or Infinity: such numbers become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def build_manifest(
    *,
    name: str,
    version: str,
    sha256: str,
    description: str,
    size: int,
    image_kind: str,
    mean: Sequence[float],
    std: Sequence[float],
    temperature: float,
    points: Sequence[OperatingPoint],
    default_point: str,
    training: dict[str, Any],
    validation: dict[str, Any],
    datatype: str = "UINT8",
) -> dict[str, Any]:
    """The manifest as a plain dict, keys in ModelManifest.ts order. `datatype` UINT8 (what the recipe exports) is
    model contract v2 with the normalisation in the graph; FP32 is version 1, normalised on the host."""
    if datatype not in ("UINT8", "FP32"):
        raise ValueError(f"Expected UINT8 or FP32 for datatype but received {datatype}")
    if default_point not in {p.name for p in points}:
        raise ValueError(f"Expected the default operating point among {[p.name for p in points]} but received {default_point}")
    for key in ("data", "license", "attribution"):
        if not training.get(key):
            raise ValueError(f"Expected training.{key} in the manifest but received nothing")
    manifest = {
        "schemaVersion": 2 if datatype == "UINT8" else 1,
        "name": name,
        "version": version,
        "sha256": sha256,
        "description": description,
        "input": {"name": INPUT_NAME, "shape": [-1, 3, size, size], "layout": "NCHW", "datatype": datatype},
        "preprocessing": {
            "imageKind": image_kind,
            "size": size,
            "resizeKernel": RESIZE_KERNEL,
            "channelOrder": "RGB",
            **({"normalisation": "in-graph"} if datatype == "UINT8" else {}),
            "mean": [float(v) for v in mean],
            "std": [float(v) for v in std],
        },
        "output": {"name": OUTPUT_NAME, "kind": "logits", "shape": [-1, NUM_CLASSES]},
        "labels": list(LABELS),
        "calibration": {"method": "temperature", "temperature": float(temperature)},
        "operatingPoints": {"default": default_point, "referable": [p.to_manifest() for p in points]},
        "training": training,
        "validation": validation,
        "intendedUse": INTENDED_USE,
    }
    return _clean(manifest)


def write_json(path: str, obj: Any) -> None:
    """Pretty JSON with a trailing newline; NaN is refused."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(_clean(obj), fh, indent=2, allow_nan=False)
        fh.write("\n")


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def write_model_card(path: str, manifest: dict[str, Any]) -> None:
    """MODEL_CARD.md in the spirit of Mitchell et al., 2019, "Model Cards for Model Reporting"."""
    t, v, p = manifest["training"], manifest["validation"], manifest["preprocessing"]
    at = v.get("atDefaultOperatingPoint", {})
    ci = v.get("referableAucCi95")
    ci_txt = f" (95% bootstrap CI {_fmt(ci[0])}–{_fmt(ci[1])})" if isinstance(ci, list) and len(ci) == 2 else ""
    tasks = v.get("binaryTaskAuc", {})
    lines = [
        f"# Model card: {manifest['name']} {manifest['version']}",
        "",
        f"**{RESEARCH_DISCLAIMER}**",
        "",
        "## Model",
        f"- Architecture: {t.get('architecture')} ({t.get('architectureDescription', '')}), "
        f"{t.get('parameters', 'n/a')} parameters, initialisation: {t.get('initialisation', 'from scratch')}.",
        f"- Input: {p['imageKind']} fundus image from `drgrade prepare`, {p['size']}x{p['size']} RGB, "
        + (f"UINT8 {manifest['input']['layout']} bytes (`{manifest['input']['name']}`, model contract v2); the graph computes "
           f"(pixel / 255 - mean) / std with mean {p['mean']} and std {p['std']} before the network."
           if manifest["input"]["datatype"] == "UINT8" else
           f"value = (pixel / 255 - mean) / std with mean {p['mean']} and std {p['std']}, NCHW float32 "
           f"(`{manifest['input']['name']}`)."),
        f"- Output: five ICDR logits (`{manifest['output']['name']}`) in the order {', '.join(manifest['labels'])}; "
        f"probabilities = softmax(logits / {manifest['calibration']['temperature']:.4f}) (temperature scaling).",
        "- Referable DR (moderate NPDR or worse) when P(grade 2) + P(grade 3) + P(grade 4) >= the operating point's "
        "threshold.",
        f"- ONNX opset 13, dynamic batch axis, sha256 `{manifest['sha256']}`.",
        "",
        "## Intended use",
        manifest["intendedUse"],
        "",
        "## Training data",
        f"- {t['data']}.",
        f"- Licence: {t['license']}. Attribution: {t['attribution']}",
        f"- {t.get('images')} training and {v.get('images')} validation photographs "
        f"(stratified by grade, seed {t.get('seed')}, duplicate groups kept in one split; "
        f"{t.get('duplicatePolicy', '')}).",
        "",
        "## Training",
        f"- {t.get('epochs')} epochs (best epoch {v.get('selectedEpoch')}, chosen on validation referable AUC), "
        f"batch {t.get('batchSize')}, {t.get('optimizer')}, {t.get('schedule')}.",
        f"- Loss: {t.get('loss')}.",
        f"- Class balancing: {t.get('classBalancing')}.",
        f"- Augmentation: {t.get('augmentationSummary')}.",
        f"- Test-time augmentation in the exported graph: {t.get('testTimeAugmentation', 'none')}.",
        f"- Framework: {t.get('framework')}; device: {t.get('device')}.",
        "",
        "## Validation (held-out split of the training photographs)",
        "",
        "| metric | value |",
        "| --- | --- |",
        f"| referable-DR AUC | {_fmt(v.get('referableAuc'))}{ci_txt} |",
        f"| accuracy at '{manifest['operatingPoints']['default']}' | {_fmt(at.get('accuracy'))} |",
        f"| sensitivity at '{manifest['operatingPoints']['default']}' | {_fmt(at.get('sensitivity'))} |",
        f"| specificity at '{manifest['operatingPoints']['default']}' | {_fmt(at.get('specificity'))} |",
        f"| five-grade accuracy | {_fmt(v.get('fiveClassAccuracy'))} |",
        f"| quadratic weighted kappa | {_fmt(v.get('quadraticKappa'))} |",
        f"| AUC no DR vs grades 1–2 | {_fmt(tasks.get('noDrVsNonSightThreatening'))} |",
        f"| AUC no DR vs grades 3–4 | {_fmt(tasks.get('noDrVsSightThreatening'))} |",
        f"| AUC grades 1–2 vs grades 3–4 | {_fmt(tasks.get('nonSightThreateningVsSightThreatening'))} |",
        f"| NLL before / after temperature scaling | {_fmt(v.get('nllUncalibrated'))} / {_fmt(v.get('nll'))} |",
        "",
        "Operating points (referable DR, validation rates):",
        "",
        "| name | threshold | sensitivity | specificity |",
        "| --- | --- | --- | --- |",
    ]
    for op in manifest["operatingPoints"]["referable"]:
        lines.append(f"| {op['name']} | {op['threshold']:.4f} | {_fmt(op.get('sensitivity'))} | {_fmt(op.get('specificity'))} |")
    lines += [
        "",
        "## Limits",
        f"- The validation split is small ({v.get('images')} photographs, {v.get('referablePositives')} referable): the "
        "AUC interval above is wide, and because the epoch, the temperature and the thresholds were all chosen on "
        "this same split, the figures are optimistic. Only an independent test set measures the model.",
        "- One dataset from one centre (IDRiD, India, a single camera type and protocol): performance on other "
        "populations, cameras, image quality and compression is unknown.",
        "- Mild NPDR (grade 1) is rare in the training data, so grade-1 probabilities are the least reliable.",
        "- The model sees one image of one eye; it does not replace a grader who sees both eyes, history and "
        "other fields.",
        f"- {RESEARCH_DISCLAIMER}",
        "",
    ]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def check_manifest(path: str) -> list[str]:
    """Problems with a written model.json relative to ModelManifest.ts (an empty list when it conforms)."""
    with open(path, encoding="utf-8") as fh:
        m = json.load(fh)
    problems = [f"missing {k}" for k in MANIFEST_KEYS if k not in m]
    if m.get("labels") != list(LABELS):
        problems.append("labels differ from the ICDR labels")
    if m.get("input", {}).get("name") != INPUT_NAME:
        problems.append("input name")
    if m.get("output", {}).get("name") != OUTPUT_NAME:
        problems.append("output name")
    ops = m.get("operatingPoints", {})
    names = [o.get("name") for o in ops.get("referable", [])]
    if ops.get("default") not in names:
        problems.append("default operating point not among the points")
    if os.path.isfile(os.path.join(os.path.dirname(path), "model.onnx")):
        from .export import sha256_file

        if sha256_file(os.path.join(os.path.dirname(path), "model.onnx")) != m.get("sha256"):
            problems.append("sha256 differs from model.onnx")
    return problems
