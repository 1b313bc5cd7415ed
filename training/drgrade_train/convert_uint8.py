"""`python -m drgrade_train convert-uint8 --model <dir> --out <dir> [--layout NCHW|NHWC]`: model contract v2.

Wraps an FP32 grading model (input `(pixel / 255 - mean) / std`, NCHW) into one that takes the resized RGB bytes:

    input (UINT8) -> Cast(float) -> Div(255) -> Sub(mean) -> Div(std) [-> Transpose for NHWC] -> the original graph

The original nodes and weights are kept as they are (only the name of the tensor they read changes), and the
arithmetic is the same float32 sequence `shared/grading/imageToTensor.ts` runs on the host, so the converted model
gives the FP32 path's outputs (test/models/uint8Parity.test.ts measures it). The manifest becomes schemaVersion 2 with
`input.datatype: UINT8` and `preprocessing.normalisation: in-graph`; its mean and std stay, as the record of what
the graph computes. The model card and JSON files of the folder are copied, and a `lesion-grading.json` coupled to the old model
(`cnnSha256`) is moved to the new sha256.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from typing import Any, Sequence

import numpy as np

from .constants import INPUT_NAME

#: Prefix of the nodes and initialisers the conversion adds; test/helpers/fp32FromUint8Onnx.ts strips them to recover the FP32 graph.
NODE_PREFIX = "drgrade_normalise/"
#: Name of the float tensor the original graph reads after conversion.
NORMALISED_NAME = INPUT_NAME + "_normalised"


def wrap_uint8(model: Any, mean: Sequence[float], std: Sequence[float], layout: str = "NCHW") -> Any:
    """Returns a copy of the ONNX FP32 model `model` whose one input `input` is UINT8 in `layout`, normalised in the graph."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    if layout not in ("NCHW", "NHWC"):
        raise ValueError(f"Expected NCHW or NHWC for layout but received {layout}")
    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    init_names = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in init_names]
    if len(inputs) != 1 or inputs[0].type.tensor_type.elem_type != TensorProto.FLOAT:
        raise ValueError(f"Expected one float input for the model to convert but received {[(i.name, i.type.tensor_type.elem_type) for i in inputs]}")
    original = inputs[0]
    dims = [d for d in original.type.tensor_type.shape.dim]
    if len(dims) != 4 or dims[1].dim_value != 3:
        raise ValueError("Expected an NCHW input [batch, 3, size, size] for the model to convert")
    if any(n.name.startswith(NODE_PREFIX) for n in graph.node):
        raise ValueError("Expected an FP32 model for convert-uint8 but received one already normalising in its graph")

    # The original graph now reads the normalised tensor.
    for node in graph.node:
        for k, name in enumerate(node.input):
            if name == original.name:
                node.input[k] = NORMALISED_NAME

    batch = dims[0].dim_param or (dims[0].dim_value if dims[0].HasField("dim_value") else "batch")
    size_h, size_w = dims[2].dim_value, dims[3].dim_value
    shape = [batch, 3, size_h, size_w] if layout == "NCHW" else [batch, size_h, size_w, 3]
    new_input = helper.make_tensor_value_info(original.name, TensorProto.UINT8, shape)
    keep = [i for i in graph.input if i.name != original.name]
    del graph.input[:]
    graph.input.extend([new_input, *keep])

    channel_shape = [1, 3, 1, 1] if layout == "NCHW" else [1, 1, 1, 3]
    p = NODE_PREFIX
    graph.initializer.extend([
        numpy_helper.from_array(np.array(255, dtype=np.float32), p + "scale"),
        numpy_helper.from_array(np.asarray(mean, dtype=np.float32).reshape(channel_shape), p + "mean"),
        numpy_helper.from_array(np.asarray(std, dtype=np.float32).reshape(channel_shape), p + "std"),
    ])
    last = p + "divided" if layout == "NCHW" else p + "divided_nhwc"
    nodes = [
        helper.make_node("Cast", [original.name], [p + "float"], name=p + "cast", to=TensorProto.FLOAT),
        helper.make_node("Div", [p + "float", p + "scale"], [p + "unit"], name=p + "unit"),
        helper.make_node("Sub", [p + "unit", p + "mean"], [p + "centred"], name=p + "centre"),
        helper.make_node("Div", [p + "centred", p + "std"], [NORMALISED_NAME if layout == "NCHW" else last], name=p + "scale_std"),
    ]
    if layout == "NHWC":
        nodes.append(helper.make_node("Transpose", [last], [NORMALISED_NAME], name=p + "to_nchw", perm=[0, 3, 1, 2]))
    # Nodes must stay topologically sorted: the normalisation first.
    existing = list(graph.node)
    del graph.node[:]
    graph.node.extend([*nodes, *existing])
    onnx.checker.check_model(out)
    return out


