"""Page objects: what a learner sees and does, located by role and label only."""

from typing import ClassVar

from playwright.sync_api import Locator, Page


class EndpointForm:
    """One of the home page's forms (Sign up, User details)."""

    def __init__(self, page: Page, name: str) -> None:
        self.root = page.get_by_role("form", name=name)

    def fill(self, **values: str) -> "EndpointForm":
        for key, value in values.items():
            self.root.get_by_label(key, exact=True).fill(value)
        return self

    def send_toggle(self, key: str) -> Locator:
        return self.root.get_by_role("checkbox", name=f"Send {key}")

    def leave_out(self, *keys: str) -> "EndpointForm":
        for key in keys:
            self.send_toggle(key).uncheck()
        return self

    def choose(
        self, method: str = "POST", encoding: str | None = None, style: str | None = None
    ) -> "EndpointForm":
        self.root.get_by_label("Method").select_option(method)
        if encoding:
            self.root.get_by_label("Encoding").select_option(encoding)
        if style:
            self.root.get_by_label("Return style").select_option(style)
        return self

    def send(self) -> None:
        self.root.get_by_role("button", name="Send").click()


class HomePage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.sign_up = EndpointForm(page, "Sign up")
        self.user_details = EndpointForm(page, "User details")
        self.response = page.get_by_role("region", name="Response")
        self.request = page.get_by_role("region", name="Request")
        self.explanation = page.get_by_role("region", name="Why this status")
        self.hidden = page.get_by_role("region", name="What the browser hides")


class BuilderForm:
    """The response builder's form, filled by label."""

    FIELDS: ClassVar[dict[str, str]] = {
        "style": "Return style",
        "status": "Status",
        "headers": "Headers",
        "body": "Body",
        "location": "Location",
        "method": "Method",
    }
    CHOICES: ClassVar[set[str]] = {"style", "method"}

    def __init__(self, page: Page) -> None:
        self.root = page.get_by_role("form", name="Response builder")

    def fill(self, **values: str) -> "BuilderForm":
        for name, value in values.items():
            control = self.root.get_by_label(self.FIELDS[name])
            if name in self.CHOICES:
                control.select_option(value)
            else:
                control.fill(value)
        return self

    def send(self) -> None:
        self.root.get_by_role("button", name="Send").click()
