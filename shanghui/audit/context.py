"""The request's source address, available to service functions without passing the request around."""

from contextvars import ContextVar

source_address: ContextVar[str] = ContextVar("source_address", default="")
