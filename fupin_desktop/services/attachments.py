"""Attachments: the original bytes of scans (archive items) and of 整改 evidence, kept
content-addressed (sha256) in ``attachments/`` beside the SQLite database (for PostgreSQL: in the
user data folder): ``attachments/ab/abcdef…``. The same file added twice is stored once."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from ..database import sqlite_path
from ..errors import InputError
from ..paths import user_data_dir

MAX_BYTES = 200 * 1024 * 1024
MIME_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG", "image/tiff": "TIFF"}


def attachments_dir(db_or_url) -> Path:
    """``attachments/`` beside the SQLite file; for a server database, in the user data folder."""
    path = sqlite_path(getattr(db_or_url, "url", db_or_url))
    base = path.parent if path is not None else user_data_dir()
    return base / "attachments"


def attachment_path(db_or_url, sha256: str) -> Path:
    return attachments_dir(db_or_url) / sha256[:2] / sha256


def sniff_mime(data: bytes) -> str | None:
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return None


def inspect_file(data: bytes, name: str) -> tuple[str, int]:
    """(mime, pages) of a file the clerk wants to add; InputError naming the file otherwise."""
    mime = sniff_mime(data)
    if mime is None:
        raise InputError(f"“{name}”不是 PDF、JPG 或 PNG 文件，不能加入档案。扫描件请保存为 PDF、JPG 或 PNG。")
    if mime == "application/pdf":
        return mime, _pdf_pages(data, name)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return mime, getattr(img, "n_frames", 1)
    except (UnidentifiedImageError, OSError) as e:
        raise InputError(f"图片“{name}”已损坏，无法读取：{e}") from e


def _pdf_pages(data: bytes, name: str) -> int:
    import pikepdf

    from ..archive.pdfa import check_pdfa

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise InputError(f"PDF 文件“{name}”已加密。请先去掉密码（另存为不加密的 PDF）再加入档案。")
            pages = len(pdf.pages)
    except pikepdf.PasswordError as e:
        raise InputError(f"PDF 文件“{name}”有打开密码，不能加入档案。请先去掉密码。") from e
    except pikepdf.PdfError as e:
        raise InputError(f"PDF 文件“{name}”已损坏，无法打开：{e}") from e
    if pages == 0:
        raise InputError(f"PDF 文件“{name}”没有页面。")
    # PDF/A needs every font embedded and the archive check would fail later: say so now.
    fonts = [p for p in check_pdfa(io.BytesIO(data)) if p.startswith("字体")]  # type: ignore[arg-type]
    if fonts:
        raise InputError(f"PDF 文件“{name}”中有未嵌入的字体（{fonts[0]}），不符合长期保存要求。"
                         "请用“打印为 PDF”并勾选嵌入字体，或使用扫描件后再加入。")
    return pages


def store_attachment(db_or_url, data: bytes) -> tuple[str, Path]:
    """Keep ``data`` under its sha256 (atomically; an existing copy is reused)."""
    sha = hashlib.sha256(data).hexdigest()
    target = attachment_path(db_or_url, sha)
    if not (target.is_file() and target.stat().st_size == len(data)):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return sha, target
