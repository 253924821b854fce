"""The seed is deterministic and scales (a small N here; 50,000 is measured separately, see the report)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from tests.support.sandbox import REPO, _env, _python


def seed(tmp: Path, products: int) -> tuple[Path, str]:
    db = tmp / "seed.sqlite3"
    env = _env(db, tmp / "media")
    run = [_python(), "-m", "sandbox"]
    subprocess.run([*run, "migrate", "--no-input", "-v", "0"], env=env, cwd=REPO, check=True)
    done = subprocess.run(
        [*run, "seed", "--products", str(products)], env=env, cwd=REPO, check=True, capture_output=True, text=True
    )
    return db, done.stdout


def snapshot(db: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT sku, price, special_price FROM sandbox_catalog_product ORDER BY id").fetchall()


def test_two_seeds_give_the_same_catalog(tmp_path: Path) -> None:
    first, summary = seed(tmp_path / "a", 400)
    second, _ = seed(tmp_path / "b", 400)
    assert snapshot(first) == snapshot(second)
    assert summary.startswith("Seeded ") and " in " in summary and summary.strip().endswith("s")


def test_size_knob_scales_and_reseed_replaces(tmp_path: Path) -> None:
    db, _ = seed(tmp_path, 300)
    small = len(snapshot(db))
    _, summary = seed(tmp_path, 3000)  # same file: re-seeding replaces everything
    large = len(snapshot(db))
    assert 250 <= small <= 350
    assert 2700 <= large <= 3300
    with sqlite3.connect(db) as conn:
        skus = conn.execute("SELECT COUNT(DISTINCT sku) FROM sandbox_catalog_product").fetchone()[0]
    assert skus == large
    assert f"Seeded {large} products" in summary
