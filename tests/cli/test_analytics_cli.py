"""The stable command-line contract of `territori assess`, `composite` and `project`."""

from __future__ import annotations

import json
import os
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


def test_meta_base_year_moves_the_open_sdg_start(tmp_path: Path, capsys) -> None:
    data = write(
        tmp_path / "b.csv",
        "indicator,territory,year,value\nA,IT,2012,100\nA,IT,2015,110\nA,IT,2020,121",
    )
    default = run_json(capsys, "assess", data, "--method", "opensdg")
    assert default[0]["start_year"] == 2015
    meta = write(tmp_path / "m.csv", "indicator,polarity,base_year\nA,1,2012")
    chosen = run_json(capsys, "assess", data, "--meta", meta, "--method", "opensdg")
    assert chosen[0]["start_year"] == 2012
    assert chosen[0]["cagr"] == pytest.approx(1.21 ** (1 / 8) - 1)
    bad = write(tmp_path / "bad.csv", "indicator,polarity,base_year\nA,1,15")
    assert main(["assess", data, "--meta", bad, "--method", "opensdg"]) == 2
    assert "bad.csv, row 2, column 'base_year'" in capsys.readouterr().err


def test_series_and_the_indicator_level(tmp_path: Path, capsys) -> None:
    data = write(
        tmp_path / "s.csv",
        "\n".join(
            [
                "indicator,series,territory,year,value",
                "A,F,IT,2015,50",
                "A,F,IT,2024,85",  # target 80 met: 5
                "A,M,IT,2015,50",
                "A,M,IT,2024,50",  # no change: R = 0 → -2.5
                "A,F,201,2015,50",
                "A,F,201,2024,81",
                "A,M,201,2015,50",
                "A,M,201,2024,90",  # both met
            ]
        ),
    )
    meta = write(tmp_path / "m.csv", "indicator,polarity,target,target_year\nA,1,80,2030")
    series = run_json(capsys, "assess", data, "--meta", meta, "--method", "opensdg")
    assert {(r["series"], r["territory"]) for r in series} == {
        ("F", "IT"),
        ("M", "IT"),
        ("F", "201"),
        ("M", "201"),
    }
    assert list(series[0])[:3] == ["indicator", "series", "territory"]
    level = run_json(
        capsys, "assess", data, "--meta", meta, "--method", "opensdg", "--level", "indicator"
    )
    by_place = {r["territory"]: r for r in level}
    assert by_place["IT"]["score"] == pytest.approx((5 - 2.5) / 2)
    assert by_place["IT"]["status"] == "moderate_progress"
    assert (by_place["201"]["status"], by_place["201"]["score"]) == ("target_achieved", 5.0)
    assert by_place["IT"]["series"] == 2 and by_place["IT"]["assessed"] == 2
    with pytest.raises(SystemExit):
        main(["assess", data, "--level", "indicator"])
    assert "--level indicator is Open SDG's" in capsys.readouterr().err


def test_parquet_nulls_are_missing_values_and_parquet_output(tmp_path: Path, capsys) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "indicator": ["A", "A", "A", "B", "B"],
            "territory": ["IT", "IT", "IT", "IT", "IT"],
            "year": [2015, 2016, 2020, 2015, 2020],
            "value": pa.array([10.0, None, 12.0, float("nan"), None]),
        }
    )
    source = tmp_path / "nulls.parquet"
    pq.write_table(table, source)
    target = tmp_path / "out.parquet"
    assert main(["assess", str(source), "--format", "parquet", "--output", str(target)]) == 0
    result = pq.read_table(target).to_pylist()
    # B has no value at all: it is not a series; A keeps its two values
    assert {r["indicator"] for r in result} == {"A"}
    assert {(r["start_year"], r["end_year"]) for r in result} == {(2015, 2020)}


