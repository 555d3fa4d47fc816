"""Write assets/digits.npz: the 8×8 handwritten digits (UCI "Optical Recognition of Handwritten Digits",
the 1,797-image test set copy that ships with scikit-learn; Alpaydin & Kaynak 1998, CC BY 4.0).

Build time only: `pip install scikit-learn` in a throwaway environment, then
`python assets/make_digits.py`. The app never imports scikit-learn; it reads the .npz with NumPy
(`lsr_core.digits`). The file holds `images` (1797, 64) uint8 in 0 … 16, row-major 8×8, and `labels`
(1797,) uint8, in scikit-learn's order.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits


def main() -> None:
    bunch = load_digits()
    images = bunch.data.astype(np.uint8)
    assert images.shape == (1797, 64) and images.max() == 16 and np.array_equal(images, bunch.data)
    labels = bunch.target.astype(np.uint8)
    out = Path(__file__).with_name("digits.npz")
    np.savez_compressed(out, images=images, labels=labels)
    print(out, out.stat().st_size, "bytes;", np.bincount(labels).tolist())


if __name__ == "__main__":
    main()
