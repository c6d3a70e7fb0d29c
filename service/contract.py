"""The published contract, generated from the models: JSON Schemas and AsyncAPI 3.

``diplomatic-events schemas`` writes ``schemas/``; a test fails when it is stale.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from service import __version__
from service.codec import CE_SOURCE, CE_TYPE_EVENT, CE_TYPE_PROCESSED
from service.models import Article, DiplomaticEvent, ProcessedRecord, QuadCategory
from service.outcomes import DeadLetterReason
from service.settings import Settings

MODELS: dict[str, type[BaseModel]] = {
    "article.schema.json": Article,
    "diplomatic-event.v1.schema.json": DiplomaticEvent,
    "article-processed.v1.schema.json": ProcessedRecord,
}
SCHEMA_BASE = "https://diplomatic-events.example/schemas/"


def json_schema(name: str, model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(
        mode="serialization" if name != "article.schema.json" else "validation"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + name,
        **schema,
    }


def _cloudevents_headers(ce_type: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "CloudEvents 1.0 Kafka binary content mode attributes.",
        "required": ["ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "content-type"],
        "properties": {
            "ce_id": {"type": "string", "description": "event_id, or a stable id per input."},
            "ce_source": {"type": "string", "const": CE_SOURCE},
            "ce_type": {"type": "string", "const": ce_type},
            "ce_specversion": {"type": "string", "const": "1.0"},
            "ce_time": {"type": "string", "format": "date-time"},
            "ce_subject": {"type": "string", "description": "The article id."},
            "content-type": {"type": "string", "const": "application/json"},
        },
    }


def asyncapi(settings: Settings) -> dict[str, Any]:
    event_message = {
        "name": "DiplomaticEvent",
        "title": "A coded diplomatic event (v1)",
        "contentType": "application/json",
        "payload": {"$ref": "./diplomatic-event.v1.schema.json"},
        "headers": _cloudevents_headers(CE_TYPE_EVENT),
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": "Dyad key 'ACTOR_COUNTRY|RECIPIENT_COUNTRY' ('-' when none): "
                    "the events of one dyad keep their order.",
                }
            }
        },
    }
    channels: dict[str, Any] = {
        "articlesRaw": {
            "address": settings.topic_articles,
            "description": "Input: one news article per record, JSON, UTF-8.",
            "messages": {
                "Article": {
                    "name": "Article",
                    "contentType": "application/json",
                    "payload": {"$ref": "./article.schema.json"},
                    "bindings": {
                        "kafka": {
                            "key": {"type": "string", "description": "Article id (recommended)."}
                        }
                    },
                }
            },
        },
        "eventsDiplomatic": {
            "address": settings.topic_events,
            "description": "Every coded event.",
            "messages": {"DiplomaticEvent": event_message},
        },
    }
    for quad in QuadCategory:
        channels[f"events_{quad.value}"] = {
            "address": settings.routed_topic(quad),
            "description": f"The events whose PLOVER quad category is {quad.value}.",
            "messages": {"DiplomaticEvent": event_message},
        }
    channels["articlesDlq"] = {
        "address": settings.topic_dlq,
        "description": "Input records that could not be coded: the original key and bytes.",
        "messages": {
            "DeadLetter": {
                "name": "DeadLetter",
                "payload": {
                    "type": "string",
                    "format": "binary",
                    "description": "The original record value, unchanged.",
                },
                "headers": {
                    "type": "object",
                    "required": [
                        "dlq-reason",
                        "dlq-error",
                        "dlq-source-topic",
                        "dlq-source-partition",
                        "dlq-source-offset",
                    ],
                    "properties": {
                        "dlq-reason": {
                            "type": "string",
                            "enum": [r.value for r in DeadLetterReason],
                        },
                        "dlq-error": {"type": "string", "description": "Short error summary."},
                        "dlq-source-topic": {"type": "string"},
                        "dlq-source-partition": {"type": "string", "pattern": "^[0-9]+$"},
                        "dlq-source-offset": {"type": "string", "pattern": "^[0-9]+$"},
                        "dlq-time": {"type": "string", "format": "date-time"},
                    },
                },
                "bindings": {
                    "kafka": {"key": {"type": "string", "description": "The original record key."}}
                },
            }
        },
    }
    channels["articlesProcessed"] = {
        "address": settings.topic_processed,
        "description": "One record per consumed input record: ok or dead_letter.",
        "messages": {
            "ArticleProcessed": {
                "name": "ArticleProcessed",
                "contentType": "application/json",
                "payload": {"$ref": "./article-processed.v1.schema.json"},
                "headers": _cloudevents_headers(CE_TYPE_PROCESSED),
                "bindings": {
                    "kafka": {
                        "key": {
                            "type": "string",
                            "description": "Article id, or topic/partition/offset.",
                        }
                    }
                },
            }
        },
    }
    operations: dict[str, Any] = {
        "consumeArticles": {"action": "receive", "channel": {"$ref": "#/channels/articlesRaw"}},
    }
    for channel in channels:
        if channel != "articlesRaw":
            operations[f"publish_{channel}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{channel}"},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "diplomatic-events",
            "version": __version__,
            "description": "Codes news articles into PLOVER 2.0 diplomatic events.",
            "license": {"name": "MIT"},
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": settings.bootstrap_servers, "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
    }


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def render() -> dict[str, str]:
    """File name -> content for every file of ``schemas/`` (default topic names)."""
    files = {name: _dump(json_schema(name, model)) for name, model in MODELS.items()}
    defaults = Settings.model_construct()
    files["asyncapi.json"] = _dump(asyncapi(defaults))
    return files
