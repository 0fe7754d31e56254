"""The framework file reader and validator (pure: no database)."""

from __future__ import annotations

from territori.io.errors import RowError
from territori.io.frameworks import (
    ExistingFramework,
    read_framework_file,
    validate_document,
    write_csv_document,
    write_xlsx_document,
    write_yaml,
)

SDG = {"sdg": ExistingFramework(levels=("goal", "target"), parents={"9": "", "12": ""})}


def problems(errors: list[RowError]) -> set[tuple[int, str]]:
    return {(error.row, error.field) for error in errors}


def test_yaml_with_nested_children_is_read_with_parents_and_line_numbers(fixture_bytes):
    # Given a valid YAML framework with nested nodes
    document, errors = read_framework_file(fixture_bytes("frameworks", "good.yaml"), "good.yaml")
    # Then it reads without errors, children know their parents, rows are the file's lines
    assert errors == []
    assert [f.code for f in document.frameworks] == ["test-plan"]
    by_code = {node.code: node for node in document.nodes}
    assert by_code["A.1"].parent_code == "A"
    assert by_code["B"].parent_code == ""
    assert by_code["A"].row == 12
    assert by_code["A.2"].attributes == {"budget_eur": {"total": 100}}
    assert document.links[0].source == "test-plan:A"
    assert validate_document(document, SDG) == []


def test_broken_yaml_reports_every_bad_row(fixture_bytes):
    # Given a YAML file with one mistake of each kind
    document, errors = read_framework_file(
        fixture_bytes("frameworks", "broken.yaml"), "broken.yaml"
    )
    assert errors == []
    # When it is validated
    found = validate_document(document, SDG)
    messages = {(error.row, error.field): error.message for error in found}
    # Then each mistake is named by its line and field
    assert "duplicate code (first at row 8)" in messages[(9, "code")]
    assert messages[(10, "title_it")] == "missing Italian title"
    assert messages[(11, "parent_code")] == "unknown parent"
    assert messages[(12, "level")].startswith("unknown level")
    assert "cycle" in messages[(13, "parent_code")]
    assert "cycle" in messages[(14, "parent_code")]
    link_errors = [e for e in found if e.row in (16, 17)]
    assert {(e.row, e.field) for e in link_errors} == {(16, "to"), (17, "to"), (17, "kind")}
    assert any("two different frameworks" in e.message for e in link_errors)


def test_csv_rows_are_validated_against_the_database_frameworks(fixture_bytes):
    document, errors = read_framework_file(fixture_bytes("frameworks", "broken.csv"), "broken.csv")
    assert errors == []
    found = validate_document(document, SDG)
    assert problems(found) == {(3, "code"), (4, "framework"), (5, "parent_code"), (6, "title_it")}
    assert str(found[0]).startswith("row 3, field 'code': duplicate code (first at row 2)")


def test_csv_without_required_columns_names_them(fixture_bytes):
    _document, errors = read_framework_file(
        fixture_bytes("frameworks", "missing-columns.csv"), "x.csv"
    )
    assert {error.field for error in errors} == {"parent_code", "level", "title_en", "description"}


def test_unreadable_files_give_one_clear_error(fixture_bytes):
    _doc, yaml_errors = read_framework_file(
        fixture_bytes("frameworks", "not-yaml.yaml"), "not-yaml.yaml"
    )
    assert yaml_errors[0].field == "yaml"
    assert yaml_errors[0].row == 2
    _doc, excel_errors = read_framework_file(
        fixture_bytes("frameworks", "not-excel.xlsx"), "not-excel.xlsx"
    )
    assert excel_errors[0].field == "file"
    assert "Excel" in excel_errors[0].message
    _doc, suffix_errors = read_framework_file(b"x", "plan.pdf")
    assert "unsupported file type '.pdf'" in suffix_errors[0].message
    _doc, encoding_errors = read_framework_file("a;b\n".encode("utf-16"), "latin.csv")
    assert encoding_errors[0].field == "encoding"


def test_yaml_csv_and_excel_round_trip_to_the_same_nodes(fixture_bytes):
    document, _ = read_framework_file(fixture_bytes("frameworks", "good.yaml"), "good.yaml")
    for writer, name in (
        (write_yaml, "x.yaml"),
        (write_csv_document, "x.csv"),
        (write_xlsx_document, "x.xlsx"),
    ):
        again, errors = read_framework_file(writer(document), name)
        assert errors == []
        assert [(n.code, n.parent_code, n.level, n.title_it, n.title_en) for n in again.nodes] == [
            (n.code, n.parent_code, n.level, n.title_it, n.title_en) for n in document.nodes
        ], name
    excel, _ = read_framework_file(write_xlsx_document(document), "x.xlsx")
    assert excel.frameworks[0].levels == document.frameworks[0].levels
    assert excel.frameworks[0].valid_from == document.frameworks[0].valid_from


def test_semicolon_csv_with_bom_is_read():
    data = "\ufeffframework;code;parent_code;level;title_it;title_en;description\nsdg;9.9;9;target;Città;;\n"
    document, errors = read_framework_file(data.encode("utf-8"), "x.csv")
    assert errors == []
    assert document.nodes[0].title_it == "Città"
    assert document.nodes[0].row == 2
