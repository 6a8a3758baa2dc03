"""The comparison cases, grouped by theme; `compare.registry.discover()` imports every module here.

Add a function case to the module of its theme (see `compare.function_case.case`); add a new
kind of case by registering `compare.registry.Case` instances from a new module.
"""
