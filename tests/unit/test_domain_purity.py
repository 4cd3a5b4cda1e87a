import ast
from pathlib import Path

import hallctl.domain

FORBIDDEN = {"flask", "flask_socketio", "sqlalchemy", "serial", "vlc", "pymodbus", "escpos", "werkzeug", "alembic"}


def test_the_domain_imports_no_framework_database_or_device_library():
    offenders = []
    for path in Path(hallctl.domain.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