def test_csv_output_never_carries_a_live_formula(tmp_path: Path, capsys) -> None:
    data = write(
        tmp_path / "f.csv",
        'indicator,territory,year,value\nA,"=HYPERLINK(""x"")",2015,1\nA,"=HYPERLINK(""x"")",2020,2',
    )
    assert main(["assess", data, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'=HYPERLINK" in out and ',"=HYPERLINK' not in out


def test_decimal_commas_and_semicolons_still_read(tmp_path: Path, capsys) -> None:
    data = write(
        tmp_path / "it.csv", "indicator;territory;year;value\nA;IT;2015;1,5\nA;IT;2020;3,0"
    )
    result = run_json(capsys, "assess", data, "--method", "istat")
    assert result[0]["cagr"] == pytest.approx(2 ** (1 / 5) - 1)


def test_a_series_column_is_part_of_the_duplicate_check(tmp_path: Path, capsys) -> None:
    data = write(
        tmp_path / "d.csv",
        "indicator,breakdown,territory,year,value\nA,sesso=F,IT,2020,1\nA,sesso=M,IT,2020,2\n"
        "A,sesso=F,IT,2020,3",
    )
    assert main(["assess", data]) == 2
    error = capsys.readouterr().err
    assert (
        "row 2, column 'year': duplicate indicator × territory × year (A, sesso=F, IT, 2020)"
        in error
    )
    assert "also on row(s) 4" in error


SDMX = """DATAFLOW,FREQ,GEO,SEX,TIME_PERIOD,OBS_VALUE,OBS_STATUS
X,A,ITC11,F,2021,10,
X,A,ITC11,M,2021,12,p
"""


def test_convert_any_file_to_the_tidy_table(tmp_path: Path, capsys) -> None:
    source = write(tmp_path / "data.csv", SDMX)
    assert main(["convert", source, "--indicator", "POP", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "indicator,territory,year,value,breakdown,flags",
        "POP,ITC11,2021,10,SEX=F,",
        "POP,ITC11,2021,12,SEX=M,P",
    ]
    assert "data.csv (sdmx-csv): 2 observations" in captured.err
    as_json = run_json(capsys, "convert", source, "--indicator", "POP")
    assert as_json[1] == {
        "indicator": "POP",
        "territory": "ITC11",
        "year": 2021,
        "value": 12.0,
        "breakdown": "SEX=M",
        "flags": "P",
    }
    target = tmp_path / "tidy.parquet"
    assert main(["convert", source, "--indicator", "POP", "--format", "parquet",
                 "--output", str(target)]) == 0  # fmt: skip
    # the tidy table is itself an input of the other commands
    assert len(run_json(capsys, "assess", str(target), "--method", "istat")) == 2


def test_convert_names_every_problem_and_writes_nothing(tmp_path: Path, capsys) -> None:
    months = write(
        tmp_path / "m.csv",
        "DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX,IT,2021-01,1\nX,IT,2021-02,3\nX,IT,2021-03,x",
    )
    assert main(["convert", months, "--indicator", "A"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "m.csv: 4 problem(s), nothing written" in captured.err
    assert "row 2, column 'TIME_PERIOD': a monthly period" in captured.err
    assert "row 4, column 'OBS_VALUE'" in captured.err
    fixed = write(
        tmp_path / "m2.csv",
        "DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX,IT,2021-01,1\nX,IT,2021-02,3",
    )
    result = run_json(capsys, "convert", fixed, "--indicator", "A", "--aggregate", "mean")
    assert result == [
        {"indicator": "A", "territory": "IT", "year": 2021, "value": 2.0, "flags": "E"}
    ]


def test_convert_needs_no_database(tmp_path: Path) -> None:
    source = write(tmp_path / "data.csv", SDMX)
    script = (
        "import sys; from territori.cli.main import main; "
        f"code = main(['convert', {source!r}, '--indicator', 'POP']); "
        "assert 'django' not in sys.modules, 'django was imported'; sys.exit(code)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=environment
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)[0]["territory"] == "ITC11"
