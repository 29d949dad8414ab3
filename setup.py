"""Builds the riskscale wheel: setuptools for the pure-Python package, CMake for riskscale._core.

    python3 -m pip install --no-build-isolation --no-deps .            # or --target DIR

Needs what the CMake build needs (a C++17 compiler, CMake >= 3.18, Eigen3, nlohmann_json,
pybind11, all from Debian packages) and nothing from the network. The extension is built
by the project's own CMake target ``riskscale_python`` (python/CMakeLists.txt), so the
wheel holds exactly what ``build/python/riskscale`` holds.

Environment:

* ``RISKSCALE_CMAKE_BUILD_DIR``: an already configured CMake build tree (e.g. ``build``)
  to build ``riskscale_python`` in, instead of configuring a fresh one; handy when the
  extension is already built.
* ``RISKSCALE_BUILD_BASE``: where setuptools and the fresh CMake tree work
  (default ``build-wheel/`` beside this file; ignored by git).
* ``CMAKE_BUILD_PARALLEL_LEVEL``: build jobs (default: all cores).
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
BUILD_BASE = Path(os.environ.get("RISKSCALE_BUILD_BASE", ROOT / "build-wheel")).resolve()


def project_version() -> str:
    """The version in CMakeLists.txt's project() call: one place to change it."""
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*riskscale\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        raise RuntimeError("no `project(riskscale VERSION x.y.z` in CMakeLists.txt")
    return match.group(1)


class CMakeExtension(Extension):
    """An extension whose sources CMake knows; setuptools only places the result."""

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name, sources=[])
        self.target = target


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        if not isinstance(ext, CMakeExtension):
            return super().build_extension(ext)
        cmake = shutil.which("cmake")
        if cmake is None:
            raise RuntimeError("cmake not found on PATH; install it (apt-get install cmake)")
        reuse = os.environ.get("RISKSCALE_CMAKE_BUILD_DIR")
        if reuse:
            tree = Path(reuse).resolve()
            if not (tree / "CMakeCache.txt").is_file():
                raise RuntimeError(f"RISKSCALE_CMAKE_BUILD_DIR={reuse}: no CMakeCache.txt there")
        else:
            tree = BUILD_BASE / "cmake"
            configure = [
                cmake, "-S", str(ROOT), "-B", str(tree),
                "-DCMAKE_BUILD_TYPE=Release",
                "-DRISKSCALE_BUILD_PYTHON=ON",
                "-DRISKSCALE_BUILD_TESTS=OFF",
                "-DRISKSCALE_BUILD_BENCH=OFF",
                "-DRISKSCALE_BUILD_EXAMPLES=OFF",
                f"-DPython_EXECUTABLE={sys.executable}",
            ]
            if shutil.which("ninja") and not (tree / "CMakeCache.txt").is_file():
                configure += ["-G", "Ninja"]
            subprocess.run(configure, check=True)
        build = [cmake, "--build", str(tree), "--target", ext.target]
        if "CMAKE_BUILD_PARALLEL_LEVEL" not in os.environ:
            build += ["--parallel", str(os.cpu_count() or 1)]
        subprocess.run(build, check=True)

        # python/CMakeLists.txt puts the module in <tree>/python/riskscale/ with the interpreter's suffix.
        suffix = Path(self.get_ext_filename(ext.name)).name.split(".", 1)[1]
        built = tree / "python" / "riskscale" / f"_core.{suffix}"
        if not built.is_file():
            raise RuntimeError(f"CMake built no {built.name} in {built.parent}; was it configured for "
                               f"{sys.executable}?")
        destination = Path(self.get_ext_fullpath(ext.name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, destination)


BUILD_BASE.mkdir(parents=True, exist_ok=True)
setup(
    version=project_version(),
    package_dir={"": "python"},
    packages=["riskscale"],
    package_data={"riskscale": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("riskscale._core", target="riskscale_python")],
    cmdclass={"build_ext": CMakeBuild},
    options={
        "build": {"build_base": str(BUILD_BASE)},
        "egg_info": {"egg_base": str(BUILD_BASE)},
    },
    zip_safe=False,
)
