"""Values shared with the TypeScript side (shared/grading/gradeTable.ts, ModelManifest.ts) and the dataset."""

from __future__ import annotations

#: The five ICDR labels in output order (shared/grading/gradeTable.ts `gradeLabels`).
LABELS: tuple[str, ...] = ("no_dr", "mild_npdr", "moderate_npdr", "severe_npdr", "proliferative_dr")

NUM_CLASSES = len(LABELS)

#: First referable grade (moderate NPDR): referable DR is grade >= 2.
REFERABLE_FROM = 2

#: The reference system's three binary tasks (gradeTable.ts `binaryTasks`): (negative grades, positive grades).
BINARY_TASKS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "noDrVsNonSightThreatening": ((0,), (1, 2)),
    "noDrVsSightThreatening": ((0,), (3, 4)),
    "nonSightThreateningVsSightThreatening": ((1, 2), (3, 4)),
}

INPUT_NAME = "input"
OUTPUT_NAME = "logits"
ONNX_OPSET = 13
RESIZE_KERNEL = "lanczos3"
IMAGE_KINDS = ("original", "enhanced", "annotated")

RESEARCH_DISCLAIMER = (
    "Research use only. Not a medical device; not for clinical diagnosis or treatment decisions."
)

INTENDED_USE = (
    "Research use only: automated grading of diabetic retinopathy on colour fundus photographs for method "
    "development and evaluation. Not a medical device; not for clinical diagnosis, screening or treatment "
    "decisions."
)

#: ImageNet statistics, used when ImageNet weights are loaded with --pretrained.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

IDRID_DATA = (
    "IDRiD grading training set (Indian Diabetic Retinopathy Image Dataset, 'B. Disease Grading' training "
    "split, 413 colour fundus photographs); the IDRiD test split was not used"
)
IDRID_LICENSE = "CC BY 4.0"
IDRID_ATTRIBUTION = (
    "Indian Diabetic Retinopathy Image Dataset (IDRiD), by Prasanna Porwal, Samiksha Pachade, Ravi Kamble, "
    "Manesh Kokare, Girish Deshmukh, Vivek Sahasrabuddhe and Fabrice Meriaudeau. IEEE Dataport, 2018, "
    "doi:10.21227/H25W98; described in Porwal et al., \"Indian Diabetic Retinopathy Image Dataset (IDRiD): "
    "A Database for Diabetic Retinopathy Screening Research\", Data 3(3):25, 2018. Licensed under Creative "
    "Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/)."
)
