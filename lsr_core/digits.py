"""Real data for the training page: the 8×8 handwritten digits (UCI "Optical Recognition of Handwritten
Digits", the 1,797-image copy scikit-learn ships; CC BY 4.0), read from `assets/digits.npz` with NumPy.

`assets/make_digits.py` wrote that file at build time; nothing here needs scikit-learn. The split into
training, validation and test images is fixed by the seed: the same seed, the same split.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ._validation import check_count

DIGITS_FILE = Path(__file__).resolve().parents[1] / "assets" / "digits.npz"
DIGIT_CLASSES = 10
DIGIT_SIDE = 8             # each image is 8 × 8 pixels, values 0 … 16
DIGIT_MAX = 16.0
DIGITS_TEST = 500          # test images, fixed by the seed
DIGITS_VALIDATION = 297    # validation images (the temperature is fitted on them)
DIGITS_TRAIN_MAX = 1000    # the rest: at most this many training images


def digits_available() -> bool:
    """Whether the digits file is where `load_digits` reads it (a deployment that left it out says so)."""
    return DIGITS_FILE.is_file()


@lru_cache(maxsize=1)
def load_digits(path: str = str(DIGITS_FILE)) -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 images as rows of 64 pixels scaled to [0, 1] (read-only), and their labels 0 … 9.

    >>> images, labels = load_digits()
    >>> images.shape, labels.shape, float(images.max()), np.bincount(labels).tolist()[:3]
    ((1797, 64), (1797,), 1.0, [178, 182, 177])
    """
    with np.load(path, allow_pickle=False) as stored:
        images = stored["images"].astype(np.float64) / DIGIT_MAX
        labels = stored["labels"].astype(np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def digits_split(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the (test, validation, training pool) images for `seed`: a fixed permutation cut in three.

    >>> test, val, pool = digits_split(0)
    >>> test.size, val.size, pool.size, np.intersect1d(test, pool).size
    (500, 297, 1000, 0)
    """
    order = np.random.default_rng(check_count("seed", seed, 0)).permutation(load_digits()[1].size)
    return (order[:DIGITS_TEST], order[DIGITS_TEST:DIGITS_TEST + DIGITS_VALIDATION],
            order[DIGITS_TEST + DIGITS_VALIDATION:])
