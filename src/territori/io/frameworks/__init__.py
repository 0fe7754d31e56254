"""Framework files: YAML (framework, nested or flat nodes, links), CSV and Excel (one row a node).

Pure: reads bytes into a `FrameworkDocument`, validates it against the codes that already
exist, and writes documents back out. The frameworks service does the database part.

Columns of the CSV and Excel layout (Excel: sheet "nodes", optional sheet "framework" with
key/value rows for the framework's own fields):
framework, code, parent_code, level, title_it, title_en, description
(optional: description_en, order, status, source).
"""

from .document import (
    FRAMEWORK_FIELDS,
    LINK_KINDS,
    NODE_COLUMNS,
    OPTIONAL_NODE_COLUMNS,
    ROLES,
    STATUSES,
    ExistingFramework,
    FrameworkDocument,
    FrameworkMeta,
    LinkRow,
    NodeRow,
)
from .read import read_csv_document, read_framework_file, read_xlsx_document, read_yaml
from .validate import validate_document
from .write import WRITERS, write_csv_document, write_xlsx_document, write_yaml

__all__ = [
    "FRAMEWORK_FIELDS",
    "LINK_KINDS",
    "NODE_COLUMNS",
    "OPTIONAL_NODE_COLUMNS",
    "ROLES",
    "STATUSES",
    "WRITERS",
    "ExistingFramework",
    "FrameworkDocument",
    "FrameworkMeta",
    "LinkRow",
    "NodeRow",
    "read_csv_document",
    "read_framework_file",
    "read_xlsx_document",
    "read_yaml",
    "validate_document",
    "write_csv_document",
    "write_xlsx_document",
    "write_yaml",
]
