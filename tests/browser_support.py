"""What the browser tests share (tests/test_web_page.py, tests/test_web_accessibility.py): where
Chromium is and how it is started (the `browser` fixture is in conftest.py), the screens they use,
and axe-core, run inside the page. axe-core comes from npm with the widget (web/package.json, a
dev dependency that `make web` installs); the page server never serves it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from settings import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking"]
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
TIMEOUT = 30_000  # ms, for one answer of the bot

AXE_SOURCE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, A and AA, and axe's best practices
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# where the browser tests leave what a person should look at (screenshots); var/ is git-ignored
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now. The script is evaluated through the
    DevTools protocol, which the page's Content-Security-Policy does not restrict, so the page
    server's policy stays as strict as in production."""
    if not AXE_SOURCE.exists():
        raise AssertionError(f"{AXE_SOURCE} is missing: run `make web` (npm ci in web/)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})""", AXE_TAGS)
    return result["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{violation['helpUrl']}]")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any, state: str) -> None:
    """No axe-core violation at all (any impact) on the page in ``state``."""
    violations = axe_violations(page)
    assert not violations, (f"axe-core: {len(violations)} violation(s) {state}:\n"
                            + describe_violations(violations))


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path


# --- colours, as WCAG 2.1 measures them ---

def rgb(css: str) -> tuple[float, float, float, float]:
    """(r, g, b, alpha) of a computed CSS colour, ``rgb(...)`` or ``rgba(...)``."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if len(numbers) == 3:
        numbers.append(1.0)
    assert len(numbers) == 4, f"not a computed colour: {css}"
    return numbers[0], numbers[1], numbers[2], numbers[3]


def over(front: str, back: str) -> tuple[float, float, float]:
    """``front`` drawn over the opaque ``back``."""
    r, g, b, alpha = rgb(front)
    br, bg, bb, _ = rgb(back)
    return (r * alpha + br * (1 - alpha), g * alpha + bg * (1 - alpha),
            b * alpha + bb * (1 - alpha))


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(front: str, back: str) -> float:
    """The contrast ratio of the colour ``front`` on the opaque colour ``back``."""
    lighter, darker = sorted((luminance(over(front, back)), luminance(over(back, back))),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
