"""Shared UI helpers for the pages: strings, colours, URL parameters, cached core calls and figures.

Everything Streamlit-specific lives here or in the page files; `lsr_core` stays pure.
"""

# One BLAS thread for a server of many small sessions (`process`): this must happen before NumPy is imported,
# and pandas below imports it.
from .process import blas_environment

blas_environment(1)

# Import pandas and pyarrow completely, once, before any session builds a figure or a table. Plotly's
# validators use pandas if it is in sys.modules, even half imported: on a fresh server, thirty students
# opening the link at once made one thread build a figure while another was still importing pandas
# ("partially initialized module 'pandas' has no attribute 'Series'"). Every page imports this package
# first, and Python's per-module import lock makes the others wait until it is done.
import pandas  # noqa: E402,F401
import pyarrow  # noqa: E402,F401
