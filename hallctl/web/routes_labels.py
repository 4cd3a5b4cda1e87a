"""The label catalogue (PRODUCT.md §6.2): ``GET /api/v1/labels?lang=zh|en``, and the same catalogue in every page.

Public and free of secrets: names of states, outcomes, reasons, services, categories and the message for each
error code. Cacheable: an ETag of the body (a repeat with ``If-None-Match`` gets 304) and five minutes' max-age.
"""

from __future__ import annotations

from typing import Annotated, Any

from flask import jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from hallctl.labels.catalogue import LANGS, catalogue

from .api import ApiBlueprint, ApiError, current_hall
from .roles import PUBLIC

bp = ApiBlueprint("labels", __name__)
MAX_AGE_S = 300


class LabelsQuery(BaseModel):
    """The language of the names (default zh)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lang: Annotated[str, Field(max_length=16, json_schema_extra={"enum": list(LANGS)})] = "zh"


@bp.api_route(
    "/labels",
    "GET",
    summary="Every state, outcome, reason, error message, service and category name in one language",
    roles=PUBLIC,
    query=LabelsQuery,
    responses={200: "The catalogue (ETag; 304 when unchanged)", 400: "unsupported_language: lang is not zh or en"},
)
def labels(principal, body, query):
    """The hall's label catalogue in ``lang``; for anyone."""
    if query.lang not in LANGS:
        raise ApiError(400, "unsupported_language", "lang must be zh or en / 语言只能是 zh 或 en", "lang")
    reply = jsonify(catalogue(current_hall().config, query.lang))
    reply.cache_control.public = True
    reply.cache_control.max_age = MAX_AGE_S
    reply.add_etag()
    return reply.make_conditional(request)


@bp.app_context_processor
def page_labels() -> dict[str, Any]:
    """Every page's template gets the catalogue in both languages (``labels``), embedded in its data block."""
    config = current_hall().config
    return {"labels": {lang: catalogue(config, lang) for lang in LANGS}}
