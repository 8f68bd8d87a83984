"""Render resources/icons/app.svg into the raster icons the installers need (run after editing
the SVG; the outputs are committed so building a package needs no Qt):

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make-icons.py

resources/icons/app-{48,256}.png   hicolor theme icons of the .deb (beside the scalable SVG)
installer/windows/fupin.ico        16…256 px, for the .exe files and the Windows shortcuts
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(p, QRectF(0, 0, size, size))
    p.end()
    return img


def write_ico(images: list[QImage], out: Path) -> None:
    """An .ico holding one PNG per size (Windows Vista and later read PNG entries)."""
    import struct

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    blobs = []
    for img in images:
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(buf, "PNG")
        blobs.append((img.width(), bytes(data)))
    header = struct.pack("<HHH", 0, 1, len(blobs))
    offset = 6 + 16 * len(blobs)
    entries, payload = b"", b""
    for size, blob in blobs:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(payload))
        payload += blob
    out.write_bytes(header + entries + payload)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot read {SVG}", file=sys.stderr)
        return 1
    for size in (48, 256):
        out = ROOT / "resources" / "icons" / f"app-{size}.png"
        render(renderer, size).save(str(out))
        print(out.relative_to(ROOT))
    ico = ROOT / "installer" / "windows" / "fupin.ico"
    write_ico([render(renderer, s) for s in (16, 24, 32, 48, 64, 256)], ico)
    print(ico.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
