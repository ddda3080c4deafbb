"""A person with a keyboard and no mouse: Tab to reach things, Enter or Space to use them.

Nothing here clicks or fills: a field gets its text from keyboard.type once Tab
has brought the focus to it. Every element Tab stops on is checked for a visible
focus indicator (an outline or a box shadow).
"""

# What the focused element is, whether it matches, and whether its focus can be seen.
FOCUS = """
(selector) => {
  const element = document.activeElement;
  if (!element || element === document.body) { return {matches: false, visible: true, what: ""}; }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  // A part of the browser's own control (a date field's calendar button) has the focus
  // and draws its own ring; the field itself then does not match :focus.
  const insideControl = !element.matches(":focus");
  return {
    matches: element.matches(selector),
    visible: insideControl || outline || style.boxShadow !== "none",
    what: element.outerHTML.slice(0, 100),
  };
}
"""


class KeyboardOnly:
    KEYS = {"Tab", "Enter", "Space", "Escape"}

    def __init__(self, page, *, most_tabs: int = 150):
        self.page = page
        self.most_tabs = most_tabs
        self.keys_used: set[str] = set()
        self.focus_unseen: list[str] = []

    def press(self, key: str) -> None:
        assert key in self.KEYS, f"{key} is not a key this person uses"
        self.keys_used.add(key)
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def focused(self, selector: str) -> bool:
        return self.page.evaluate(FOCUS, selector)["matches"]

    def tab_to(self, selector: str) -> None:
        """Tab forward until the element matching `selector` has the focus."""
        for _ in range(self.most_tabs):
            self.press("Tab")
            focus = self.page.evaluate(FOCUS, selector)
            if not focus["visible"]:
                self.focus_unseen.append(focus["what"])
            if focus["matches"]:
                return
        raise AssertionError(f"Tab did not reach {selector} on {self.page.url}")

    def follow(self, key: str = "Enter") -> None:
        """Use the focused link or button with `key` and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.press(key)
