"""Every rule has a page in ``rules/``, and the page's examples are checked against the rule.

Convention for a page ``rules/DETxxx.md``:

- a first line ``# DETxxx: <rule name>``, then the sections of ``explain.SECTIONS`` as ``##``
  headings, exactly and in that order;
- the first ```` ```python ```` block under ``## Example`` is code the rule reports (at least one
  finding, all of the page's code), and the first one under ``## Use instead`` is code it does
  not report;
- both run through the real engine with that rule only, as module ``example``, and with the
  default options unless the ``## Options`` section holds a ```` ```toml ```` block: that block
  (a ``[tool.orch-lint]`` table, or the same keys at the top level as in ``orch-lint.toml``) is
  the config the examples run under, validated by the real config loader.

The rendered fallback that ``explain`` prints when no page file is installed must pass the same
checks, so it can never show an example that the rule disagrees with.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Type

import pytest

from orch_lint.analysis.project import project_from_sources
from orch_lint.config import parse_config
from orch_lint.engine import lint_source
from orch_lint.explain import SECTIONS, page_path, render_page
from orch_lint.model import Options
from orch_lint.rule import Rule
from orch_lint.rules import ALL_RULES
from orch_lint.rules.db_import import DATABASE_MODULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RULES = [pytest.param(rule, id=rule.code) for rule in ALL_RULES]


def sections(page: str) -> Dict[str, str]:
    """``## Title`` -> the text up to the next ``##`` heading (headings inside code blocks ignored)."""
    found: Dict[str, str] = {}
    title: Optional[str] = None
    body: List[str] = []
    fenced = False
    for line in page.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            if title is not None:
                found[title] = "\n".join(body)
            title, body = line[3:].strip(), []
        elif title is not None:
            body.append(line)
    if title is not None:
        found[title] = "\n".join(body)
    return found


def headings(page: str) -> List[str]:
    return [line[3:].strip() for line in page.splitlines() if line.startswith("## ")]


def code_block(section: str, language: str) -> Optional[str]:
    match = re.search(rf"^```{language}\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    return match.group(1) if match else None


def page_options(page: str) -> Optional[Options]:
    block = code_block(sections(page).get("Options", ""), "toml")
    if block is None:
        return None
    document = tomllib.loads(block)
    table = document.get("tool", {}).get("orch-lint", document)
    return parse_config(table, Path("orch-lint.toml")).options


def check_page(rule: Type[Rule], page: str) -> None:
    assert page.splitlines()[0] == f"# {rule.code}: {rule.name}"
    assert headings(page) == list(SECTIONS)
    parts = sections(page)
    bad, good = code_block(parts["Example"], "python"), code_block(parts["Use instead"], "python")
    assert bad is not None and good is not None, "Example and Use instead each need a ```python block"
    options = page_options(page)
    reported = _lint(rule, bad, options)
    assert reported.error is None, reported.error
    assert reported.findings, f"the Example of {rule.code} is not reported"
    assert {f.code for f in reported.findings} == {rule.code}
    clean = _lint(rule, good, options)
    assert clean.error is None, clean.error
    assert clean.findings == (), f"the Use instead of {rule.code} is reported: {clean.findings}"


def _lint(rule: Type[Rule], code: str, options: Optional[Options]):  # type: ignore[no-untyped-def]
    # A rule whose findings need other modules (DET302) names them in ``example_files``; the
    # page's code runs beside them as ``example.py``, as in tests/test_rule_examples.py.
    files = getattr(rule, "example_files", None)
    project = project_from_sources({**files, "example.py": code}) if files else None
    return lint_source(code, "example.py", rules=[rule], options=options, module_name="example", project=project)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_has_a_page_whose_examples_agree_with_the_rule(rule: Type[Rule]) -> None:
    path = page_path(rule.code)
    assert path.is_file(), f"{rule.code} has no page: write {path}"
    check_page(rule, path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("rule", RULES)
def test_rendered_fallback_page_passes_the_same_checks(rule: Type[Rule]) -> None:
    check_page(rule, render_page(rule))


def test_every_page_file_belongs_to_a_rule() -> None:
    codes = {rule.code for rule in ALL_RULES}
    pages = {path.stem for path in page_path("DET101").parent.glob("*.md")}
    assert pages <= codes, f"pages without a rule: {sorted(pages - codes)}"


# -- the checker itself: a page that drifts from its rule must fail ------------------------

GOOD_PAGE = """# DET201: set-iteration-feeds-output

## What it does

x

## Why is this bad?

x

## Example

```python
def f(s: set[str]):
    return list(s)
```

## Use instead

```python
def f(s: set[str]):
    return sorted(s)
```

## Fix safety

x

## Options

None.
"""


def _set_iteration() -> Type[Rule]:
    return next(rule for rule in ALL_RULES if rule.code == "DET201")


def test_checker_accepts_a_page_that_agrees() -> None:
    check_page(_set_iteration(), GOOD_PAGE)


@pytest.mark.parametrize(
    "drift",
    [
        pytest.param(("return sorted(s)\n```\n\n## Fix", "return list(s)\n```\n\n## Fix"), id="good-example-reported"),
        pytest.param(("return list(s)", "return len(s)"), id="bad-example-clean"),
        pytest.param(("## Fix safety", "## Fix Safety"), id="section-renamed"),
        pytest.param(("## Options\n\nNone.\n", ""), id="section-missing"),
        pytest.param(("# DET201: set-iteration-feeds-output", "# DET201: set-iteration"), id="wrong-name"),
        pytest.param(("```python\ndef f(s: set[str]):\n    return list(s)", "```\ndef f(s: set[str]):\n    return list(s)"),
                     id="untagged-block"),
    ],
)
def test_checker_rejects_a_page_that_drifts(drift: "tuple[str, str]") -> None:
    old, new = drift
    assert old in GOOD_PAGE
    with pytest.raises(AssertionError):
        check_page(_set_iteration(), GOOD_PAGE.replace(old, new, 1))


def test_toml_block_under_options_is_the_config_the_examples_run_under() -> None:
    rule = next(rule for rule in ALL_RULES if rule.code == "DET301")
    page = GOOD_PAGE.replace("DET201: set-iteration-feeds-output", f"DET301: {rule.name}")
    page = page.replace("def f(s: set[str]):\n    return list(s)", "from app.db import session")
    page = page.replace("def f(s: set[str]):\n    return sorted(s)", "from app.api import session")
    page = page.replace("None.\n", '```toml\n[tool.orch-lint]\nforbidden-imports = ["app.db"]\n```\n')
    check_page(rule, page)
    with pytest.raises(AssertionError):  # without the block, app.db is not forbidden
        check_page(rule, page.replace('forbidden-imports = ["app.db"]', ""))
    with pytest.raises(Exception, match="unknown key 'forbiden-imports'"):
        check_page(rule, page.replace("forbidden-imports", "forbiden-imports"))


def test_the_db_import_page_lists_every_module_the_rule_knows() -> None:
    page = page_path("DET301").read_text(encoding="utf-8")
    listed = page.split("The modules it knows: ", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"`([^`]+)`", listed) == list(DATABASE_MODULES)
