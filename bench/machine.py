"""The machine a benchmark ran on, printed at the top of every side-by-side script in bench/.

A ratio against a peer means little without the machine: numpy's own loops use AVX-512 where the
CPU has it, riskscale's kernel picks its widest copy, and the load of other processes changes
both. ``print_machine()`` prints the CPU model and flags that matter, the load average, numpy's
SIMD dispatch and the riskscale kernel copy in use (from the Python module, the command line, or
a value the caller passes, e.g. the C++ driver's ``isa``).

    import machine            # scripts in bench/ run with bench/ on sys.path
    machine.print_machine(cli="build/src/cli/riskscale")
"""
import os
import platform
import re
import subprocess
from pathlib import Path

__all__ = ["cpu_model", "cpu_vector_flags", "load_average", "numpy_simd", "riskscale_kernel", "print_machine"]

# The CPU flags that decide which copies run (riskscale's and numpy's).
VECTOR_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512vl", "avx512bw")


def _cpuinfo():
    path = Path("/proc/cpuinfo")
    return path.read_text() if path.exists() else ""


def cpu_model():
    """The CPU model as lscpu names it (falls back to /proc/cpuinfo, then platform)."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        match = re.search(r"^Model name:\s*(.+)$", text, re.M)
        if match:
            return match.group(1).strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    match = re.search(r"^model name\s*:\s*(.+)$", _cpuinfo(), re.M)
    return match.group(1).strip() if match else (platform.processor() or platform.machine())


def cpu_vector_flags():
    """Which of VECTOR_FLAGS this CPU reports (empty off Linux)."""
    match = re.search(r"^flags\s*:(.*)$", _cpuinfo(), re.M)
    flags = set(match.group(1).split()) if match else set()
    return [flag for flag in VECTOR_FLAGS if flag in flags]


def load_average():
    """`uptime`'s load averages over 1, 5 and 15 minutes, and the CPUs they share."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def numpy_simd():
    """numpy's version and SIMD dispatch: the baseline it was built for and the extensions it found."""
    import numpy as np

    try:
        from numpy.core import _multiarray_umath as umath
    except ImportError:  # numpy 2 moved it
        from numpy._core import _multiarray_umath as umath
    features = getattr(umath, "__cpu_features__", {})
    baseline = list(getattr(umath, "__cpu_baseline__", []))
    dispatch = [name for name in getattr(umath, "__cpu_dispatch__", []) if features.get(name)]
    return (f"numpy {np.__version__}: baseline {' '.join(baseline) or '?'}; "
            f"dispatched on this CPU {' '.join(dispatch) or 'none'}")


def riskscale_kernel(cli=None):
    """The kernel line of riskscale: from `cli --version` when a CLI is given, else the Python module."""
    if cli is not None:
        try:
            text = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True).stdout
            match = re.search(r"^kernel: .*$", text, re.M)
            return f"{match.group(0)} [{cli}]" if match else f"kernel: not reported by {cli} --version"
        except (OSError, subprocess.CalledProcessError) as error:
            return f"kernel: unknown ({cli} --version failed: {error})"
    try:
        import riskscale

        return riskscale.build_info()["description"] + " [Python module]"
    except (ImportError, AttributeError) as error:
        return f"kernel: unknown (the Python module does not say: {error})"


def print_machine(cli=None, kernel=None):
    """Prints the machine block: CPU, flags, load, numpy's SIMD and the riskscale kernel copy.

    ``kernel`` overrides the look-up (the C++ driver reports its own copy); ``cli`` is the
    riskscale executable to ask when the Python module is not importable.
    """
    print(f"cpu: {cpu_model()} ({os.cpu_count()} CPUs; flags: {' '.join(cpu_vector_flags()) or 'n/a'})")
    print(f"load average: {load_average()}")
    print(numpy_simd())
    print("riskscale " + (f"kernel: {kernel}" if kernel is not None else riskscale_kernel(cli)))
