"""DET302: a database reached through first-party imports.

The import graph comes from the run's project (``analysis.project``), built once by the runner:
this rule only asks it, for each first-party module the core file imports, for the shortest
chain of runtime imports to a forbidden module. Without a project (a lone ``lint_source``) it
is silent. An import DET301 already reports (the module itself is forbidden) is left to DET301.
"""

from __future__ import annotations

from typing import Callable, ClassVar, Dict, Optional

import libcst as cst

from orch_lint.analysis.project import under_any
from orch_lint.model import Invalid, Options, Valid
from orch_lint.rule import FileContext
from orch_lint.rules._imports import ImportedModules
from orch_lint.rules.db_import import DATABASE_MODULES


class TransitiveDatabaseImport(ImportedModules):
    """A helper that imports the db layer brings the database into every core module that uses it."""

    code = "DET302"
    name = "transitive-database-import"
    summary = "a first-party module imported into the core reaches a database module through its imports"
    message = "database reached through imports `{chain}`: the core must not depend on the db layer, even indirectly"

    #: The project the examples run in (``example_files``: path -> source, beside the example,
    #: which is ``app/core/state.py``): a db layer, a helper that imports it, a clean helper.
    example_files: ClassVar[Dict[str, str]] = {
        "app/__init__.py": "",
        "app/db.py": "import sqlite3\n",
        "app/util/__init__.py": "",
        "app/util/helpers.py": "from app import db\n\ndef render(value):\n    return str(value)\n",
        "app/util/text.py": "def slug(value):\n    return value.lower()\n",
        "app/core/__init__.py": "",
    }
    valid = [
        Valid("from app.util.text import slug\n", module="app.core.state"),
        Valid("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.util.helpers import render\n",
              module="app.core.state"),
        Valid("import sqlite3\n", module="app.core.state"),  # DET301's: the module itself is forbidden
        Valid("from app import db\n", module="app.core.state", options=Options(forbidden_imports=("app.db",))),
        Valid("from ..util import text\n", module="app.core.state"),
    ]
    invalid = [
        Invalid("from app.util.helpers import render\n", at=(1, 6), module="app.core.state",
                message="`app.util.helpers -> app.db -> sqlite3`"),
        Invalid("import app.util.helpers as h\n", at=(1, 8), module="app.core.state"),
        Invalid("from ..util import helpers\n", at=(1, 20), module="app.core.state"),
        Invalid("from app import db\n", at=(1, 17), module="app.core.state", message="`app.db -> sqlite3`"),
        Invalid("def show(x):\n    from app.util import helpers\n    return helpers.render(x)\n", at=(2, 26),
                module="app.core.state"),
    ]

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        forbidden = DATABASE_MODULES + tuple(self.options.forbidden_imports)
        self._prefixes = forbidden
        self._forbidden: Callable[[str], bool] = lambda name: under_any(name, forbidden) is not None
        project = context.project
        self._chain = getattr(project, "forbidden_chain", None)
        if self._chain is None and hasattr(project, "import_chain"):
            self._chain = lambda name, _: project.import_chain(name, self._forbidden)

    def judge(self, node: cst.CSTNode, name: Optional[str]) -> bool:
        """Report ``name`` if it is first-party and reaches a forbidden module; True if it did."""
        if self._chain is None or name is None or self.names.in_type_checking() or self._forbidden(name):
            return False
        chain = self._chain(name, self._prefixes)
        if chain is None:
            return False
        self.report(node, self.message.format(chain=" -> ".join(chain)))
        return True

    def settles(self, module: str) -> bool:
        return self._forbidden(module)  # the module itself is forbidden: DET301 reports it
