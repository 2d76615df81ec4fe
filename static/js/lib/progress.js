// The learner's progress in the code lab's challenges: kept in this browser (localStorage), no account,
// and downloadable as a JSON file a teacher can read as evidence of completion. It holds which
// challenges were solved, when, and how many hints were asked for: never code, never a password.

// One record per lab address: each class of a hosted deployment (/c/<code>/lab) keeps its own.
const KEY = `lab-progress:${location.pathname}`;
const FORMAT = "flask-status-playground/lab-progress";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function empty() {
  return { solved: {}, hints: {} };
}

/** What this browser kept, read defensively: anything unexpected is left out, never trusted. */
export function loadProgress(knownIds) {
  let raw = null;
  try {
    raw = JSON.parse(localStorage.getItem(KEY) ?? "null");
  } catch {
    return empty();
  }
  const progress = empty();
  if (!raw || typeof raw !== "object") return progress;
  for (const id of knownIds) {
    const at = raw.solved?.[id];
    if (typeof at === "string" && ISO.test(at)) progress.solved[id] = at;
    const hints = raw.hints?.[id];
    if (Number.isInteger(hints) && hints > 0 && hints < 100) progress.hints[id] = hints;
  }
  return progress;
}

export function saveProgress(progress) {
  try {
    localStorage.setItem(KEY, JSON.stringify(progress));
    return true;
  } catch {
    return false; // private mode or a full store: the progress lasts for this page only
  }
}

/** The file a teacher reads: every challenge, solved or not, with when, and the hints asked for. */
export function progressReport(progress, challenges, now = new Date()) {
  return {
    format: FORMAT,
    version: 1,
    downloaded_at: now.toISOString(),
    page: `${location.origin}${location.pathname}`,
    solved_count: challenges.filter((c) => progress.solved[c.id]).length,
    challenge_count: challenges.length,
    challenges: challenges.map((c) => ({
      id: c.id,
      title: c.title,
      solved: Boolean(progress.solved[c.id]),
      solved_at: progress.solved[c.id] ?? null,
      hints_shown: progress.hints[c.id] ?? 0,
    })),
    note: "Kept in the learner's browser and checked there: evidence of work done, not an exam.",
  };
}

/** Offer the report as a download, lab-progress-<date>.json. */
export function downloadProgress(progress, challenges) {
  const report = progressReport(progress, challenges);
  const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `lab-progress-${report.downloaded_at.slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}
