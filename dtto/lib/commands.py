"""The base of dtto's management commands: help comes from the docstring, as written."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class DocstringCommand(BaseCommand):
    """A command whose ``--help`` is its module docstring, keeping its line breaks."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Examples in the docstrings are one to a line; argparse would run them together.
        kwargs["formatter_class"] = argparse.RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)
