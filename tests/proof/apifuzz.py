"""Schemathesis against the JSON API, in-process through WSGI: no server error, every error structured.

Shared by tests/proof/test_api_fuzz.py (a few examples per operation, in `make test`) and bench/fuzz_api.py
(a longer run that prints figures).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode


@dataclass
class FuzzReport:
    """What a run sent and what came back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def load_schema() -> Any:
    """The API's OpenAPI document, bound to the WSGI application so cases are sent in-process."""
    from taizhang.api import api

    document = api.get_openapi_schema(path_prefix="/api")
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return schema


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def check_response(case: Any, response: Any, report: FuzzReport, who: str) -> None:
    """Zero server errors; every error a JSON object with "code" and "message"."""
    report.requests += 1
    report.statuses[response.status_code] += 1
    where = f"{who} {case.method} {case.formatted_path} {case.path_parameters or ''} {case.query or ''}"
    if response.status_code >= 500:
        report.problems.append(f"{where}: server error {response.status_code}: {response.text[:300]}")
    elif response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            report.problems.append(
                f"{where}: {response.status_code} without a JSON body: {response.text[:200]}"
            )
            return
        if not isinstance(body, dict) or not {"code", "message"} <= set(body):
            report.problems.append(
                f"{where}: {response.status_code} error without code/message: {body!r:.200}"
            )


def fuzz_operation(
    operation: Any,
    report: FuzzReport,
    *,
    headers: dict[str, str] | None,
    who: str,
    max_examples: int,
    derandomize: bool = True,
) -> None:
    """Send generated requests (valid ones and deliberately broken ones) to one operation."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    for mode in modes:
        strategy = operation.as_strategy(generation_mode=mode)

        @settings(
            max_examples=max_examples,
            derandomize=derandomize,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            response = case.call(headers=headers or {})
            check_response(case, response, report, who)

        run()
