"""Product and category images, drawn with Pillow on first request and cached on disk.

Rules: an image is identified by its file name ``<shape>-<colour>_<view>.jpg`` (category images by their
url key), so a 50,000-product catalog shares a few hundred files. Sizes come from ``?width=`` (and optional
``?height=``), the way Fastly image optimisation serves a Magento store's media; widths snap to a fixed
list so the disk cache stays bounded. Responses are long-lived and immutable. Unknown names are 404.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from PIL import Image, ImageDraw

WIDTHS = (120, 240, 360, 480, 640, 800, 1000)
BASE_W, BASE_H = 1000, 1250  # 4:5, Luma's product image proportions
_PRODUCT_NAME = re.compile(r"^catalog/product/(?:[a-z0-9]/){2}([a-z]+)-([a-z]+)_(main|back)\.jpg$")
_CATEGORY_NAME = re.compile(r"^catalog/category/([a-z0-9-]+)\.jpg$")
_lock = threading.Lock()

PALETTE = {
    "black": (38, 38, 42),
    "blue": (38, 94, 214),
    "brown": (136, 88, 64),
    "gray": (143, 143, 150),
    "green": (74, 158, 62),
    "lavender": (190, 140, 214),
    "multi": (235, 120, 40),
    "orange": (235, 103, 3),
    "purple": (146, 70, 190),
    "red": (214, 44, 44),
    "white": (246, 246, 242),
    "yellow": (245, 200, 20),
}
BACKGROUNDS = [(244, 240, 232), (232, 240, 244), (240, 236, 246), (236, 244, 236)]

# Outline polygons on a 100 x 125 grid, scaled to the image; simple, recognisable silhouettes.
SHAPES: dict[str, list[list[tuple[float, float]]]] = {
    "tee": [
        [
            (30, 25),
            (42, 20),
            (58, 20),
            (70, 25),
            (88, 40),
            (78, 52),
            (70, 46),
            (70, 105),
            (30, 105),
            (30, 46),
            (22, 52),
            (12, 40),
        ]
    ],
    "tank": [
        [(36, 20), (44, 20), (50, 30), (56, 20), (64, 20), (66, 42), (72, 55), (72, 105), (28, 105), (28, 55), (34, 42)]
    ],
    "bra": [[(30, 40), (38, 25), (46, 42), (54, 42), (62, 25), (70, 40), (72, 70), (28, 70)]],
    "hoodie": [
        [
            (38, 22),
            (44, 12),
            (56, 12),
            (62, 22),
            (74, 27),
            (90, 85),
            (80, 88),
            (70, 50),
            (70, 108),
            (30, 108),
            (30, 50),
            (20, 88),
            (10, 85),
            (26, 27),
        ]
    ],
    "jacket": [
        [
            (34, 20),
            (50, 28),
            (66, 20),
            (78, 27),
            (92, 95),
            (80, 98),
            (72, 55),
            (72, 110),
            (28, 110),
            (28, 55),
            (20, 98),
            (8, 95),
            (22, 27),
        ]
    ],
    "pants": [[(30, 15), (70, 15), (76, 112), (58, 112), (50, 45), (42, 112), (24, 112)]],
    "shorts": [[(28, 35), (72, 35), (78, 88), (56, 90), (50, 62), (44, 90), (22, 88)]],
    "backpack": [
        [(30, 30), (70, 30), (76, 40), (76, 108), (24, 108), (24, 40)],
        [(40, 30), (44, 16), (56, 16), (60, 30)],
    ],
    "duffle": [[(14, 55), (86, 55), (90, 95), (10, 95)], [(38, 55), (42, 40), (58, 40), (62, 55)]],
    "mat": [[(20, 30), (80, 30), (80, 100), (20, 100)]],
    "kettlebell": [
        [(30, 60), (70, 60), (80, 85), (68, 105), (32, 105), (20, 85)],
        [(36, 60), (38, 35), (62, 35), (64, 60)],
    ],
    "bottle": [[(42, 15), (58, 15), (58, 30), (66, 40), (66, 110), (34, 110), (34, 40), (42, 30)]],
    "watch": [[(42, 10), (58, 10), (58, 115), (42, 115)], [(30, 45), (70, 45), (70, 80), (30, 80)]],
    "video": [[(15, 35), (85, 35), (85, 90), (15, 90)], [(42, 48), (62, 62), (42, 76)]],
}


def _cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "cache"


def _snap(width: int | None) -> int:
    if not width:
        return WIDTHS[-1]
    return min(WIDTHS, key=lambda w: (abs(w - width), -w))


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in rgb)  # type: ignore[return-value]


def draw_product(shape: str, color: str, view: str) -> Image.Image:
    fill = PALETTE[color]
    seed = int(hashlib.sha256(f"{shape}{color}".encode()).hexdigest()[:4], 16)
    image = Image.new("RGB", (BASE_W, BASE_H), BACKGROUNDS[seed % len(BACKGROUNDS)])
    draw = ImageDraw.Draw(image)
    sx, sy = BASE_W / 100, BASE_H / 125
    # A soft floor shadow and a circle behind the item give the flat illustration some depth.
    draw.ellipse((15 * sx, 112 * sy, 85 * sx, 120 * sy), fill=_shade(BACKGROUNDS[0], 0.9))
    draw.ellipse((18 * sx, 20 * sy, 82 * sx, 100 * sy), fill=_shade(BACKGROUNDS[seed % 4], 0.96))
    outline = _shade(fill, 0.6) if color != "black" else (90, 90, 96)
    for index, polygon in enumerate(SHAPES[shape]):
        points = [(x * sx, y * sy) for x, y in polygon]
        if view == "back":
            points = [(BASE_W - x, y) for x, y in points]
        tone = fill if index == 0 else _shade(fill, 0.8)
        draw.polygon(points, fill=tone, outline=outline, width=6)
    if color == "multi":
        draw.rectangle((30 * sx, 70 * sy, 70 * sx, 78 * sy), fill=(40, 120, 200))
    return image


def draw_category(key: str) -> Image.Image:
    digest = hashlib.sha256(key.encode()).digest()
    colors = list(PALETTE.values())
    image = Image.new("RGB", (1200, 500), colors[digest[0] % len(colors)])
    draw = ImageDraw.Draw(image)
    for i in range(6):
        tone = _shade(colors[digest[i + 1] % len(colors)], 0.9)
        x = digest[i + 8] * 5
        draw.ellipse((x - 160, 80 + i * 40, x + 160, 400 + i * 40), fill=tone)
    return image


def _render(relative: str, width: int, height: int | None) -> Path:
    suffix = f"{width}x{height or 0}"
    target = _cache_dir() / suffix / relative
    if target.exists():
        return target
    with _lock:
        if target.exists():
            return target
        product = _PRODUCT_NAME.match(relative)
        category = _CATEGORY_NAME.match(relative)
        if product and product.group(1) in SHAPES and product.group(2) in PALETTE:
            image = draw_product(product.group(1), product.group(2), product.group(3))
        elif category:
            image = draw_category(category.group(1))
        else:
            raise Http404("No such image")
        ratio = width / image.width
        new_height = height or round(image.height * ratio)
        image = image.resize((width, new_height), Image.Resampling.LANCZOS)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        image.save(partial, "JPEG", quality=82, optimize=True, progressive=True)
        partial.replace(target)
    return target


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """GET /media/<path>[?width=N&height=M]: the generated JPEG with long-lived cache headers."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    if ".." in path:
        raise Http404("No such image")
    try:
        width = _snap(int(request.GET["width"])) if "width" in request.GET else WIDTHS[-1]
        height = int(request.GET["height"]) if "height" in request.GET else None
    except ValueError as exc:
        raise Http404("Bad size") from exc
    if height is not None and not 0 < height <= 2 * width:
        raise Http404("Bad size")
    file = _render(path, width, height)
    etag = '"' + hashlib.sha256(f"{path}{width}{height}".encode()).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    response = FileResponse(file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["ETag"] = etag
    return response
