"""Which build of riskscale this is, and which copy of its kernel runs on this CPU."""

from typing import Any, Dict

from . import _core

__all__ = ["build_info"]


def build_info() -> Dict[str, Any]:
    """Describe the compiled core and the kernel copy it uses on this machine.

    The batch kernel is compiled several times (portable, SSE2, AVX2, AVX-512) and the widest copy
    the CPU can run is chosen when it runs; every copy gives the same bits. Benchmarks print this
    so that a figure is never read without its machine.

    Returns
    -------
    dict
        ``version`` and ``spec_version`` (str, int); ``compiler`` (str); ``kernel``, the copy in use
        (``"scalar"``, ``"baseline"``, ``"avx2"`` or ``"avx512"``); ``kernels_compiled`` and
        ``kernels_available`` (lists of copy names: in this build, and runnable on this CPU);
        ``fma`` (bool, whether multiply-adds are fused: never); ``description``, one line
        saying all of that.

    Examples
    --------
    >>> import riskscale
    >>> info = riskscale.build_info()
    >>> info["kernel"] in info["kernels_available"]
    True
    """
    return dict(_core.build_info())
