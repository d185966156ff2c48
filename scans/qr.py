"""QR codes for a round's short link, drawn as SVG by the ``qrcode`` library (no Pillow
needed, and the SVG scales sharply on a projector)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=2,
    )
    return image.to_string(encoding="unicode")
