"""The loading screen, drawn with pygame alone (before the simulator is imported)."""

from __future__ import annotations

from typing import Any

__all__ = ["splash"]

BG = (30, 32, 40)
FG = (235, 235, 240)
ACCENT = (250, 200, 90)
PANEL = (44, 47, 58)


def splash(pg: Any, surf: Any, message: str, share: float | None = None) -> None:
    """Draw a waiting frame on ``surf``: the title, ``message`` and, with ``share``
    (0 to 1), a progress bar.

    Parameters
    ----------
    pg
        The pygame module (display and font initialised).
    surf
        The window's surface.
    message
        What is happening.
    share
        The share done, or ``None`` for no bar.
    """
    w, h = surf.get_size()
    u = max(10, h // 40)
    surf.fill(BG)
    surf.blit(pg.font.Font(None, 3 * u).render("infancy classroom", True, ACCENT), (2 * u, 2 * u))
    surf.blit(pg.font.Font(None, int(1.4 * u)).render(message, True, FG), (2 * u, 6 * u))
    if share is not None:
        r = pg.Rect(2 * u, 9 * u, w - 4 * u, 2 * u)
        pg.draw.rect(surf, PANEL, r, border_radius=6)
        pg.draw.rect(surf, ACCENT, (r.x, r.y, int(r.w * share), r.h), border_radius=6)
