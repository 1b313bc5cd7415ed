"""ONNX export (opset 13, dynamic batch axis, input 'input', output 'logits') and its verification."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import warnings
from typing import Any

import numpy as np
import torch
import torch.nn as nn

from .constants import INPUT_NAME, NUM_CLASSES, ONNX_OPSET, OUTPUT_NAME


class FlipAveraged(nn.Module):
    """Test-time augmentation baked into the graph: the mean of the logits of the image and its mirror image.
    The mirror is an index_select with a constant index (an ONNX Gather), which every runtime supports."""

    def __init__(self, model: nn.Module, size: int) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("reverse", torch.arange(size - 1, -1, -1, dtype=torch.long), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 0.5 * (self.model(x) + self.model(x.index_select(3, self.reverse)))


def sha256_file(path: str) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export_onnx(model: nn.Module, size: int, path: str) -> None:
    """Exports `model` (on CPU, eval mode, float32) with a dynamic batch axis.

    Uses the TorchScript-based exporter on every PyTorch: it is the one in Debian's 1.13, and PyTorch >= 2.9
    defaults to the dynamo exporter (which needs onnxscript and handles dynamic_axes differently), so
    `dynamo=False` is passed wherever the argument exists.
    """
    model = model.to("cpu").float().eval()
    dummy = torch.zeros(1, 3, size, size, dtype=torch.float32)
    kwargs: dict[str, Any] = dict(
        export_params=True,
        opset_version=ONNX_OPSET,
        do_constant_folding=True,
        input_names=[INPUT_NAME],
        output_names=[OUTPUT_NAME],
        dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
    )
    has_dynamo = "dynamo" in inspect.signature(torch.onnx.export).parameters
    if has_dynamo:
        kwargs["dynamo"] = False
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with torch.no_grad():
        try:
            torch.onnx.export(model, (dummy,), path, **kwargs)
        except Exception as legacy_error:  # noqa: BLE001 - a PyTorch whose TorchScript exporter is gone
            if not has_dynamo:
                raise
            warnings.warn(f"TorchScript ONNX exporter failed ({legacy_error}); retrying with dynamo=True "
                          "(needs onnxscript; the opset may be raised above 13)")
            kwargs["dynamo"] = True
            torch.onnx.export(model, (dummy,), path, **kwargs)


def _dims(value_info: Any) -> list[int | str]:
    dims: list[int | str] = []
    for d in value_info.type.tensor_type.shape.dim:
        if d.HasField("dim_value"):
            dims.append(int(d.dim_value))
        else:
            dims.append(d.dim_param or "?")
    return dims


def verify_onnx(path: str, size: int, inputs: np.ndarray, torch_logits: np.ndarray) -> dict[str, Any]:
    """Checks the exported graph with onnx.checker and its interface (one input 'input' [batch, 3, size, size],
    one output 'logits' [batch, 5], dynamic batch). When onnx's reference evaluator is installed (onnx >= 1.13) it
    also runs the graph on `inputs` and compares with the PyTorch logits; otherwise that comparison is reported as
    skipped (the TypeScript smoke test repeats it with onnxruntime-node)."""
    import onnx

    model = onnx.load(path)
    onnx.checker.check_model(model)
    init_names = {i.name for i in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in init_names]
    outputs = list(model.graph.output)
    problems = []
    if [i.name for i in graph_inputs] != [INPUT_NAME]:
        problems.append(f"inputs {[i.name for i in graph_inputs]} instead of ['{INPUT_NAME}']")
    if [o.name for o in outputs] != [OUTPUT_NAME]:
        problems.append(f"outputs {[o.name for o in outputs]} instead of ['{OUTPUT_NAME}']")
    in_dims = _dims(graph_inputs[0]) if graph_inputs else []
    out_dims = _dims(outputs[0]) if outputs else []
    if len(in_dims) != 4 or in_dims[1:] != [3, size, size] or not isinstance(in_dims[0], str):
        problems.append(f"input shape {in_dims} instead of [batch, 3, {size}, {size}]")
    if len(out_dims) != 2 or out_dims[1] != NUM_CLASSES or not isinstance(out_dims[0], str):
        problems.append(f"output shape {out_dims} instead of [batch, {NUM_CLASSES}]")
    if problems:
        raise RuntimeError("Exported ONNX does not match the model contract: " + "; ".join(problems))
    report: dict[str, Any] = {
        "checker": "passed",
        "opset": max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=None),
        "inputShape": in_dims,
        "outputShape": out_dims,
    }
    try:
        from onnx.reference import ReferenceEvaluator  # type: ignore[attr-defined]
    except ImportError:
        report["referenceEvaluator"] = "skipped (onnx.reference not available in this onnx)"
        return report
    got = ReferenceEvaluator(model).run(None, {INPUT_NAME: inputs.astype(np.float32)})[0]
    diff = float(np.max(np.abs(np.asarray(got) - torch_logits)))
    report["referenceEvaluator"] = {"maxAbsDiff": diff}
    if not diff <= 1e-3:
        raise RuntimeError(f"Expected ONNX logits within 1e-3 of PyTorch's but received a difference of {diff}")
    return report


def write_check_fixture(folder: str, inputs: np.ndarray, logits: np.ndarray, images_uint8: np.ndarray | None = None) -> None:
    """Saves a few exported-model inputs and PyTorch's logits for them (little-endian float32), so that a runtime
    can confirm it computes what PyTorch computed (test/training/smoke.test.ts does, with onnxruntime-node).
    `images_uint8` are the same images as bytes (input.u8), what a UINT8 model (model contract v2) is fed."""
    os.makedirs(folder, exist_ok=True)
    inputs.astype("<f4").tofile(os.path.join(folder, "input.f32"))
    logits.astype("<f4").tofile(os.path.join(folder, "logits.f32"))
    meta: dict[str, Any] = {"inputShape": list(inputs.shape), "logitsShape": list(logits.shape)}
    if images_uint8 is not None:
        if images_uint8.dtype != np.uint8 or list(images_uint8.shape) != list(inputs.shape):
            raise ValueError(f"Expected uint8 images of shape {list(inputs.shape)} but received {images_uint8.dtype} {list(images_uint8.shape)}")
        images_uint8.tofile(os.path.join(folder, "input.u8"))
        meta["uint8Input"] = "input.u8"
    with open(os.path.join(folder, "check.json"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=2)


def export_uint8_onnx(model: nn.Module, dummy: torch.Tensor, path: str, input_names: list[str], output_names: list[str],
                      dynamic_axes: dict[str, dict[int, str]] | None = None) -> None:
    """TorchScript-based ONNX export (opset ONNX_OPSET) of a model taking UINT8 pixels, shared by the lesion and
    landmark recipes (the dynamo exporter of newer torch is turned off where it exists)."""
    kwargs: dict[str, Any] = dict(export_params=True, opset_version=ONNX_OPSET, do_constant_folding=True,
                                  input_names=input_names, output_names=output_names)
    if dynamic_axes:
        kwargs["dynamic_axes"] = dynamic_axes
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(model, (dummy,), path, **kwargs)


def check_uint8_onnx(model: nn.Module, path: str, x: torch.Tensor, input_name: str = "image") -> dict[str, Any]:
    """onnx.checker, plus onnx's reference evaluator against PyTorch on `x` (the first output) where this onnx has one."""
    import onnx
    graph = onnx.load(path)
    onnx.checker.check_model(graph)
    report: dict[str, Any] = {"checker": "passed"}
    try:
        from onnx.reference import ReferenceEvaluator  # type: ignore[attr-defined]
    except ImportError:
        report["referenceEvaluator"] = "skipped (onnx.reference not available in this onnx)"
        return report
    with torch.no_grad():
        out = model.cpu()(x)
    want = (out[0] if isinstance(out, tuple) else out).numpy()
    got = ReferenceEvaluator(graph).run(None, {input_name: x.numpy()})[0]
    report["referenceEvaluator"] = {"maxAbsDiff": float(np.max(np.abs(got - want)))}
    return report
