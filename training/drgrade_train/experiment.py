"""The reference system's experiment: the same network trained on original, enhanced and annotated inputs, with
the same split, compared on the validation split.

    python3 training/experiment.py --labels <labels.csv> \\
        --original <prepared-original> --enhanced <prepared-enhanced> --annotated <prepared-annotated> \\
        --out training/runs/experiment --table docs/experiment-results.md -- --arch compact --epochs 30

Every option after the folders (or after `--`) goes to train.py unchanged. The split is made once, from the
photographs that `drgrade prepare` accepted in every folder, and written to <out>/split.csv; each run reuses it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Sequence

from .constants import IMAGE_KINDS
from .data import CONFLICT_POLICIES, DataError, make_split, read_labels, read_prepared, read_split, write_split
from .manifest import write_json
from .train import build_parser as build_train_parser
from .train import run as train_run


def _fmt(v: Any) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def results_table(rows: Sequence[dict[str, Any]], header: dict[str, Any]) -> str:
    """The markdown table of the experiment (one row per input kind)."""
    lines = [
        "# Original vs enhanced vs annotated inputs",
        "",
        f"Network `{header['arch']}` at {header['size']} px, {header['epochs']} epochs planned, seed {header['seed']}, "
        f"the same split for every input ({header['train']} training / {header['val']} validation photographs of "
        "the IDRiD grading training set). Validation metrics of referable DR (grade >= 2) after temperature "
        "scaling; accuracy, sensitivity and specificity at the 'balanced' (Youden) operating point chosen on the "
        "same validation split.",
        "",
        "| input | referable AUC (95% CI) | accuracy | sensitivity | specificity | 5-grade accuracy | quadratic kappa | best epoch |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        if r.get("error"):
            lines.append(f"| {r['kind']} | failed: {r['error']} | | | | | | |")
            continue
        ci = r.get("aucCi95")
        ci_txt = f" ({ci[0]:.3f}–{ci[1]:.3f})" if ci else ""
        lines.append(
            f"| {r['kind']} | {_fmt(r['auc'])}{ci_txt} | {_fmt(r['accuracy'])} | {_fmt(r['sensitivity'])} | "
            f"{_fmt(r['specificity'])} | {_fmt(r['fiveClassAccuracy'])} | {_fmt(r['kappa'])} | "
            f"{r['selectedEpoch']} / {r['epochs']} |"
        )
    lines += [
        "",
        "The validation split is small and was also used to pick the epoch, the temperature and the threshold, so "
        "differences within the confidence intervals are not evidence of a better input. Research use only.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser(prog="experiment.py", description=__doc__, allow_abbrev=False,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--labels", required=True)
    for kind in IMAGE_KINDS:
        p.add_argument(f"--{kind}", help=f"folder prepared with --kind {kind}")
    p.add_argument("--out", required=True, help="experiment folder (one run folder per input kind)")
    p.add_argument("--table", help="markdown table path (default <out>/experiment.md)")
    p.add_argument("--split", help="reuse this split.csv instead of making one")
    p.add_argument("--val-fraction", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--conflicting-duplicates", default="keep-first", choices=CONFLICT_POLICIES)
    p.add_argument("--keep-test-duplicates", action="store_true")
    p.add_argument("--accept-status", default="ok", help="prepared.csv statuses to use (comma-separated)")
    args, forwarded = p.parse_known_args(argv)
    forwarded = [a for a in forwarded if a != "--"]
    kinds = [k for k in IMAGE_KINDS if getattr(args, k)]
    if not kinds:
        p.error("give at least one of --original, --enhanced, --annotated")
    os.makedirs(args.out, exist_ok=True)

    common = ["--labels", args.labels, "--seed", str(args.seed), "--val-fraction", str(args.val_fraction),
              "--conflicting-duplicates", args.conflicting_duplicates]
    if args.keep_test_duplicates:
        common.append("--keep-test-duplicates")
    common += ["--accept-status", args.accept_status]
    try:
        records, _ = read_labels(args.labels, conflict_policy=args.conflicting_duplicates,
                                 drop_external_duplicates=not args.keep_test_duplicates)
        split_path = os.path.join(args.out, "split.csv")
        if args.split:
            split = read_split(args.split)
        else:
            # Only photographs every input kind has, so the three runs see exactly the same images.
            statuses = tuple(v.strip() for v in args.accept_status.split(",") if v.strip())
            usable = set.intersection(*[set(read_prepared(getattr(args, k), statuses).files) for k in kinds])
            kept = [r for r in records if r.stem in usable]
            split = make_split(kept, args.val_fraction, args.seed)
            records = kept
        write_split(split_path, records, split)
    except DataError as e:
        print(f"[drgrade-experiment] error: {e}", file=sys.stderr)
        return 2

    rows: list[dict[str, Any]] = []
    header: dict[str, Any] = {"arch": "?", "size": "?", "epochs": "?", "seed": args.seed, "train": "?", "val": "?"}
    parser = build_train_parser()
    for kind in kinds:
        run_dir = os.path.join(args.out, kind)
        targs = parser.parse_args(common + ["--prepared", getattr(args, kind), "--kind", kind, "--split", split_path,
                                            "--out", run_dir] + forwarded)
        print(f"[drgrade-experiment] {kind}: training in {run_dir}", flush=True)
        t0 = time.monotonic()
        try:
            m = train_run(targs)
        except (DataError, RuntimeError, ValueError) as e:
            rows.append({"kind": kind, "error": str(e)})
            continue
        v, t = m["validation"], m["training"]
        at = v["atDefaultOperatingPoint"]
        header.update(arch=t["architecture"], size=t["size"], epochs=t["epochsPlanned"], train=t["images"],
                      val=v["images"])
        rows.append({
            "kind": kind, "auc": v["referableAuc"], "aucCi95": v["referableAucCi95"], "accuracy": at["accuracy"],
            "sensitivity": at["sensitivity"], "specificity": at["specificity"],
            "fiveClassAccuracy": v["fiveClassAccuracy"], "kappa": v["quadraticKappa"],
            "selectedEpoch": v["selectedEpoch"], "epochs": t["epochs"], "binaryTaskAuc": v["binaryTaskAuc"],
            "minutes": round((time.monotonic() - t0) / 60.0, 1), "model": os.path.join(run_dir, "model"),
        })
    table = results_table(rows, header)
    table_path = args.table or os.path.join(args.out, "experiment.md")
    os.makedirs(os.path.dirname(os.path.abspath(table_path)), exist_ok=True)
    with open(table_path, "w", encoding="utf-8") as fh:
        fh.write(table)
    write_json(os.path.join(args.out, "results.json"), {"header": header, "rows": rows})
    print(table)
    return 0 if all(not r.get("error") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
