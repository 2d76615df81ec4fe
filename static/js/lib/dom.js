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

/** A fact the server put on <body> as a data- attribute (its one place: the Python that owns it). */
export function pageFact(name) {
  const value = document.body.dataset[name.replace(/-([a-z])/g, (_, c) => c.toUpperCase())];
  return value === undefined ? undefined : JSON.parse(value);
}
