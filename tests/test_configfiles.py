"""Reading configuration files: every YAML trap is one line naming the file."""

from __future__ import annotations

import pytest

from infancy.configfiles import read_yaml


@pytest.mark.parametrize(
    "text, message",
    [
        (b"n: 1\nseed: 2\nn: 3\n", "c.yaml: key 'n' given twice (lines 1 and 3)"),
        (b"a:\n  b: 1\n  c: 2\n  b: 3\n", "c.yaml: key 'b' given twice (lines 2 and 4)"),
        (b"n: \xff\xfe\n", "c.yaml: not UTF-8 text (byte 3 cannot be read)"),
        (b"n: [1, 2\n", "c.yaml: not valid YAML at line"),
    ],
)
def test_a_bad_file_is_one_line(tmp_path, text, message):
    (tmp_path / "c.yaml").write_bytes(text)
    with pytest.raises(ValueError) as err:
        read_yaml(tmp_path / "c.yaml", "c.yaml", ValueError)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_only_true_and_false_are_booleans_and_merges_still_work(tmp_path):
    text = b"a: yes\nb: No\nc: on\nd: true\ne: FALSE\nbase: &b {x: 1, y: 2}\nf:\n  <<: *b\n  x: 3\n"
    (tmp_path / "c.yaml").write_bytes(text)
    got = read_yaml(tmp_path / "c.yaml", "c.yaml", ValueError)
    assert got == {
        "a": "yes",
        "b": "No",
        "c": "on",
        "d": True,
        "e": False,
        "base": {"x": 1, "y": 2},
        "f": {"x": 3, "y": 2},
    }