def convert_onnx_file(path: str, mean: Sequence[float], std: Sequence[float], layout: str = "NCHW") -> None:
    """Replaces the FP32 ONNX file `path` by its UINT8 wrapper (what the training recipe's export ships)."""
    import onnx

    converted = wrap_uint8(onnx.load(path), mean, std, layout)
    tmp = path + ".tmp"
    onnx.save(converted, tmp)
    os.replace(tmp, path)


def uint8_manifest(manifest: dict[str, Any], sha256: str, layout: str = "NCHW") -> dict[str, Any]:
    """The manifest of the converted model (model contract v2), from the FP32 model's."""
    if manifest.get("input", {}).get("datatype") != "FP32":
        raise ValueError(f"Expected an FP32 model for convert-uint8 but received input.datatype {manifest.get('input', {}).get('datatype')}")
    size = manifest["preprocessing"]["size"]
    out = json.loads(json.dumps(manifest))
    out["schemaVersion"] = 2
    previous_sha = out["sha256"]
    out["sha256"] = sha256
    out["input"] = {
        "name": manifest["input"]["name"],
        "shape": [-1, 3, size, size] if layout == "NCHW" else [-1, size, size, 3],
        "layout": layout,
        "datatype": "UINT8",
    }
    pre = {}
    for key, value in manifest["preprocessing"].items():
        if key == "mean":
            pre["normalisation"] = "in-graph"
        if key != "normalisation":
            pre[key] = value
    out["preprocessing"] = pre
    conversion = out.setdefault("training", {}).get("uint8Conversion")
    out["training"]["uint8Conversion"] = {
        "from": conversion["from"] if isinstance(conversion, dict) and "from" in conversion else previous_sha,
        "method": "the FP32 graph and weights unchanged behind Cast, Div(255), Sub(mean), Div(std)"
                  + (", Transpose(NHWC to NCHW)" if layout == "NHWC" else ""),
    }
    return out


def convert_folder(model_dir: str, out_dir: str, layout: str = "NCHW") -> dict[str, Any]:
    """Converts the model folder `model_dir` into `out_dir` (may be the same folder) and returns the new manifest."""
    import onnx

    from .export import sha256_file

    with open(os.path.join(model_dir, "model.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    onnx_path = os.path.join(model_dir, "model.onnx")
    if sha256_file(onnx_path) != manifest.get("sha256"):
        raise ValueError(f"Expected model.onnx to have the manifest's sha256 {manifest.get('sha256')} but it differs")
    pre = manifest["preprocessing"]
    converted = wrap_uint8(onnx.load(onnx_path), pre["mean"], pre["std"], layout)
    os.makedirs(out_dir, exist_ok=True)
    if os.path.abspath(out_dir) != os.path.abspath(model_dir):
        for name in os.listdir(model_dir):
            source = os.path.join(model_dir, name)
            # The model card and the files coupled to the model (lesion grading, drift reference); no code.
            if name not in ("model.onnx", "model.json") and name.endswith((".json", ".md")) and os.path.isfile(source):
                shutil.copyfile(source, os.path.join(out_dir, name))
    target = os.path.join(out_dir, "model.onnx")
    tmp = target + ".tmp"
    onnx.save(converted, tmp)
    os.replace(tmp, target)
    sha = sha256_file(target)
    new_manifest = uint8_manifest(manifest, sha, layout)
    from .manifest import write_json

    write_json(os.path.join(out_dir, "model.json"), new_manifest)
    coupled = os.path.join(out_dir, "lesion-grading.json")
    if os.path.isfile(coupled):
        with open(coupled, encoding="utf-8") as fh:
            text = fh.read()
        if manifest["sha256"] in text:
            with open(coupled, "w", encoding="utf-8") as fh:
                fh.write(text.replace(manifest["sha256"], sha))
    return new_manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drgrade_train convert-uint8", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="folder of the FP32 model (model.onnx + model.json)")
    parser.add_argument("--out", required=True, help="folder to write the UINT8 model to (may be --model)")
    parser.add_argument("--layout", default="NCHW", choices=["NCHW", "NHWC"], help="layout of the UINT8 input")
    args = parser.parse_args(argv)
    manifest = convert_folder(args.model, args.out, args.layout)
    sys.stderr.write(f"wrote {args.out}: UINT8 {manifest['input']['layout']} input, sha256 {manifest['sha256']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
