"""Jinja2 templates from the package's `templates/` folder. HTML templates (`*.html.j2`) escape every value
by default: whatever a lead typed is hostile. Text templates (`*.txt.j2`) are plain text, never HTML."""

from functools import cached_property
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class JinjaRenderer:
    def __init__(self, folder: Path = TEMPLATES) -> None:
        self._folder = folder

    @cached_property
    def _environment(self) -> Any:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        return Environment(
            loader=FileSystemLoader(self._folder),
            autoescape=select_autoescape(
                enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default_for_string=True, default=True
            ),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, name: str, **context: Any) -> str:
        return str(self._environment.get_template(name).render(**context))
