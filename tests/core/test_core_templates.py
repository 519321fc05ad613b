"""Templates: Jinja2 in a sandbox, lenient, and free of anything that varies between runs."""

from __future__ import annotations

import pytest

from examples.orchestrate_core import TemplateError, render_text, render_value, when_true

CTX = {"x": {"a": 1}, "items": ["a", "b"], "n": 3, "s": "5", "none": None, "flag": False,
       "name": "ada"}


@pytest.mark.parametrize("word", ["", "false", "False", "0", "no", "NO", "none", "None",
                                  "null", "off", "{}", "[]", "  off  "])
def test_falsy_words(word):
    assert when_true(word, {}) is False


@pytest.mark.parametrize("when, expected", [
    (None, True), (True, True), (False, False), (0, False), (1, True), ([], False), ({}, False),
    ("yes", True), ("0.0", True), ("{{ n > 2 }}", True), ("{{ n > 5 }}", False),
    ("{{ items }}", True), ("{{ [] }}", False), ("{{ none }}", False), ("{{ flag }}", False),
    ("{{ missing }}", False), ("{{ missing.deeper.still }}", False),
    ("{{ (x.a is defined) and name }}", True), ("{{ x.b is defined }}", False),
])
def test_when(when, expected):
    assert when_true(when, CTX) is expected


@pytest.mark.parametrize("template, expected", [
    ("plain 42", "plain 42"),
    ("42", "42"),  # no template: YAML already typed it
    ("{{ items }}", ["a", "b"]),
    ("{{ x }}", {"a": 1}),
    ("{{ n + 1 }}", 4),
    ("{{ s }}", 5),  # text that looks like a number reads as one, as the original
    ("{{ missing.a.b }}", None),
    ("{{ missing | default(7) }}", 7),
    ("v{{ n }}", "v3"),
    ("{{ n }}{{ n }}", 33),
    ("{{ items | tojson }}", ["a", "b"]),
    ('{{ \'{"k": 1}\' }}', {"k": 1}),
    ("{{ flag }}", False),
    ("{{ 'True' }}", True),
    ("{{ 1.5 }}", 1.5),
    ("{{ items | map('upper') }}", ["A", "B"]),
    ("{{ items | reverse }}", ["b", "a"]),
    ("{{ x.items() }}", [["a", 1]]),
    ("{% if n > 1 %}big{% else %}small{% endif %}", "big"),
])
def test_render_value_keeps_json_types(template, expected):
    assert render_value(template, CTX) == expected


def test_render_value_walks_lists_and_mappings():
    value = {"list": ["{{ n }}", {"{{ name }}": "{{ items }}"}], "k": 1}
    assert render_value(value, CTX) == {"list": [3, {"ada": ["a", "b"]}], "k": 1}


@pytest.mark.parametrize("template, expected", [
    ("{{ x.get }}", "<function get>"),
    ("{{ x.get | pprint }}", "<function get>"),
    ("a {{ x.get }} b", "a <function get> b"),
    ("{{ range }}", "<function safe_range>"),
    ("z {{ items | map('upper') }}", "z ['A', 'B']"),
])
def test_nothing_renders_a_memory_address(template, expected):
    assert render_value(template, CTX) == expected
    assert render_text(template, CTX) == expected


def test_objects_without_data_render_by_type():
    assert render_value("{{ self }}", CTX) == "<TemplateReference>"
    assert render_text("{{ self }}", CTX) == "<TemplateReference None>"


@pytest.mark.parametrize("template", [
    "{{ items | random }}", "{{ lipsum() }}", "{{ cycler(1, 2).next() }}", "{{ joiner()() }}",
])
def test_randomness_and_stateful_helpers_are_not_available(template):
    with pytest.raises(TemplateError, match="No filter named 'random'|is undefined"):
        render_value(template, CTX)


@pytest.mark.parametrize("template, message", [
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ("{{ n + 'a' }}", "TypeError"),
    ("{{ x.__class__.__mro__ }}", None),  # the sandbox: unsafe attributes are undefined
    ("{% for %}", "TemplateSyntaxError"),
    ("{{ items.append(3) }}", "SecurityError"),
    ("{{ n * 1e308 }}", "non-JSON number"),
])
def test_template_failures_are_template_errors(template, message):
    if message is None:
        assert render_value(template, CTX) is None
        return
    with pytest.raises(TemplateError, match=message) as caught:
        render_value(template, CTX)
    assert "\n" not in str(caught.value)
