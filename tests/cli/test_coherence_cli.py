"""The stable contract of `territori coherence-metrics MATRIX.csv [--alpha] [--order] [--format]`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from territori.cli.main import main

NODE_KEYS = {
    "node",
    "out",
    "in",
    "net",
    "out_pos",
    "out_neg",
    "in_pos",
    "in_neg",
    "second_order",
    "motricity",
    "dependence",
    "quadrant",
}


def write(tmp_path: Path, text: str, name: str = "matrix.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["coherence-metrics", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_worked_example_as_json(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "code,a,b,c\na,,2,1\nb,1,,3\nc,0,1,\n")
    code, out, _err = run(capsys, path)
    assert code == 0
    body = json.loads(out)
    assert set(body) == {"nodes", "warnings", "clusters"}
    nodes = {n["node"]: n for n in body["nodes"]}
    assert [n["node"] for n in body["nodes"]] == ["a", "b", "c"]
    assert all(set(n) == NODE_KEYS for n in body["nodes"])
    assert [nodes[x]["motricity"] for x in "abc"] == pytest.approx([6.5, 4.5, 1.5])
    assert [nodes[x]["dependence"] for x in "abc"] == pytest.approx([1.5, 3.5, 7.5])
    assert [nodes[x]["second_order"] for x in "abc"] == [7, 1, 1]
    assert [nodes[x]["net"] for x in "abc"] == [2, 1, -3]
    assert [nodes[x]["quadrant"] for x in "abc"] == ["determinant", "determinant", "result"]
    assert body["warnings"] == []


def test_alpha_order_warnings_and_semicolons(tmp_path: Path, capsys) -> None:
    # Excel in Italian writes semicolons and may use the minus sign; columns in another order
    path = write(tmp_path, ";b;a;c\na;-2;0;3\nb;0;1;\u22123\nc;1;1;0\n")
    code, out, _err = run(capsys, path, "--alpha", "1", "--order", "1", "--format", "json")
    assert code == 0, _err
    body = json.loads(out)
    nodes = {n["node"]: n for n in body["nodes"]}
    # rows follow the first column: a→b -2, a→c 3; b→a 1, b→c -3; c→b 1, c→a 1
    assert (nodes["a"]["out"], nodes["a"]["out_pos"], nodes["a"]["out_neg"]) == (1, 3, -2)
    assert nodes["b"]["motricity"] == -2  # order 1: the matrix itself
    assert sorted(map(tuple, body["warnings"])) == [("a", "b", -2), ("b", "c", -3)]
    # positive graph a–c 4, a–b 1, b–c 1: modularity of {a,b,c} is 0, of {a,c}{b} -0.056
    assert body["clusters"] == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (",a,b\na,,1\nb,1,\nc,0,0\n", "3 rows and 2 columns: a square matrix is needed"),
        (",a,a\na,,1\nb,1,\n", "row 1, field 'column C': duplicate code (also column B)"),
        (",a,b\na,,1\na,1,\n", "row 3, field 'column A': duplicate code (also row 2)"),
        (",a,b\na,,4\nb,1,\n", "row 2, field 'column C (b)': score outside -3..+3"),
        (",a,b\na,,1\nb,-3.5,\n", "row 3, field 'column B (a)': score outside -3..+3"),
        (",a,b\na,,1.5\nb,1,\n", "row 2, field 'column C (b)': not a whole number"),
        (
            ",a,b\na,,yes\nb,1,\n",
            "row 2, field 'column C (b)': not a number (row a) (value: 'yes')",
        ),
        (",a,b\na,,1\nx,1,\n", "row 3, field 'column A': code not among the column codes"),
        ("", "the file is empty"),
    ],
)
def test_bad_matrices_exit_non_zero_naming_row_and_column(
    tmp_path: Path, capsys, text: str, message: str
) -> None:
    code, out, err = run(capsys, write(tmp_path, text))
    assert code == 2 and out == ""
    assert "matrix.csv" in err and message in err


def test_bad_options_and_missing_file(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, ",a,b\na,,1\nb,1,\n")
    for options in (["--alpha", "0"], ["--alpha", "nan"], ["--order", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["coherence-metrics", path, *options])
        assert exit_info.value.code == 2
    code, _out, err = run(capsys, str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv: no such file" in err


def test_table_and_csv_outputs_through_a_subprocess(tmp_path: Path) -> None:
    path = write(tmp_path, ",a,b,c\na,,2,1\nb,1,,3\nc,0,1,\n")
    for fmt, expected in (("table", "cluster: a, b, c"), ("csv", "node,out,in,net")):
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "territori.cli.main",
                "coherence-metrics",
                path,
                "--format",
                fmt,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert completed.returncode == 0, completed.stderr
        assert expected in completed.stdout
