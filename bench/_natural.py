"""Camera-like clips made on the spot (nothing downloaded) for the transcode bench.

Test patterns flatter fast x264 settings: flat colours, sharp edges, no noise.
Camera footage has soft detail at every scale, sensor grain that changes every
frame, and motion everywhere. These clips are built to have that:

- ``camera``: a textured outdoor scene (multi-octave noise foliage, buildings,
  faces with skin gradients and hair) panned by a hand-held camera, a person
  walking across, temporal grain;
- ``sports``: a faster, shakier pan over a field with many small players, heavy
  grain: the hardest content for the bitrate budget;
- ``lecture``: slides (Thai and English text, a chart) changing every few
  seconds with a talking head in the corner and light grain: the typical
  classroom upload, easy to compress.

Scenes are drawn with Pillow (noise, gradients, shapes, text), then ffmpeg pans
over them, overlays the moving parts and adds grain.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from transcoding.ffmpeg import ffmpeg_binary

KINDS = ("camera", "sports", "lecture")
THAI_FONT = "/usr/share/fonts/truetype/tlwg/Loma.ttf"


def _font(size: int):
    try:
        return ImageFont.truetype(THAI_FONT, size)
    except OSError:
        return ImageFont.load_default()


def _noise(width: int, height: int, rng: random.Random, octaves: int = 5) -> Image.Image:
    """Soft natural texture: Gaussian noise at several scales, each scaled up and summed."""
    total = Image.new("L", (width, height), 128)
    for octave in range(octaves):
        cell = 2 ** (octaves - octave)
        small = Image.effect_noise(
            (max(2, width // cell), max(2, height // cell)), 40 + 10 * octave
        )
        layer = small.resize((width, height), Image.BICUBIC)
        total = Image.blend(total, layer, 1 / (octave + 1.5))
    return total.rotate(rng.choice((0, 180)))


def _tint(gray: Image.Image, dark: tuple, light: tuple) -> Image.Image:
    """Map a grey texture onto a colour ramp (foliage, grass, sky)."""
    channels = [
        gray.point(lambda v, a=a, b=b: int(a + (b - a) * v / 255))
        for a, b in zip(dark, light, strict=True)
    ]
    return Image.merge("RGB", channels)


def _face(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, rng: random.Random) -> None:
    skin = rng.choice(((224, 172, 132), (198, 140, 100), (240, 196, 160)))
    hair = rng.choice(((30, 20, 15), (60, 40, 25), (15, 15, 15)))
    w, h = size, int(size * 1.3)
    draw.ellipse((x - w // 2 - 4, y - h // 2 - 8, x + w // 2 + 4, y + h // 6), fill=hair)
    for ring in range(6):  # a soft gradient of shading towards the edge
        shade = tuple(max(0, c - 6 * (5 - ring)) for c in skin)
        inset = ring * w // 16
        box = (x - w // 2 + inset, y - h // 2 + inset, x + w // 2 - inset, y + h // 2 - inset)
        draw.ellipse(box, fill=shade)
    eye = max(2, w // 10)
    for side in (-1, 1):
        ex = x + side * w // 5
        draw.ellipse(
            (ex - eye, y - eye - h // 10, ex + eye, y + eye - h // 10), fill=(245, 245, 240)
        )
        draw.ellipse((ex - eye // 2, y - eye // 2 - h // 10, ex + eye // 2, y + eye // 2 - h // 10),
                     fill=(40, 30, 20))  # fmt: skip
    draw.line(
        (x - w // 8, y + h // 5, x + w // 8, y + h // 5), fill=(150, 70, 60), width=max(1, w // 25)
    )
    for _ in range(40):  # strands of hair: fine detail the encoder must keep
        hx = x + rng.randint(-w // 2, w // 2)
        draw.line((hx, y - h // 2 - 6, hx + rng.randint(-6, 6), y - h // 3), fill=hair, width=1)


def _scene(width: int, height: int, rng: random.Random, players: int) -> Image.Image:
    sky = _tint(_noise(width, height // 3, rng, 3), (120, 160, 210), (200, 220, 245))
    ground = _tint(_noise(width, height, rng), (20, 60, 15), (120, 170, 70))
    scene = ground.copy()
    scene.paste(sky, (0, 0))
    draw = ImageDraw.Draw(scene)
    for _ in range(6):  # buildings with windows
        bx, bw, bh = (
            rng.randint(0, width),
            rng.randint(width // 12, width // 6),
            rng.randint(height // 5, height // 2),
        )
        top = height // 3 - bh // 2
        draw.rectangle(
            (bx, top, bx + bw, height // 3 + bh // 3),
            fill=tuple(rng.randint(90, 200) for _ in range(3)),
        )
        for wy in range(top + 8, height // 3 + bh // 3 - 8, 18):
            for wx in range(bx + 6, bx + bw - 6, 16):
                draw.rectangle(
                    (wx, wy, wx + 8, wy + 10), fill=tuple(rng.randint(30, 230) for _ in range(3))
                )
    for _ in range(players):
        _face(
            draw,
            rng.randint(40, width - 40),
            rng.randint(height // 2, height - 40),
            rng.randint(24, 70),
            rng,
        )
    sign = "โรงเรียนบ้านคลัง  Khlang School 2569"
    font = _font(max(12, height // 30))
    draw.text((width // 10, height // 3 + 20), sign, fill=(250, 250, 250), font=font)
    grass = _tint(_noise(width, height // 10, rng, 6), (40, 90, 20), (90, 150, 50))
    scene.paste(grass, (0, height - height // 10))
    return scene.filter(ImageFilter.GaussianBlur(0.7))  # lens softness


def _person(size: int, rng: random.Random) -> Image.Image:
    person = Image.new("RGBA", (size, size * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(person)
    shirt = tuple(rng.randint(40, 220) for _ in range(3)) + (255,)
    draw.rounded_rectangle(
        (size // 6, size * 2 // 3, size * 5 // 6, size * 2 - 4), radius=size // 5, fill=shirt
    )
    _face(draw, size // 2, size // 2, size * 2 // 3, rng)
    return person.filter(ImageFilter.GaussianBlur(0.6))


def _slides(folder: Path, width: int, height: int, rng: random.Random, count: int) -> None:
    lines = [
        "บทที่ {n}: การแบ่งส่วนเท่า ๆ กัน  Fractions",
        "• เศษส่วนบอกจำนวนส่วนจากทั้งหมด",
        "• 1/2 + 1/4 = 3/4   (สองในสี่ บวก หนึ่งในสี่)",
        "• ตัวอย่าง: แบ่งขนมให้เพื่อน 4 คน",
        "• Practice: คิดเลขในใจ 10 ข้อ",
    ]
    for n in range(count):
        slide = Image.new("RGB", (width, height), (250, 250, 246))
        draw = ImageDraw.Draw(slide)
        draw.rectangle((0, 0, width, height // 8), fill=(20, 70, 140))
        draw.text(
            (width // 20, height // 40),
            lines[0].format(n=n + 1),
            fill="white",
            font=_font(height // 16),
        )
        for i, line in enumerate(lines[1:]):
            draw.text(
                (width // 16, height // 6 + i * height // 10),
                line,
                fill=(30, 30, 30),
                font=_font(height // 22),
            )
        for b in range(5):  # a bar chart
            bh = rng.randint(height // 12, height // 3)
            x0 = width // 2 + b * width // 14
            draw.rectangle((x0, height * 9 // 10 - bh, x0 + width // 20, height * 9 // 10),
                           fill=(200, 80 + 30 * b, 60))  # fmt: skip
        slide.save(folder / f"slide_{n:02d}.png")


def make_natural_clip(
    path: Path, kind: str, width: int, height: int, seconds: float, fps: int = 30
) -> Path:
    """Render one camera-like clip (H.264 at high quality, AAC speech-band noise)."""
    rng = random.Random(f"{kind}-{width}x{height}")
    folder = path.parent / f".{path.stem}-parts"
    folder.mkdir(parents=True, exist_ok=True)
    args = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    if kind == "lecture":
        _slides(folder, width, height, rng, count=max(2, int(seconds // 8) + 1))
        head = Image.new("RGB", (width // 4, height // 3), (70, 80, 95))
        face_draw = ImageDraw.Draw(head)
        _face(face_draw, head.width // 2, head.height // 2, head.width // 3, rng)
        head.filter(ImageFilter.GaussianBlur(0.6)).save(folder / "head.png")
        args += ["-framerate", "1/8", "-i", str(folder / "slide_%02d.png")]
        args += ["-loop", "1", "-framerate", str(fps), "-i", str(folder / "head.png")]
        graph = (
            f"[0:v]fps={fps},scale={width}:{height}[bg];"
            "[1:v]noise=alls=6:allf=t,crop=iw-8:ih-8:4+3*sin(t*1.3):4+2*sin(t*0.9)[h];"
            f"[bg][h]overlay=W-w-{width // 40}:H-h-{height // 40},format=yuv420p,"
            "drawbox=x=iw*0.86:y=ih*0.86:w=iw*0.03:h=ih*0.012:c=0x803030:t=fill:"
            "enable='lt(mod(t\\,0.4)\\,0.2)'"
        )
    else:
        players = 40 if kind == "sports" else 8
        scene = _scene(width * 2, height * 2, rng, players)
        scene.save(folder / "scene.png")
        _person(height // 3, rng).save(folder / "person.png")
        speed, shake, grain = (0.9, 6, 7) if kind == "sports" else (0.35, 2, 4)
        args += ["-loop", "1", "-framerate", str(fps), "-i", str(folder / "scene.png")]
        args += ["-loop", "1", "-framerate", str(fps), "-i", str(folder / "person.png")]
        pan_x = f"(iw-ow)/2+(iw-ow)/2*sin(t*{speed})+{shake}*sin(t*11)"
        pan_y = f"(ih-oh)/2+(ih-oh)/3*sin(t*{speed * 0.7})+{shake}*sin(t*13)"
        graph = (
            # A hand-held camera turns a little as it pans: the rotation moves
            # every pixel by fractions of a pixel, as real motion does.
            f"[0:v]crop={width + width // 8}:{height + height // 8}:'{pan_x}':'{pan_y}',"
            f"rotate='0.02*sin(t*1.7)':bilinear=1,crop={width}:{height}[bg];"
            f"[bg][1:v]overlay='mod(t*{width // 6}\\,W+w)-w':'H-h-{height // 20}+4*sin(t*8)',"
            f"noise=alls={grain}:allf=t,format=yuv420p"
        )
    args += ["-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.2:sample_rate=48000"]
    args += ["-filter_complex", graph + "[vout]", "-map", "[vout]", "-map", "2:a"]
    args += ["-t", f"{seconds}", "-r", str(fps)]
    # A keyframe every 2 s, as phone and camera recordings are written: a seek
    # into the clip decodes at most one such group of pictures.
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-g", str(2 * fps)]
    args += ["-c:a", "aac", "-b:a", "128k"]
    args += ["-movflags", "+faststart", str(path)]
    subprocess.run(args, check=True, capture_output=True, timeout=1800)
    return path
