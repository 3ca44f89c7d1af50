from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from hirebridge.config.yamlsource import ConfigError, Problem, expand_env, load_yaml, validate


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Jira(Strict):
    project: str
    priority: int = 3
    target: Literal["jira", "jsm", "justworks"] = "jira"


class CreateIssue(Strict):
    kind: Literal["create_issue"]
    summary: str


class Comment(Strict):
    kind: Literal["comment"]
    text: str


Action = Annotated[CreateIssue | Comment, Field(discriminator="kind")]


class Recipe(Strict):
    name: str
    jira: Jira
    actions: list[Action] = []
    labels: list[str] = []


class Config(Strict):
    api_key: str = ""
    recipes: list[Recipe]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(dedent(text).lstrip("\n"))
    return path


def problems_of(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        data, locator = load_yaml(path)
        data = expand_env(data, environ or {}, locator=locator)
        validate(data, locator, Config, file="config.yaml")
    return str(caught.value).replace(str(path), "config.yaml").splitlines()


GOOD = """
recipes:
  - name: onboarding
    jira:
      project: ONB
      priority: 2
    actions:
      - kind: create_issue
        summary: Welcome
"""


def test_valid_config(tmp_path):
    data, locator = load_yaml(write(tmp_path, GOOD))
    config = validate(data, locator, Config, file="config.yaml")
    assert config.recipes[0].jira.priority == 2
    assert isinstance(config.recipes[0].actions[0], CreateIssue)


def test_unknown_key_with_suggestion(tmp_path):
    text = GOOD.replace("project: ONB", "projekt: ONB")
    assert problems_of(tmp_path, text) == [
        "config.yaml:3:5: recipes[0].jira: missing required key 'project'",
        "config.yaml:4:7: recipes[0].jira.projekt: unknown key 'projekt'; did you mean 'project'?",
    ]


def test_unknown_key_without_close_match_lists_the_keys(tmp_path):
    text = GOOD.replace("priority: 2", "priority: 2\n      zzz: 1")
    assert problems_of(tmp_path, text) == [
        "config.yaml:6:7: recipes[0].jira.zzz: unknown key 'zzz'; expected one of priority, project, target"
    ]


def test_unknown_key_inside_a_discriminated_union(tmp_path):
    text = GOOD.replace("summary: Welcome", "sumary: Welcome")
    assert problems_of(tmp_path, text) == [
        "config.yaml:7:9: recipes[0].actions[0]: missing required key 'summary'",
        "config.yaml:8:9: recipes[0].actions[0].sumary: unknown key 'sumary'; did you mean 'summary'?",
    ]


def test_wrong_type(tmp_path):
    text = GOOD.replace("priority: 2", "priority: high")
    assert problems_of(tmp_path, text) == [
        "config.yaml:5:7: recipes[0].jira.priority: "
        "Input should be a valid integer, unable to parse string as an integer"
    ]


def test_literal_lists_the_valid_values(tmp_path):
    text = GOOD.replace("priority: 2", "target: jra")
    assert problems_of(tmp_path, text) == [
        "config.yaml:5:7: recipes[0].jira.target: Input should be 'jira', 'jsm' or 'justworks', not 'jra'"
    ]


def test_missing_required_key(tmp_path):
    text = GOOD.replace("  - name: onboarding\n", "  - \n")
    assert problems_of(tmp_path, text) == ["config.yaml:3:5: recipes[0]: missing required key 'name'"]


def test_bad_item_inside_a_list(tmp_path):
    text = GOOD + "    labels:\n      - ok\n      - [not, a, string]\n"
    assert problems_of(tmp_path, text) == [
        "config.yaml:11:9: recipes[0].labels[1]: Input should be a valid string"
    ]


def test_discriminator_tag_points_at_the_key(tmp_path):
    text = GOOD.replace("kind: create_issue", "kind: create_isue")
    assert problems_of(tmp_path, text) == [
        "config.yaml:7:9: recipes[0].actions[0].kind: "
        "'create_isue' is not one of 'create_issue', 'comment'; did you mean 'create_issue'?"
    ]


def test_missing_discriminator(tmp_path):
    text = GOOD.replace("kind: create_issue\n        summary", "summary")
    assert problems_of(tmp_path, text) == [
        "config.yaml:7:9: recipes[0].actions[0]: missing required key 'kind'"
    ]


def test_duplicate_keys(tmp_path):
    text = GOOD.replace("priority: 2", "priority: 2\n      project: OTHER")
    assert problems_of(tmp_path, text) == ["config.yaml:6:7: duplicate key 'project'"]


def test_yaml_syntax_error_position(tmp_path):
    assert problems_of(tmp_path, "recipes: [a, b\napi_key: x\n") == [
        "config.yaml:2:8: expected ',' or ']', but got ':'"
    ]


def test_yaml_12_keeps_no_as_a_string(tmp_path):
    data, _ = load_yaml(write(tmp_path, "a: no\nb: on\n"))
    assert data == {"a": "no", "b": "on"}


ENV = """
api_key: ${LEVER_API_KEY}
recipes:
  - name: ${RECIPE:-onboarding}
    jira: {project: "${PROJECT}-x"}
    labels: ["$${LITERAL}", "${MISSING:-}"]
"""


def test_env_expansion(tmp_path):
    data, locator = load_yaml(write(tmp_path, ENV))
    data = expand_env(data, {"LEVER_API_KEY": "secret", "PROJECT": "ONB"}, locator=locator)
    config = validate(data, locator, Config, file="config.yaml")
    assert config.api_key == "secret"
    assert config.recipes[0].name == "onboarding"
    assert config.recipes[0].jira.project == "ONB-x"
    assert config.recipes[0].labels == ["${LITERAL}", ""]


def test_env_expansion_default_when_set_but_empty():
    assert expand_env({"a": "${X:-d}", "b": "${X}"}, {"X": ""}) == {"a": "d", "b": ""}


def test_unset_env_variable_is_a_problem_with_position(tmp_path):
    assert problems_of(tmp_path, ENV, environ={"PROJECT": "ONB"}) == [
        "config.yaml:1:10: api_key: environment variable LEVER_API_KEY is not set; set it in hirebridge's "
        "environment (`hirebridge check --offline` validates the file without it)"
    ]
    assert problems_of(tmp_path, ENV, environ={"LEVER_API_KEY": "k"})[0].startswith(
        "config.yaml:4:21: recipes[0].jira.project: environment variable PROJECT is not set"
    )


def test_locator_positions_and_semantic_problems(tmp_path):
    _, locator = load_yaml(write(tmp_path, GOOD))
    assert locator.position(("recipes", 0, "jira", "project")) == (4, 7)
    assert locator.position(("recipes", 0, "actions", 0)) == (7, 9)
    assert locator.position(("recipes", 0, "actions", 5, "x")) == (6, 5)  # nearest parent
    assert locator.position(()) == (1, 1)
    problem = locator.problem(("recipes", 0, "jira", "project"), "no such project", file="config.yaml")
    assert problem == Problem("config.yaml", 4, 7, "recipes[0].jira.project", "no such project")
    assert str(problem) == "config.yaml:4:7: recipes[0].jira.project: no such project"


def test_config_error_carries_every_problem(tmp_path):
    text = GOOD.replace("priority: 2", "priority: x").replace("summary: Welcome", "summary: [1]")
    path = write(tmp_path, text)
    data, locator = load_yaml(path)
    with pytest.raises(ConfigError) as caught:
        validate(data, locator, Config, file="config.yaml")
    assert [(p.line, p.column, p.path) for p in caught.value.problems] == [
        (5, 7, "recipes[0].jira.priority"),
        (8, 9, "recipes[0].actions[0].summary"),
    ]


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_yaml(tmp_path / "absent.yaml")
    assert "cannot read the file" in str(caught.value)
