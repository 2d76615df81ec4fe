"""Checks the e2e tests run on any page: its layout (no sideways scroll, no word split, no tall
button) and axe-core's serious or critical violations."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# The page's own check, run in the browser. Code (code, pre, highlighted source) may wrap anywhere;
# a word of prose may break only where it has a hyphen or a slash.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
  }
  const skip = "code, pre, .source-box, script, style, select, option, svg, .visually-hidden, [hidden]";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement || node.parentElement.closest(skip)) continue;
    for (const word of node.data.matchAll(/[^\\s\\-\\/\\u2013\\u2014]+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
      const tops = new Set(rects.map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push(`"${word[0]}" is split across lines`);
    }
  }
  for (const button of document.querySelectorAll("button")) {
    if (!button.offsetParent) continue;
    const style = getComputedStyle(button);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    const text = button.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    if (text > 2 * line + 2) {
      problems.push(`the button "${button.textContent.trim()}" is ${Math.round(text / line)} lines tall`);
    }
  }
  return problems;
}"""


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
