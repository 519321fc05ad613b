"""DET104: reading the process environment or the host inside the core."""

from __future__ import annotations

import libcst as cst

from orch_lint.model import Invalid, Valid
from orch_lint.rules._references import NameReference

#: Reads of the environment or of the machine, whatever the arguments.
ENVIRONMENT = frozenset(
    {
        "os.environ", "os.environb", "os.getenv", "os.getenvb",
        "os.getpid", "os.getppid", "os.getlogin", "os.uname",
        "socket.gethostname", "socket.getfqdn",
        "platform.node", "platform.uname",
        "getpass.getuser",
    }
)


class EnvironmentRead(NameReference):
    """The same events must give the same commands on every machine, user and process."""

    code = "DET104"
    name = "environment-read"
    summary = "environment or host read: os.environ, os.getenv, os.getpid, socket.gethostname, platform.node, getpass.getuser"
    message = "environment read `{name}`: pass configuration in with the playbook or the events, read it outside the core"
    modules = frozenset(name.partition(".")[0] for name in ENVIRONMENT)

    valid = [
        Valid("def f(environ):\n    return environ['HOME']\n"),
        Valid("def f(event):\n    return event.context.get('workload')\n"),
        Valid("class Settings:\n    def f(self):\n        return self.environ.get('X')\n"),
        Valid("import os\npath = os.path.join('a', 'b')\n"),
        Valid("from os import path\nname = path.basename('a/b')\n"),
    ]
    invalid = [
        Invalid("import os\nhome = os.environ['HOME']\n", at=(2, 8), message="`os.environ`"),
        Invalid("import os\ndebug = os.environ.get('DEBUG')\n", at=(2, 9)),
        Invalid("import os\nkeys = [k for k in os.environ]\n", at=(2, 20)),
        Invalid("import os\non = 'CI' in os.environ\n", at=(2, 14)),
        Invalid("from os import environ as env\nx = env.get('X')\n", at=(2, 5)),
        Invalid("import os\nlevel = os.getenv('LEVEL', 'info')\n", at=(2, 9), message="`os.getenv`"),
        Invalid("import os\npid = os.getpid()\n", at=(2, 7)),
        Invalid("import socket\nhost = socket.gethostname()\n", at=(2, 8)),
        Invalid("from platform import node\nhost = node()\n", at=(2, 8)),
        Invalid("import getpass\nuser = getpass.getuser()\n", at=(2, 8)),
    ]

    def check(self, node: cst.BaseExpression, qualified: str) -> None:
        if qualified in ENVIRONMENT:
            self.report(node, self.message.format(name=qualified))
