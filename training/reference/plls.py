"""Power log-log slope for the parity tests of src/core/metrics/plls.ts: the one Python implementation,
training/plls.py (CellProfiler's definition), re-exported so measure.py can run as a plain script."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from training.plls import plls, radial_power_sums  # noqa: E402,F401
