"""requirements.txt: one exact pin per package."""
import re

from tests.helpers import ROOT


def test_each_package_is_pinned_once():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line for line in lines if line]
    names = [re.split(r"==", pin)[0].lower().replace("_", "-") for pin in pins]
    assert all("==" in pin for pin in pins), pins
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
