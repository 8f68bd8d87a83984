"""Where things live: bundled resources (fonts, translations, icons) and the user data dir.

One helper for every way the program runs: from a source checkout (``resources/`` beside the
package), from an installed wheel (``fupin_desktop/resources`` inside the package) and frozen by
PyInstaller (``sys._MEIPASS/resources``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar
from pathlib import Path

FONT_FILE = "fonts/wqy-microhei.ttc"
# Index of the proportional face inside the TrueType collection (1 is the mono face).
FONT_SUBFONT_INDEX = 0
FONT_FAMILY = "WenQuanYi Micro Hei"


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    candidates += [here / "resources", here.parent / "resources"]
    for c in candidates:
        if (c / FONT_FILE).is_file():
            return c
    raise FileNotFoundError("找不到程序资源目录 resources/（字体缺失），请重新安装本程序。")


def resource_path(relative: str) -> Path:
    """Absolute path of a bundled resource, e.g. ``resource_path("fonts/wqy-microhei.ttc")``."""
    return resources_dir() / relative


def font_path() -> Path:
    return resource_path(FONT_FILE)


def user_data_dir() -> Path:
    """Where the default database, backups and attachments live (created on demand)."""
    import os

    override = os.environ.get("FUPIN_DATA_DIR") or _chosen_data_dir()
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_path

        path = user_data_path("fupin_desktop", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    make_private(path)
    return path


def _pointer_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path("fupin_desktop", appauthor=False) / "data_dir.txt"


def _chosen_data_dir() -> str:
    """The data folder the clerk chose in the setup wizard ('' for the default); GUI and CLI
    both read it, so `fupin` without --db finds the same database as the window."""
    try:
        return _pointer_file().read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def choose_data_dir(path: str | Path) -> Path:
    """Make ``path`` the data folder from now on (the setup wizard's choice)."""
    path = Path(path).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    pointer = _pointer_file()
    pointer.parent.mkdir(parents=True, exist_ok=True)
    pointer.write_text(str(path), encoding="utf-8")
    return path


def default_db_path() -> Path:
    return user_data_dir() / "fupin.db"


def default_db_url() -> str:
    return "sqlite:///" + default_db_path().as_posix()


# --------------------------------------------------------------------------- private files
# The data holds ID, bank and phone numbers of whole villages: everything the program creates
# (database, WAL/SHM, backups, logs, exports, archive packages) is for its owner only on POSIX.
PRIVATE_UMASK = 0o077


def secure_umask() -> None:
    """Files 0600 / folders 0700 from here on (called once at the start of the GUI and CLI)."""
    import os

    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """chmod ``path`` to 0600 (a file) or 0700 (a folder) on POSIX; silently skips what is not
    ours or gone (another user's shared folder, a file removed meanwhile)."""
    import os
    import stat

    if os.name != "posix":
        return
    try:
        st = os.stat(path)
        if st.st_uid != os.getuid():
            return
        mode = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
        if stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode)
    except OSError:
        pass


def make_private_tree(root: Path) -> None:
    """``make_private`` on ``root`` and everything below it (an archive package)."""
    import os

    make_private(root)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            make_private(Path(dirpath) / name)


def backups_dir_for(db_file: Path) -> Path:
    """The automatic backups of the SQLite database ``db_file``: ``backups/`` beside it."""
    return Path(db_file).parent / "backups"


_T = TypeVar("_T")


def write_atomic(target, write: Callable[[str], _T], *, suffix: str = ".part",
                 tmp_dir: Path | None = None) -> _T:
    """Write a file so that a crash or a full disk never leaves it half-written under its name:
    ``write(tmp_path)`` fills a temporary file (private to the user, beside ``target`` or in
    ``tmp_dir``), which is flushed to disk and then renamed over ``target``. Returns what
    ``write`` returns. The one helper for PDFs, workbooks and archive items."""
    target = os.fspath(target)
    folder = os.fspath(tmp_dir) if tmp_dir is not None else (os.path.dirname(target) or ".")
    os.makedirs(folder, exist_ok=True)
    import tempfile

    fd, tmp = tempfile.mkstemp(suffix=suffix, dir=folder)  # mode 0600
    os.close(fd)
    try:
        result = write(tmp)
        fd = os.open(tmp, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        return result
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_bytes_atomic(target, data: bytes, tmp_dir: Path | None = None) -> None:
    """:func:`write_atomic` for data already in memory."""
    write_atomic(target, lambda tmp: Path(tmp).write_bytes(data), tmp_dir=tmp_dir)
