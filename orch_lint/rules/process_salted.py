"""DET103: values that differ from one process to the next: ``hash()`` and ``id()``."""

from __future__ import annotations

import libcst as cst

from orch_lint.model import Invalid, Valid
from orch_lint.rules._references import NameReference

SALTED = {
    "builtins.hash": "hash() of str and bytes is salted per process (PYTHONHASHSEED)",
    "builtins.id": "id() is a memory address",
}


class ProcessSaltedValue(NameReference):
    """``hash("a")`` and ``id(x)`` change between runs: output built on them cannot be compared."""

    code = "DET103"
    name = "process-salted-value"
    summary = "builtin hash() or id(), whose values change from one process to the next"
    message = "process-salted value `{name}`: {why}; use a stable key or hashlib on a canonical form"

    valid = [
        Valid("class Key:\n    def __hash__(self):\n        return hash((self.a, self.b))\n"),
        Valid("def hash(value):\n    return value\ndigest = hash('x')\n"),
        Valid("def f(event, id):\n    return event.id(), id\n"),
        Valid("import hashlib\ndigest = hashlib.sha256(b'x').hexdigest()\n"),
        Valid("def f(obj):\n    return obj.hash(), obj.id\n"),
        Valid("class Step:\n    id: str\n    def key(self):\n        return self.id\n"),
    ]
    invalid = [
        Invalid("bucket = hash(name) % 8\n", at=(1, 10), message="`hash()`"),
        Invalid("def key(obj):\n    return id(obj)\n", at=(2, 12), message="`id()`"),
        Invalid("digests = list(map(hash, names))\n", at=(1, 20)),
        Invalid("import builtins\nh = builtins.hash(name)\n", at=(2, 5)),
        Invalid("class Key:\n    def __eq__(self, other):\n        return hash(self) == other.key\n", at=(3, 16)),
        Invalid("class Key:\n    def __hash__(self):\n        return 0\n    def tag(self):\n        return id(self)\n",
                at=(5, 16)),
    ]

    def check(self, node: cst.BaseExpression, qualified: str) -> None:
        why = SALTED.get(qualified)
        if why is None or self._in_hash_method():
            return
        self.report(node, self.message.format(name=f"{qualified[len('builtins.'):]}()", why=why))

    def _in_hash_method(self) -> bool:
        """Inside ``__hash__`` (or a lambda or helper nested in it), hashing is the point."""
        return any(scope.kind == "function" and scope.function_name == "__hash__" for scope in self.names.scopes)
