"""Reading a console page's form as a browser would send it unchanged: its inputs' values (checkboxes only
when checked), each select's chosen option (else its first) and each textarea's text. A test that sends a
page's own form back checks that the page shows exactly what is stored."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = found.get("action") == self.action
        if not self.inside:
            return
        name = found.get("name")
        if tag == "input" and name is not None:
            if found.get("type") not in ("checkbox", "radio") or "checked" in found:
                self.fields[name] = found.get("value", "on" if found.get("type") == "checkbox" else "")
        elif tag == "select":
            self.select, self.first_option = name, None
        elif tag == "option" and self.select is not None:
            value = found.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.fields.setdefault(self.select, value)
            if "selected" in found:
                self.fields[self.select] = value
        elif tag == "textarea" and name is not None:
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea is not None:
            self.fields[self.textarea] += data


def form_fields(html: str, action: str) -> dict[str, str]:
    """The fields the form posting to `action` sends when submitted as the page shows it."""
    reader = _FormReader(action)
    reader.feed(html)
    reader.close()
    return reader.fields
