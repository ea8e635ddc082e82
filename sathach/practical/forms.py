"""The editor of a practical task: its statement, starter and criteria, each criterion a row
with its parameters as fields made from the catalogue's defaults (a range → two numbers, a
number → a number, text → text, a list → a line each, a yes/no → a checkbox)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.exams.formats.common import split_difficulty
from sathach.exams.models import MODULES, Difficulty
from sathach.practical import kinds
from sathach.practical.task_text import (
    number,
    number_text,
    params_text,
    parse_params,
    parse_starter,
    parse_weight,
    shape,
    starter_text,
    value_text,
)

STARTER_HELP = {
    "document": gettext_lazy("The paragraphs of the document, one per line."),
    "spreadsheet": gettext_lazy(
        "The table's rows, one per line, its headers first, the cells separated by tabs (paste "
        "them from Excel) or by |; a first line 'Trang tính: name' names the sheet."
    ),
    "presentation": gettext_lazy(
        "The slides, separated by an empty line: the title on the first line, then its lines."
    ),
    "typing": gettext_lazy("The passage the leader types."),
}


@dataclass
class ParamRow:
    name: str
    label: str
    shape: str
    fields: list[Any]


@dataclass
class CriterionRow:
    key: str
    label: str
    on: Any
    weight: Any
    params: list[ParamRow] = field(default_factory=list)
    extra: Any = None
    errors: list[str] = field(default_factory=list)


def _name(key: str, *parts: str) -> str:
    return "-".join(("c", key, *parts))


class TaskForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255, required=False)
    module = forms.ChoiceField(label=gettext_lazy("Module"), choices=MODULES)
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=200)
    difficulty = forms.ChoiceField(
        label=gettext_lazy("Difficulty"), choices=Difficulty.choices, initial="medium"
    )
    text = forms.CharField(
        label=gettext_lazy("Statement"), widget=forms.Textarea(attrs={"rows": 5})
    )
    starter = forms.CharField(
        label=gettext_lazy("Starter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    starter_required = forms.BooleanField(
        label=gettext_lazy("The leader must work on the downloaded starter"), required=False
    )

    def __init__(self, *args: Any, kind: str, version: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.catalogue = kinds.criteria(kind)
        self.param_labels: dict[str, Any] = dict(
            getattr(kinds.grader(kind), "PARAM_LABELS", {}) or {}
        )
        self.criterion_errors: dict[str, list[str]] = {}
        self.fields["starter"].help_text = STARTER_HELP[kind]
        if kind not in kinds.FILE_KINDS:
            del self.fields["starter_required"]
        chosen = self._initial_from(version)
        for key, criterion in self.catalogue.items():
            spec = chosen.get(key)
            self.fields[_name(key, "on")] = forms.BooleanField(
                required=False, initial=spec is not None, label=str(criterion.label)
            )
            self.fields[_name(key, "weight")] = forms.CharField(
                required=False,
                initial=number_text(spec["weight"]) if spec else "1",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4}),
            )
            given = dict((spec or {}).get("params") or {})
            for param, default in criterion.defaults.items():
                self._param_fields(key, param, default, given.pop(param, default))
            self.fields[_name(key, "extra")] = forms.CharField(
                required=False, initial=params_text(given, {})
            )

    def _initial_from(self, version: Any) -> dict[str, dict[str, Any]]:
        if version is None:
            return {}
        data = version.data or {}
        module, _sep, topic = version.question.category.path.partition("/")
        difficulty, _others = split_difficulty(list(version.tags))
        self.initial.update(
            {
                "title": version.title,
                "module": module,
                "topic": topic,
                "difficulty": version.question.difficulty or difficulty,
                "text": version.text,
                "starter": starter_text(self.kind, data.get("starter") or {}),
                "starter_required": bool(data.get("starter_required")),
            }
        )
        return {str(spec.get("key")): spec for spec in data.get("criteria") or []}

    def _param_fields(self, key: str, param: str, default: Any, value: Any) -> None:
        kind = shape(default)
        label = str(self.param_labels.get(param, ""))
        number_widget = forms.NumberInput(attrs={"step": "any"})
        if kind == "range":
            low, high = value if isinstance(value, list | tuple) and len(value) == 2 else default
            for part, initial in (("min", low), ("max", high)):
                self.fields[_name(key, "p", param, part)] = forms.CharField(
                    required=False, initial=initial, widget=number_widget, label=label
                )
        elif kind == "number":
            self.fields[_name(key, "p", param)] = forms.CharField(
                required=False, initial=value, widget=number_widget, label=label
            )
        elif kind == "bool":
            self.fields[_name(key, "p", param)] = forms.BooleanField(
                required=False, initial=bool(value), label=label
            )
        elif kind == "list":
            self.fields[_name(key, "p", param)] = forms.CharField(
                required=False,
                initial="\n".join(str(v) for v in value or []),
                widget=forms.Textarea(attrs={"rows": 3}),
                label=label,
            )
        else:
            self.fields[_name(key, "p", param)] = forms.CharField(
                required=False, initial=value_text(value, default), label=label
            )

    def criterion_rows(self) -> list[CriterionRow]:
        rows = []
        for key, criterion in self.catalogue.items():
            params = []
            for param, default in criterion.defaults.items():
                kind = shape(default)
                names = (
                    [_name(key, "p", param, "min"), _name(key, "p", param, "max")]
                    if kind == "range"
                    else [_name(key, "p", param)]
                )
                params.append(
                    ParamRow(
                        param,
                        str(self.param_labels.get(param, "")),
                        kind,
                        [self[name] for name in names],
                    )
                )
            rows.append(
                CriterionRow(
                    key,
                    str(criterion.label),
                    self[_name(key, "on")],
                    self[_name(key, "weight")],
                    params,
                    self[_name(key, "extra")],
                    self.criterion_errors.get(key, []),
                )
            )
        return rows

    def _param_value(self, key: str, param: str, default: Any) -> tuple[Any, str | None]:
        data = self.cleaned_data
        kind = shape(default)
        if kind == "range":
            low = number(str(data.get(_name(key, "p", param, "min")) or ""))
            high = number(str(data.get(_name(key, "p", param, "max")) or ""))
            if low is None or high is None or low > high:
                return None, _("write a range, the smaller number first")
            return [low, high], None
        raw = data.get(_name(key, "p", param))
        if kind == "bool":
            return bool(raw), None
        if kind == "number":
            if raw in (None, "") and default is None:
                return None, None
            value = number(str(raw or ""))
            return (value, None) if value is not None else (None, _("write a number"))
        if kind == "list":
            return [line.strip() for line in str(raw or "").splitlines() if line.strip()], None
        params, problems = parse_params(f"{param}={raw or ''}", {param: default})
        return params.get(param), (problems[0] if problems else None)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starter, problems = parse_starter(self.kind, data.get("starter") or "")
        for problem in problems:
            self.add_error("starter", problem)
        criteria = []
        for key, criterion in self.catalogue.items():
            if not data.get(_name(key, "on")):
                continue
            errors: list[str] = []
            weight, refusal = parse_weight(str(data.get(_name(key, "weight")) or ""))
            if refusal:
                errors.append(refusal)
            params: dict[str, Any] = {}
            for param, default in criterion.defaults.items():
                value, wrong = self._param_value(key, param, default)
                if wrong:
                    label = self.param_labels.get(param, param)
                    errors.append(_("%(param)s: %(problem)s") % {"param": label, "problem": wrong})
                elif value != default:
                    params[param] = value
            extra, found = parse_params(str(data.get(_name(key, "extra")) or ""), {})
            errors += found
            params.update(extra)
            if not errors and criterion.validate is not None:
                errors += criterion.validate({**criterion.defaults, **params})
            if errors:
                self.criterion_errors[key] = errors
            criteria.append({"key": key, "weight": weight, "params": params})
        if self.criterion_errors:
            self.add_error(None, _("Correct the criteria marked below."))
        elif not criteria:
            self.add_error(None, _("Choose at least one criterion."))
        data["criteria"] = criteria
        data["starter_data"] = starter
        return data

    def task_fields(self) -> dict[str, Any]:
        """What practical.bank's services take, from a valid form."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"],
            "category": f"{data['module']}/{data['topic'].strip().strip('/')}",
            "difficulty": data["difficulty"],
            "starter": data["starter_data"],
            "starter_required": bool(data.get("starter_required")),
            "criteria": data["criteria"],
        }
