// Small DOM helpers the views share.

/** A named part of a component: the element inside `root` marked data-part="name". */
export function part(root, name) {
  return root.querySelector(`[data-part="${name}"]`);
}

/** Put text in an element, with `backticked` parts as <code>: never as HTML. */
export function setRichText(element, text) {
  element.replaceChildren();
  text.split("`").forEach((piece, index) => {
    if (index % 2) {
      const code = document.createElement("code");
      code.textContent = piece;
      element.append(code);
    } else if (piece) {
      element.append(piece);
    }
  });
}
