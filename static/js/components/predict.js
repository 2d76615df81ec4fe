// Predict first: the learner picks the status they expect before the answer is shown.

const bar = document.querySelector("[data-predict-switch]");
const panel = document.querySelector("[data-prediction]");
const verdict = document.querySelector("[data-verdict]");
const scoreView = document.querySelector("[data-score]");
const SCORE_KEY = "prediction-score";

function score() {
  try {
    return JSON.parse(localStorage.getItem(SCORE_KEY)) ?? { right: 0, total: 0 };
  } catch {
    return { right: 0, total: 0 };
  }
}

function showScore() {
  const { right, total } = score();
  scoreView.textContent = total ? `Score: ${right} of ${total} right` : "";
}

export function predicting() {
  return bar.getAttribute("aria-checked") === "true";
}

/** Show the choices and wait for one: resolves with the predicted code. */
export function askPrediction() {
  panel.hidden = false;
  verdict.textContent = "";
  panel.querySelector("button").focus();
  return new Promise((resolve) => {
    const done = (code) => {
      panel.hidden = true;
      panel.removeEventListener("click", onClick);
      resolve(code);
    };
    const onClick = (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.code) done(Number(button.dataset.code));
      const other = Number(panel.querySelector("#prediction-other").value);
      if (button.dataset.part === "other" && other >= 100 && other <= 599) done(other);
    };
    panel.addEventListener("click", onClick);
  });
}

/** Say right or wrong, and why (the server's explanation); keep the score; tell the class tally. */
export async function reveal(predicted, entry) {
  const actual = entry.answer?.status;
  if (actual === undefined) return;
  const right = predicted === actual;
  const why = entry.detail?.explanation.summary.replaceAll("`", "") ?? "";
  verdict.textContent = right
    ? `Right: ${actual}. ${why}`
    : `Not quite: you predicted ${predicted}, the answer was ${actual}. ${why}`;
  verdict.className = `verdict ${right ? "right" : "wrong"}`;
  const { right: r, total } = score();
  localStorage.setItem(SCORE_KEY, JSON.stringify({ right: r + right, total: total + 1 }));
  showScore();
  const exchangeId = entry.hops?.[0]?.id;
  if (exchangeId === undefined) return;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  await fetch(panel.dataset.predictionsUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify({ exchange_id: exchangeId, predicted }),
  });
}

bar.addEventListener("click", () => {
  const on = !predicting();
  bar.setAttribute("aria-checked", String(on));
  if (!on) panel.hidden = true;
});
showScore();
