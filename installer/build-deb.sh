#!/usr/bin/env bash
# Package the bundle as dist/fupin-desktop_<version>_amd64.deb:
#   /opt/fupin-desktop/          the PyInstaller folder (fupin-desktop, fupin, _internal/)
#   /usr/bin/fupin-desktop, /usr/bin/fupin   symbolic links into it
#   /usr/share/applications/fupin-desktop.desktop and the icon in the hicolor theme
# Builds the bundle first when dist/fupin-desktop is missing (installer/build-bundle.sh).
# Needs dpkg-deb and binutils (objdump, for the libc6 version the bundle needs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=$(sed -nE 's/^__version__ = "([^"]+)".*/\1/p' fupin_desktop/__init__.py)
[ -n "$VERSION" ] || { echo "no __version__ in fupin_desktop/__init__.py" >&2; exit 1; }
[ -x dist/fupin-desktop/fupin ] || installer/build-bundle.sh

start=$(date +%s)
# The oldest glibc the bundle runs on becomes the libc6 dependency (apt then refuses, clearly,
# on a system that is too old instead of the program failing at start).
GLIBC=$(python3 installer/glibc-floor.py dist/fupin-desktop --top 0 | sed -nE 's/^glibc floor: ([0-9.]+).*/\1/p')
[ -n "$GLIBC" ] || { echo "could not compute the glibc floor" >&2; exit 1; }

STAGE=build/deb/fupin-desktop
rm -rf build/deb && mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" \
    "$STAGE/usr/share/applications" "$STAGE/usr/share/doc/fupin-desktop"
cp -a dist/fupin-desktop "$STAGE/opt/fupin-desktop"
ln -s /opt/fupin-desktop/fupin-desktop "$STAGE/usr/bin/fupin-desktop"
ln -s /opt/fupin-desktop/fupin "$STAGE/usr/bin/fupin"
install -m 644 installer/deb/fupin-desktop.desktop "$STAGE/usr/share/applications/"
for size in 48 256; do
    install -D -m 644 "resources/icons/app-$size.png" \
        "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/fupin-desktop.png"
done
install -D -m 644 resources/icons/app.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/fupin-desktop.svg"
{
    echo "fupin-desktop $VERSION — 乡村振兴台账管理系统"
    echo
    echo "Bundled font WenQuanYi Micro Hei:"
    cat resources/fonts/LICENSE-wqy-microhei.txt
} > "$STAGE/usr/share/doc/fupin-desktop/copyright"
install -m 755 installer/deb/postinst installer/deb/postrm "$STAGE/DEBIAN/"
# Files readable by everyone, writable by root only; executables stay executable.
chmod -R u+rwX,go+rX,go-w "$STAGE"

# Qt's xcb platform plugin loads these from the system (the README's apt line), plus OpenGL/EGL
# and libxcb, which PyInstaller never bundles.
DEPENDS="libc6 (>= $GLIBC), libglib2.0-0, libfontconfig1, libdbus-1-3, libegl1, libgl1, libx11-xcb1,
 libxkbcommon-x11-0, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1,
 libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: fupin-desktop
Version: $VERSION
Architecture: amd64
Section: misc
Priority: optional
Maintainer: fupin_desktop developers <fupin-desktop@localhost>
Installed-Size: $SIZE
Depends: $DEPENDS
Recommends: libwayland-client0, libwayland-cursor0, libwayland-egl1
Description: 乡村振兴台账管理系统 (rural-revitalisation ledgers)
 Desktop program for township rural-revitalisation offices: registry of
 households and monitored persons, public-welfare posts with attendance and
 payroll, medical relief, printable PDF ledgers and the year-end archive
 package. Includes the command line tool "fupin".
 .
 The database lives in each user's data folder and is never removed by
 uninstalling the package.
CONTROL

OUT="dist/fupin-desktop_${VERSION}_amd64.deb"
# gzip: every dpkg reads it and it takes ~20 s here, where xz -6 (~25 % smaller) takes ~5 min on
# 2 cores; DEB_COMPRESS="-Zxz -z6" for a release build that can wait.
dpkg-deb --build --root-owner-group ${DEB_COMPRESS:--Zgzip -z6} "$STAGE" "$OUT" >/dev/null
end=$(date +%s)
echo "deb: $OUT ($(du -h "$OUT" | cut -f1), needs glibc >= $GLIBC, $((end - start)) s)"
