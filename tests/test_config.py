"""Configuration read from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _development_base_url(**environ: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "BASE_URL")} | environ
    code = "from config import DevelopmentConfig; print(DevelopmentConfig.BASE_URL)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_links_in_development_follow_the_port_the_app_serves():
    assert _development_base_url(PORT="5101") == "http://127.0.0.1:5101"
    assert _development_base_url() == "http://127.0.0.1:5000"
    assert _development_base_url(PORT="5101", BASE_URL="https://learning.example") == "https://learning.example"
