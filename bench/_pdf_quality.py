"""Reading Thai back out of a PDF: as text (pdftotext) and as pixels (pdftoppm).

Two questions decide whether Thai printed right:
- are the marks in place? A word is cut out of the rasterised page and compared
  with the same word drawn by Pillow through libraqm (HarfBuzz shaping, the
  font's own mark positioning) in the same font at the same pixel size: the
  share of ink both have (intersection over union of the ink masks);
- does a long line wrap between words? The extracted lines are laid over the
  source text and each break must fall on a word boundary per PyThaiNLP.

pdftotext and pdftoppm come from poppler-utils (deploy/system-packages.txt, test).
"""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont
from pythainlp.tokenize import word_tokenize

INK = 128  # a pixel darker than this is ink


@functools.cache
def font_file(family: str) -> str:
    """The file fontconfig picks for ``family`` (the same lookup WeasyPrint makes)."""
    return subprocess.run(
        ["fc-match", "-f", "%{file}", family], capture_output=True, check=True, text=True
    ).stdout


def pdf_text(pdf: bytes, mode: str = "-raw") -> str:
    """The text of ``pdf``: ``-raw`` in the order it was drawn (what copy-paste
    and search see), ``-layout`` as it stands on the page."""
    args = ["pdftotext", "-enc", "UTF-8", mode, "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()


def rasterise(pdf: bytes, dpi: int = 150, page: int = 1) -> Image.Image:
    """One page as a greyscale image."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-gray", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
            + ["-singlefile", "-", str(out)],
            input=pdf,
            capture_output=True,
            check=True,
        )
        with Image.open(out.with_suffix(".png")) as image:
            return image.convert("L")


def ink_mask(image: Image.Image) -> Image.Image:
    """1 where there is ink (dark on light), 0 elsewhere, as a mode "1" image."""
    return image.point(lambda v: 255 if v < INK else 0).convert("1")


def ink_share(image: Image.Image) -> float:
    """Share of the image that is ink: 0.0 for a blank page."""
    histogram = ink_mask(image).convert("L").histogram()
    return histogram[255] / max(1, sum(histogram))


def reference_word(word: str, family: str, pixels: int, shaped: bool = True) -> Image.Image:
    """``word`` in ``family`` at ``pixels`` px, cropped to ink: shaped by HarfBuzz
    (libraqm), or with ``shaped=False`` each letter's glyph as the font maps it,
    the way a writer without shaping draws it."""
    engine = ImageFont.Layout.RAQM if shaped else ImageFont.Layout.BASIC
    font = ImageFont.truetype(font_file(family), pixels, layout_engine=engine)
    left, top, right, bottom = font.getbbox(word)
    image = Image.new("L", (right - left + 8, bottom - top + 8), 255)
    ImageDraw.Draw(image).text((4 - left, 4 - top), word, font=font, fill=0)
    return crop_to_ink(image)


def crop_to_ink(image: Image.Image) -> Image.Image:
    box = ink_mask(image).getbbox()
    return image.crop(box) if box else image.crop((0, 0, 1, 1))


def overlap(found: Image.Image, expected: Image.Image) -> float:
    """Intersection over union of two ink masks, best over a shift of up to 2 px."""
    width = max(found.width, expected.width) + 4
    height = max(found.height, expected.height) + 4
    reference = Image.new("1", (width, height), 0)
    reference.paste(ink_mask(expected), (2, 2))
    best = 0.0
    for dx in range(5):
        for dy in range(5):
            shifted = Image.new("1", (width, height), 0)
            shifted.paste(ink_mask(found), (dx, dy))
            both = ImageChops.logical_and(shifted, reference).histogram()[255]
            either = ImageChops.logical_or(shifted, reference).histogram()[255]
            best = max(best, both / either if either else 0.0)
    return best


def ink_lines(page: Image.Image, gap: int) -> list[tuple[int, int, int, int]]:
    """Boxes of the printed lines, top to bottom: ink rows with less than ``gap``
    blank rows between them belong to one line (a mark floats a little above
    its letter; the next line is farther away)."""
    mask = ink_mask(page)
    rows = [y for y in range(page.height) if mask.crop((0, y, page.width, y + 1)).getbbox()]
    lines, start = [], None
    for before, y in zip([None, *rows], rows, strict=False):
        if before is None or y - before > gap:
            if start is not None:
                lines.append((0, start, page.width, before + 1))
            start = y
    if start is not None:
        lines.append((0, start, page.width, rows[-1] + 1))
    return lines


def word_matches(page: Image.Image, words: list[str], family: str, px: int) -> list[tuple]:
    """Per printed line of ``page`` (one word each): its overlap with the word
    shaped, and with the word unshaped. Marks are in place when the first is
    the larger; where the two references are alike the word tells nothing."""
    lines = ink_lines(page, gap=px // 4)
    if len(lines) != len(words):
        return [(0.0, 1.0)] * len(words)
    return [
        (
            overlap(crop_to_ink(page.crop(box)), reference_word(word, family, px)),
            overlap(crop_to_ink(page.crop(box)), reference_word(word, family, px, shaped=False)),
        )
        for box, word in zip(lines, words, strict=True)
    ]


def telling_words(words: list[str], family: str, px: int, alike: float = 0.95) -> list[bool]:
    """Which words look different shaped and unshaped (so their print tells which it is)."""
    return [
        overlap(reference_word(w, family, px), reference_word(w, family, px, shaped=False)) < alike
        for w in words
    ]


SPELLED_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def letters(text: str) -> str:
    """Letters only, as Unicode orders them: sara am as one letter again where
    core.pdf spelled it out, marks on one letter in canonical order (NFC), as a
    PDF keeps the glyphs of a cluster in the order the font draws them."""
    joined = SPELLED_SARA_AM.sub("\\1\u0e33", "".join(text.split()))
    return unicodedata.normalize("NFC", joined)


def line_breaks(source: str, lines: list[str]) -> list[int]:
    """Offsets in ``source`` (spaces removed) where the extracted ``lines`` end.

    Lines are matched by their letters as a multiset, so an extraction that
    reorders marks inside a cluster still finds its place; a line whose letters
    are not the next ones of the source raises ValueError.
    """
    text = letters(source)
    offsets, at = [], 0
    for line in lines:
        chunk = letters(line)
        if not chunk:
            continue
        if Counter(text[at : at + len(chunk)]) != Counter(chunk):
            raise ValueError(f"line {len(offsets) + 1} is not the next part of the text")
        at += len(chunk)
        offsets.append(at)
    return offsets[:-1]


def word_boundaries(source: str) -> set[int]:
    """Offsets (spaces removed) where a PyThaiNLP word (newmm) ends."""
    bounds, at = set(), 0
    for token in word_tokenize(source, engine="newmm", keep_whitespace=False):
        at += len(letters(token))
        bounds.add(at)
    return bounds


def reads_back(source: str, extracted: str) -> bool:
    """Whether the letters of ``extracted`` are those of ``source``, in order."""
    return letters(source) == letters(extracted)


def breaks_inside_words(source: str, lines: list[str]) -> list[str]:
    """The line ends that cut a word, each shown as the text around the cut."""
    text, bounds = letters(source), word_boundaries(source)
    return [
        f"{text[max(0, b - 6) : b]}|{text[b : b + 6]}"
        for b in line_breaks(source, lines)
        if b not in bounds
    ]


def embedded_fonts(pdf: bytes) -> set[str]:
    """Families of the fonts embedded in ``pdf`` (pdffonts; the subset prefix dropped)."""
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout
    names = set()
    for line in out.decode().splitlines()[2:]:
        fields = line.split()
        if len(fields) >= 6 and fields[-5] == "yes":  # the "emb" column
            names.add(fields[0].split("+", 1)[-1])
    return names


def page_count(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return int(re.search(rb"^Pages:\s+(\d+)", out, re.M).group(1))
