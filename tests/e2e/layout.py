"""What a page looks like to a measuring tape: does anything stick out sideways?"""

# Elements whose right edge passes the viewport's, unless a box that hides its
# overflow (a visually hidden label, a clipped photo) keeps them inside.
# Scrolling boxes do not count as keeping them in: a table that scrolls sideways
# on a phone is still wider than the phone.
OVERFLOWING_ELEMENTS = """
() => {
  const limit = window.innerWidth + 0.5;
  const clips = (element) => {
    const style = getComputedStyle(element);
    return style.overflowX === "hidden" || style.overflowX === "clip"
      || style.clipPath !== "none" || style.clip !== "auto";
  };
  const hiddenByAncestor = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (clips(box) && box.getBoundingClientRect().right <= limit) { return true; }
    }
    return false;
  };
  const describe = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) { text += "#" + element.id; }
    if (element.classList.length) { text += "." + [...element.classList].join("."); }
    const words = (element.innerText || element.value || "").trim().replace(/\\s+/g, " ");
    return text + (words ? ` "${words.slice(0, 40)}"` : "");
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= limit) { continue; }
    if (getComputedStyle(element).visibility === "hidden") { continue; }
    if (hiddenByAncestor(element)) { continue; }
    found.push(`${describe(element)} ends at ${Math.round(box.right)} px`);
  }
  return found;
}
"""


def sideways_overflow(page) -> list[str]:
    """What sticks out past the right edge of the window: the document, then each element."""
    width = page.evaluate("window.innerWidth")
    document_width = page.evaluate("document.documentElement.scrollWidth")
    found = []
    if document_width > width:
        found.append(f"the page is {document_width} px wide")
    return found + page.evaluate(OVERFLOWING_ELEMENTS)
