"""riskscale.build_info() names the build and the kernel copy this CPU runs."""
import re
from pathlib import Path

import riskscale


def _cpu_flags():
    """The flags of the first CPU in /proc/cpuinfo, or None off Linux."""
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return None
    match = re.search(r"^flags\s*:(.*)$", cpuinfo.read_text(), re.M)
    return set(match.group(1).split()) if match else None


def test_build_info_names_versions_and_kernel_copies():
    info = riskscale.build_info()
    assert info["version"] == riskscale.__version__
    assert info["spec_version"] == riskscale.SPEC_VERSION
    assert info["kernels_compiled"][:2] == ["scalar", "baseline"]
    assert set(info["kernels_available"]) <= set(info["kernels_compiled"])
    assert info["kernel"] == info["kernels_available"][-1]  # the widest runnable copy is the one used
    assert info["fma"] is False
    assert info["description"].startswith("kernel: " + info["kernel"] + " (")
    assert info["compiler"]


def test_the_kernel_copy_matches_the_cpu():
    flags = _cpu_flags()
    info = riskscale.build_info()
    if flags is None or "avx2" not in info["kernels_compiled"]:
        return  # not x86-64 Linux: the copies are the portable ones, checked above
    if {"avx512f", "avx512dq", "avx512vl", "avx512bw"} <= flags:
        assert info["kernel"] == "avx512"
    elif "avx2" in flags:
        assert info["kernel"] == "avx2"
    else:
        assert info["kernel"] == "baseline"
