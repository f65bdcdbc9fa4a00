"""Photocopy-grade damage for test pages: worse than any office scanner.

Each kind is one way a tired photocopier or a bad scan of a copy spoils a page,
made with augraphy at strong settings (``BadPhotoCopy``, ``DirtyDrum``,
``LowInkRandomLines``, ``Folding``) or drawn here (dark bands, a faint page
with no pixel under the ink threshold).  Seeded: the same seed and kind give
the same page on every machine.  5-10 s a page.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageFilter

PHOTOCOPY_KINDS = ("speckle", "drum", "lowink-fold", "bands", "faint", "mixed")


def age_like_a_photocopy(page: Image.Image, seed: int, kind: str) -> Image.Image:
    """The page as a worn photocopier gives it back; ``kind`` from ``PHOTOCOPY_KINDS``."""
    import augraphy as ag  # the benchmark's dependency, slow to import

    rng = random.Random(seed)
    grey = np.asarray(page.convert("L"))
    if kind == "faint":
        return _faint(grey, rng)
    ink: list[object] = [
        ag.InkBleed(intensity_range=(0.3, 0.5), kernel_size=(3, 3), severity=(0.3, 0.5))
    ]
    post: list[object] = []
    if kind in ("speckle", "mixed"):
        post.append(
            ag.BadPhotoCopy(
                noise_type=rng.choice([1, 2, 5]),
                noise_iteration=(2, 3),
                noise_size=(2, 4),
                noise_sparsity=(0.15, 0.3),
                noise_concentration=(0.5, 0.8),
                blur_noise=1,
                wave_pattern=0,
                edge_effect=1,
            )
        )
    if kind in ("drum", "mixed"):
        post.append(
            ag.DirtyDrum(
                line_width_range=(2, 5),
                line_concentration=0.12,
                direction=rng.choice([0, 1, 2]),
                noise_intensity=0.5,
                noise_value=(0, 30),
                ksize=(3, 3),
                sigmaX=0,
            )
        )
    if kind in ("lowink-fold", "mixed"):
        ink.append(ag.LowInkRandomLines(count_range=(30, 60), use_consistent_lines=False))
        post.append(
            ag.Folding(
                fold_count=rng.randint(2, 4),
                fold_noise=0.2,
                gradient_width=(0.1, 0.2),
                gradient_height=(0.01, 0.02),
            )
        )
    post += [
        ag.SubtleNoise(subtle_range=20),
        ag.Geometric(rotate_range=(-2, 2)),
        ag.Jpeg(quality_range=(30, 50)),
    ]
    pipeline = ag.AugraphyPipeline(
        ink_phase=ink,
        paper_phase=[ag.NoiseTexturize(sigma_range=(4, 8), turbulence_range=(3, 6))],
        post_phase=post,
        random_seed=seed,
    )
    aged = np.asarray(pipeline(grey), dtype=np.float64)
    if aged.ndim == 3:
        aged = aged.mean(axis=2)
    if kind in ("bands", "mixed"):
        aged = _dark_bands(aged, rng)
    return Image.fromarray(np.clip(aged, 0, 255).astype(np.uint8))


def _dark_bands(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """Grey bands across the page, as a copier lid left open or a creased original
    gives them, and a black edge where the sheet did not cover the glass."""
    height = image.shape[0]
    out = image.copy()
    for _ in range(rng.randint(2, 3)):
        top = rng.randint(0, height - height // 8)
        size = rng.randint(height // 20, height // 8)
        depth = rng.uniform(0.35, 0.6)  # paper at 40-65% of its brightness
        rows = np.arange(height)
        edge = np.clip(np.minimum(rows - top, top + size - rows) / 40.0, 0, 1)
        out *= (1 - (1 - depth) * edge)[:, None]
    border = rng.randint(20, 80)
    out[:, :border] = rng.uniform(10, 40)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 12, out.shape)
    return out + noise


def _faint(grey: np.ndarray, rng: random.Random) -> Image.Image:
    """A copy made with almost no toner: ink at 140-175 on paper at 215-235, so no
    pixel is under 128, blurred and noisy."""
    ink, paper = rng.uniform(140, 175), rng.uniform(215, 235)
    faint = paper - (255 - grey.astype(np.float64)) / 255 * (paper - ink)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, faint.shape)
    image = Image.fromarray(np.clip(faint + noise, 130, 255).astype(np.uint8))
    angle = rng.uniform(-1.5, 1.5)
    return image.rotate(angle, Image.Resampling.BICUBIC, fillcolor=int(paper)).filter(
        ImageFilter.GaussianBlur(0.7)
    )
