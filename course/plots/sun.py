"""Chronolocation, as a picture: the sun's path over a day, a claimed time and a measured shadow.

>>> from course.plots.sun import chronolocation_figure
>>> from course.sun import coordinates, judge_time
>>> v = judge_time(*coordinates("kupiansk"), "2022-09-10", "06:15", direction=295, length=2.6, height=1.8)
>>> chronolocation_figure(v, *coordinates("kupiansk")).axes[0].get_title(loc="left")
'The sun over the day'
"""

from __future__ import annotations

import math
from typing import Any

from course.errors import check_type
from course.plots._style import finish, pyplot
from course.plots.alttext import FigureText
from course.widgets import OKABE_ITO

__all__ = ["alt_text", "chronolocation_figure"]

CREDIT_SUN = "Sun positions: the astral package. Diagram drawn by the course."


def chronolocation_figure(verdict: Any, lat: float, lon: float, utc_offset: float = 3.0) -> Any:
    """Left: the sun's elevation through the day, with the claimed time and the best-fitting time marked.
    Right: seen from above, the shadow at the claimed time against the measured shadow."""
    from course.sun import Verdict, sun_position

    check_type(verdict, Verdict, "verdict")
    plt = pyplot()
    day = verdict.day.isoformat()
    hours = [h / 4 for h in range(4 * 3, 4 * 22 + 1)]
    suns = [sun_position(lat, lon, day, f"{int(h):02d}:{int(round((h % 1) * 60)):02d}", utc_offset) for h in hours]
    fig, (ax, top) = plt.subplots(1, 2, figsize=(11.4, 5.4), gridspec_kw={"width_ratios": [1.55, 1]})
    ax.plot(hours, [s.elevation for s in suns], color=OKABE_ITO["orange"][0], linewidth=2, label="sun's elevation")
    ax.axhline(0, color="#777777", linewidth=0.8)
    ax.axhline(verdict.measured.elevation, color=OKABE_ITO["blue"][0], linestyle="--", linewidth=1.2,
               label=f"elevation the shadow implies ({verdict.measured.elevation:.0f}°)")

    def clock(text: str) -> float:
        hh, mm = text.split(":")
        return int(hh) + int(mm) / 60

    ax.axvline(clock(verdict.claimed), color=OKABE_ITO["vermillion"][0], linewidth=1.6,
               label=f"claimed time {verdict.claimed}")
    ax.axvline(clock(verdict.best.time), color=OKABE_ITO["green"][0], linewidth=1.6, linestyle=":",
               label=f"best fit {verdict.best.time}")
    ax.set_xlim(3, 22)
    # the plot ends at the first ten degrees above the sun's peak and the measured elevation, so the y axis
    # has a label at its top and the time markers end level with it (no frame above to stop them)
    ceiling = 10 * math.ceil((max(max(s.elevation for s in suns), verdict.measured.elevation) + 5) / 10)
    ax.set_ylim(-12, ceiling)
    ax.set_yticks(range(-10, ceiling + 1, 10))
    ax.set_xticks(range(4, 23, 2), [f"{h:02d}:00" for h in range(4, 23, 2)], fontsize=8.5)
    ax.set_xlabel(f"local time on {day} (UTC{utc_offset:+g})")
    ax.set_ylabel("elevation above the horizon (degrees)")
    ax.set_title("The sun over the day", loc="left")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2)  # below: no line crosses it

    top.set_aspect("equal")
    top.set_xlim(-1.35, 1.35)
    top.set_ylim(-1.35, 1.35)
    top.axis("off")
    circle = plt.Circle((0, 0), 1, fill=False, color="#999999", linewidth=0.8)
    top.add_patch(circle)
    for name, az in (("N", 0), ("E", 90), ("S", 180), ("W", 270)):
        top.text(1.18 * math.sin(math.radians(az)), 1.18 * math.cos(math.radians(az)), name, ha="center",
                 va="center", fontsize=10, fontweight="bold")

    def arrow(azimuth: float, colour: str, label: str, style: str = "-") -> None:
        x, y = math.sin(math.radians(azimuth)), math.cos(math.radians(azimuth))
        top.annotate("", xy=(0.95 * x, 0.95 * y), xytext=(0, 0),
                     arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 2, "linestyle": style})
        top.plot([], [], color=colour, linestyle=style, linewidth=2, label=label)

    arrow((verdict.measured.azimuth + 180) % 360, OKABE_ITO["blue"][0],
          f"measured shadow, towards {(verdict.measured.azimuth + 180) % 360:.0f}°", "--")
    if verdict.predicted.elevation > 0:
        arrow((verdict.predicted.azimuth + 180) % 360, OKABE_ITO["vermillion"][0],
              f"shadow at {verdict.claimed}, towards {(verdict.predicted.azimuth + 180) % 360:.0f}°")
    top.plot([0], [0], marker="o", color="#1a1a1a")
    top.set_title("Shadows seen from above", loc="left")
    top.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.02))
    word = "fits" if verdict.fits else "does not fit"
    fig.text(0.01, 0.015, f"The claimed time {word}: {verdict.error:.0f}° of sky between the sun then and the sun the "
             f"shadow implies (tolerance {verdict.tolerance:g}°).\n{CREDIT_SUN}", fontsize=8, color="#444444")
    fig.subplots_adjust(left=0.07, right=0.98, top=0.91, bottom=0.29, wspace=0.12)
    return finish(fig, FigureText(alt_text(verdict), tuple(line for line in str(verdict).splitlines() if line.strip())))


def alt_text(verdict: Any) -> str:
    """A text description of the chronolocation figure for *verdict*."""
    from course.sun import Verdict

    check_type(verdict, Verdict, "verdict")
    word = "fits" if verdict.fits else "does not fit"
    return (f"Left: the sun's elevation through {verdict.day.isoformat()}; the claimed time {verdict.claimed} is marked, "
            f"and the time that best fits the shadow, {verdict.best.time}. Right: seen from above, the measured shadow "
            f"points towards {(verdict.measured.azimuth + 180) % 360:.0f} degrees. The claimed time {word}.")
