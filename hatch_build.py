"""Build hook: compiles the importers' two C modules (fupin_desktop/importers/*.c): the import
guard's pre-filter (_guard_scan) and the streaming sheet reader (_xlsx_rows).

Optional by design: where no C compiler or Python headers are at hand, the wheel is built
without them; the guard then uses its pure-Python pre-filter (the same hits, about 7x slower on
a county's export) and the importers read sheets with python-calamine alone. The module is put next to its source (git ignores it), where an editable
install and the tests run from the checkout find it, and a wheel carries a copy.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULES = {"fupin_desktop.importers._guard_scan": "fupin_desktop/importers/_guard_scan.c",
           "fupin_desktop.importers._xlsx_rows": "fupin_desktop/importers/_xlsx_rows.c"}


@contextmanager
def _cwd(path: str):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def compile_extensions(root: str, inplace: bool, build_dir: str) -> list[Path]:
    """The compiled modules' paths (in the source tree when ``inplace``)."""
    from setuptools import Distribution, Extension

    args = [] if os.name == "nt" else ["-O2"]
    exts = [Extension(name, [src], extra_compile_args=args) for name, src in MODULES.items()]
    with _cwd(root):
        dist = Distribution({"name": "fupin-desktop", "ext_modules": exts})
        cmd = dist.get_command_obj("build_ext")
        cmd.inplace = inplace
        cmd.build_lib = os.path.join(build_dir, "lib")
        cmd.build_temp = os.path.join(build_dir, "temp")
        cmd.ensure_finalized()
        cmd.run()
        return [Path(root, cmd.get_ext_fullpath(name)).resolve() for name in MODULES]


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="fupin-build-")
        try:
            # beside their sources in every build: the tests, run from the checkout as README's
            # test command does after a plain `pip install .`, import the package from there
            built = compile_extensions(self.root, True, self._tmp.name)
        except Exception as exc:  # noqa: BLE001 - any build failure: the pure-Python path
            self.app.display_warning(
                f"the importers' C modules were not compiled ({type(exc).__name__}: {exc}); "
                "the import guard will use its pure-Python pre-filter, sheets are read by calamine")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            for path in built:
                build_data["force_include"][str(path)] = f"fupin_desktop/importers/{path.name}"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
