"""The stable command-line contract of `territori assess`, `composite` and `project`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from territori.cli.main import main

EUROSTAT_WORDS = {
    "significant_progress",
    "moderate_progress",
    "insufficient_progress",
    "moderate_movement_away",
    "significant_movement_away",
    "movement_away",
    "target_met",
    "not_assessable",
}


def write(path: Path, text: str) -> str:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def observations(tmp_path: Path) -> str:
    rows = ["indicator,territory,year,value"]
    for year in range(2009, 2025):
        rows.append(f"WASTE,201,{year},{40 * 1.02 ** (year - 2009):.6f}")
        rows.append(f"PM10,201,{year},{60 * 0.97 ** (year - 2009):.6f}")
    rows.append("PM10,001272,2024,50")
    return write(tmp_path / "obs.csv", "\n".join(rows))


@pytest.fixture
def meta(tmp_path: Path) -> str:
    return write(
        tmp_path / "meta.csv",
        "indicator,polarity,target,target_year,limit\nWASTE,1,65,2030,100\nPM10,-1,,,",
    )


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_assess_eurostat_json_contract(observations: str, meta: str, capsys) -> None:
    result = run_json(capsys, "assess", observations, "--meta", meta)
    assert len(result) == 6  # 3 series × 2 windows
    assert set(result[0]) == {
        "indicator",
        "territory",
        "method",
        "window",
        "start_year",
        "end_year",
        "cagr",
        "required_cagr",
        "ratio",
        "status",
    }
    assert {r["status"] for r in result} <= EUROSTAT_WORDS
    by_key = {(r["indicator"], r["territory"], r["window"]): r for r in result}
    long = by_key[("WASTE", "201", "long")]
    assert (long["start_year"], long["end_year"]) == (2009, 2024)
    assert long["cagr"] == pytest.approx(0.02, abs=1e-6)
    assert long["required_cagr"] == pytest.approx((65 / 40) ** (1 / 21) - 1, rel=1e-5)
    pm10 = by_key[("PM10", "201", "short")]
    assert pm10["cagr"] == pytest.approx(-0.03, abs=1e-6)
    assert pm10["status"] == "significant_progress"  # falling 3 %/yr, lower is better
    assert pm10["required_cagr"] is None and pm10["ratio"] is None
    lonely = by_key[("PM10", "001272", "long")]
    assert lonely["status"] == "not_assessable" and lonely["cagr"] is None


def test_assess_istat_and_opensdg(observations: str, meta: str, capsys) -> None:
    istat = run_json(capsys, "assess", observations, "--meta", meta, "--method", "istat")
    assert {r["window"] for r in istat} == {"full"}
    assert {r["status"] for r in istat} <= {
        "strong_improvement",
        "improvement",
        "stable",
        "worsening",
        "strong_worsening",
        "not_assessable",
    }
    opensdg = run_json(capsys, "assess", observations, "--meta", meta, "--method", "opensdg")
    assert all("score" in r for r in opensdg)
    pm10 = next(r for r in opensdg if (r["indicator"], r["territory"]) == ("PM10", "201"))
    # p = 3 % ≥ 1.5 %: min(500p - 5, 5) = 5
    assert pm10["score"] == pytest.approx(5.0)
    assert pm10["status"] == "substantial_progress"
    assert pm10["start_year"] == 2015


def test_assess_csv_output(observations: str, meta: str, capsys) -> None:
    assert main(["assess", observations, "--meta", meta, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == (
        "indicator,territory,method,window,start_year,end_year,cagr,required_cagr,ratio,status"
    )
    assert len(lines) == 7


def test_project_contract(observations: str, meta: str, capsys) -> None:
    result = run_json(capsys, "project", observations, "--meta", meta, "--year", "2030")
    assert set(result[0]) == {
        "indicator",
        "territory",
        "method",
        "value",
        "lower",
        "upper",
        "gap_closure",
    }
    waste = {r["method"]: r for r in result if r["indicator"] == "WASTE"}
    expected = 40 * 1.02**21
    assert waste["cagr"]["value"] == pytest.approx(expected, rel=1e-5)
    assert waste["cagr"]["gap_closure"] == pytest.approx((expected - 40) / (65 - 40), rel=1e-5)
    assert waste["linear"]["lower"] < waste["linear"]["value"] < waste["linear"]["upper"]


def test_composite_contract(tmp_path: Path, capsys) -> None:
    data = write(
        tmp_path / "c.csv",
        "indicator,territory,year,value\nA,IT,2020,10\nA,201,2020,20\nB,IT,2020,5\nB,201,2020,15",
    )
    meta = write(tmp_path / "m.csv", "indicator,polarity\nA,1\nB,-1")
    result = run_json(
        capsys, "composite", data, "--meta", meta, "--method", "ampi", "--reference", "IT:2020"
    )
    values = {r["territory"]: r["value"] for r in result}
    assert set(result[0]) == {"territory", "year", "value"}
    assert values == pytest.approx({"IT": 100.0, "201": 64.0})  # hand-computed in core tests


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("indicator,territory,year\nA,IT,2020", "row 1, column 'value': required column"),
        ("indicator,territory,year,value\nA,IT,2020,abc", "row 2, column 'value': not a number"),
        ("indicator,territory,year,value\nA,IT,20x0,1", "row 2, column 'year': not a whole"),
        (
            "indicator,territory,year,value\nA,IT,2020,1\nA,IT,2021,2\nA,IT,2020,3",
            "row 2, column 'year': duplicate indicator × territory × year (A, IT, 2020) also on row(s) 4",
        ),
    ],
)
def test_bad_input_names_file_row_and_column(
    tmp_path: Path, capsys, content: str, message: str
) -> None:
    path = write(tmp_path / "bad.csv", content)
    assert main(["assess", path]) == 2
    error = capsys.readouterr().err
    assert "bad.csv" in error
    assert message in error


def test_bad_meta_and_unknown_method(tmp_path: Path, observations: str, capsys) -> None:
    meta = write(tmp_path / "meta.csv", "indicator,polarity\nWASTE,2")
    assert main(["assess", observations, "--meta", meta]) == 2
    assert "meta.csv, row 2, column 'polarity': polarity must be 1 or -1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["assess", observations, "--method", "median"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'median'" in capsys.readouterr().err
    meta = write(tmp_path / "meta2.csv", "indicator,polarity\nWASTE,1")
    assert (
        main(
            [
                "composite",
                observations,
                "--meta",
                meta,
                "--method",
                "ampi",
                "--reference",
                "IT:2020",
            ]
        )
        == 2
    )
    assert "no polarity for indicator(s) PM10" in capsys.readouterr().err


def test_parquet_input_and_subprocess(tmp_path: Path, observations: str) -> None:
    parquet = tmp_path / "obs.parquet"
    pd.read_csv(observations).to_parquet(parquet)
    completed = subprocess.run(
        [sys.executable, "-m", "territori.cli.main", "assess", str(parquet), "--method", "istat"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert len(json.loads(completed.stdout)) == 3
