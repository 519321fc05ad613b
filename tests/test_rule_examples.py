"""Every rule's VALID and INVALID examples, run through the real engine: docs that are tests."""

from __future__ import annotations

from typing import Any, List, Tuple

import libcst as cst
import pytest

from orch_lint.analysis.project import project_from_sources
from orch_lint.engine import lint_source
from orch_lint.model import Invalid, Valid
from orch_lint.rule import Rule
from orch_lint.rules import ALL_RULES


def _cases(kind: str) -> List[Any]:
    cases = []
    for rule in ALL_RULES:
        examples = rule.valid if kind == "valid" else rule.invalid
        for index, example in enumerate(examples):
            cases.append(pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}"))
    return cases


def _lint(rule: "type[Rule]", example: "Valid | Invalid", **kwargs: Any) -> Any:
    module = example.module or "example"
    return lint_source(example.code, "example.py", rules=[rule], options=example.options,
                       module_name=module, project=_example_project(rule, example, module), **kwargs)


def _example_project(rule: "type[Rule]", example: "Valid | Invalid", module: str) -> Any:
    """A rule whose findings need other modules (DET302) names them in ``example_files``."""
    files = getattr(rule, "example_files", None)
    if not files:
        return None
    return project_from_sources({**files, module.replace(".", "/") + ".py": example.code})


@pytest.mark.parametrize("rule, example", _cases("valid"))
def test_valid_example_is_clean(rule: "type[Rule]", example: Valid) -> None:
    result = _lint(rule, example)
    assert result.error is None
    assert result.findings == ()


@pytest.mark.parametrize("rule, example", _cases("invalid"))
def test_invalid_example_is_reported_where_stated(rule: "type[Rule]", example: Invalid) -> None:
    result = _lint(rule, example)
    assert result.error is None
    assert [(f.line, f.column, f.code) for f in result.findings] == [(*example.at, rule.code)]
    if example.message is not None:
        assert example.message in result.findings[0].message


@pytest.mark.parametrize("rule, example", [c for c in _cases("invalid") if c.values[1].fixed is not None])
def test_fix_gives_stated_code_and_is_clean_after(rule: "type[Rule]", example: Invalid) -> None:
    result = _lint(rule, example, fix=True, unsafe_fixes=True)
    assert result.fixed_source == example.fixed
    assert result.findings[0].fix_safe == example.fix_safe if result.findings else result.fixed[0].fix_safe == example.fix_safe
    cst.parse_module(result.fixed_source)
    again = lint_source(result.fixed_source, "example.py", rules=[rule], options=example.options,
                        module_name=example.module or "example")
    assert again.findings == ()


def test_safe_fixes_only_without_unsafe_flag() -> None:
    for rule in ALL_RULES:
        for example in rule.invalid:
            if example.fixed is not None and not example.fix_safe:
                result = _lint(rule, example, fix=True)
                assert result.fixed_source is None, (rule.code, example.code)


def test_every_rule_has_examples_and_metadata() -> None:
    codes: List[str] = []
    for rule in ALL_RULES:
        assert rule.code and rule.name and rule.summary and rule.message, rule
        assert rule.valid and rule.invalid, rule.code
        codes.append(rule.code)
    assert codes == sorted(codes) and len(set(codes)) == len(codes)


def _pairs() -> List[Tuple[str, str]]:
    return [(r.code, r.__module__) for r in ALL_RULES]


def test_one_rule_per_module() -> None:
    modules = [module for _, module in _pairs()]
    assert len(modules) == len(set(modules))
