"""Plant, one at a time, the nine display-side bugs issue 13 listed as surviving the whole suite, run the tests
that should catch each, and report which are caught (each file is restored afterwards, even on failure).

    .venv/bin/python bench/planted_bugs.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (what the bug is, file, the exact text, what it becomes, the tests that should fail)
BUGS = [
    ("temperature fitted on the test split", "lsr_core/experiment.py",
     "temperature = fit_temperature(plain.val_logits, data.y_val)", "temperature = fit_temperature(plain.test_logits, data.y_test)",
     "tests/test_core_display_values.py::test_temperature_is_fitted_on_the_validation_split_and_its_metrics_are_right"),
    ("temperature-scaled NLL with z·T", "lsr_core/experiment.py",
     "negative_log_likelihood(test_logits / temperature, y_test)", "negative_log_likelihood(test_logits * temperature, y_test)",
     "tests/test_core_display_values.py::test_temperature_is_fitted_on_the_validation_split_and_its_metrics_are_right"),
    ("regulariser figure draws ε·KL as the prior term", "pages/ui/figures/regulariser.py",
     '("prior", terms.weighted_prior,', '("prior", terms.eps * terms.kl,', "tests/test_figures.py"),
    ("dynamics figure's target line at the loss floor", "pages/ui/figures/dynamics.py",
     "y=[c.target_true[run]] * 2", "y=[c.loss_floor[run]] * 2", "tests/test_figures.py"),
    ("training curves draw the test loss as the training loss", "pages/ui/figures/training.py",
     '("train", run.train_loss, run.train_accuracy', '("train", run.test_loss, run.train_accuracy', "tests/test_figures.py"),
    ("regulariser metric without the (1 − ε) weight", "lsr_core/regulariser.py",
     "weighted_data=float(one.weighted_data[0])", "weighted_data=float(one.data_term[0])",
     "tests/test_app_regulariser_conventions.py::test_regulariser_page"),
    ("align switch converts ε the wrong way", "lsr_core/targets.py",
     "converted = eps * num_classes / (num_classes - 1)", "converted = eps * (num_classes - 1) / num_classes",
     "tests/test_gap_explorer.py"),
    ("Monte-Carlo standard error without Bessel's correction", "lsr_core/regulariser.py",
     "* at / np.maximum(at - 1, 1)", "* 1.0", "tests/test_core_display_values.py"),
    ("temperature search misses its upper edge", "lsr_core/calibration.py",
     "low, high = 1.0 / TEMPERATURE_RANGE[1], 1.0 / TEMPERATURE_RANGE[0]",
     "low, high = 2.0 / TEMPERATURE_RANGE[1], 1.0 / TEMPERATURE_RANGE[0]", "tests/test_core_display_values.py"),
]


def main() -> int:
    missed = 0
    for name, file, text, planted, tests in BUGS:
        path = ROOT / file
        original = path.read_text()
        assert original.count(text) == 1, (file, text)
        try:
            path.write_text(original.replace(text, planted))
            result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests.split()],
                                    cwd=ROOT, capture_output=True, text=True)
        finally:
            path.write_text(original)
        caught = result.returncode != 0
        missed += not caught
        print(f"{'caught' if caught else 'MISSED'}: {name}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
