"""drgrade training recipe: PyTorch training of five-grade ICDR classifiers on model-ready fundus PNGs.

The images come from `drgrade prepare` (the TypeScript analysis core), so training and serving read the very
same pixels; `data.image_to_tensor` mirrors `shared/grading/imageToTensor.ts` exactly.
Research use only: not for clinical diagnosis.
"""

__version__ = "0.1.0"
