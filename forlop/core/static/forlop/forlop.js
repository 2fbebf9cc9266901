// Forløp: small progressive enhancements. No inline scripts (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".ds-error-summary");
  if (summary) summary.focus();
});

// Pathways: the state of a checklist row while htmx saves it (the server renders "saved",
// errors and conflicts; only the states the server cannot see are set here).
(() => {
  const row = (evt) => {
    const elt = evt.detail && evt.detail.elt;
    return elt && elt.closest ? elt.closest(".checklist-row") : null;
  };
  const show = (form, state) => {
    form.classList.remove("is-saving", "is-failed");
    if (state) form.classList.add(state);
    const failed = form.querySelector(".row-failed");
    const saving = form.querySelector(".row-saving");
    if (failed) failed.hidden = state !== "is-failed";
    if (saving) saving.hidden = state !== "is-saving";
  };
  document.addEventListener("htmx:beforeRequest", (evt) => {
    const form = row(evt);
    if (form) show(form, "is-saving");
  });
  // No connection, a timeout or a server error: the answer is not saved; say so in the row.
  for (const name of ["htmx:sendError", "htmx:responseError", "htmx:timeout"]) {
    document.addEventListener(name, (evt) => {
      const form = row(evt);
      if (form) {
        form.dataset.state = "failed";
        show(form, "is-failed");
      }
    });
  }
  // Unsaved text: a row is "dirty" from the first keystroke until the server answers for it
  // (the row is then swapped for a fresh one). A row whose save failed, was refused or is in
  // conflict still holds text that is not saved. Leaving the page then asks first.
  document.addEventListener("input", (evt) => {
    const form = evt.target.closest && evt.target.closest(".checklist-row");
    if (form) form.dataset.dirty = "true";
  });
  const UNSAVED = '.checklist-row[data-dirty="true"], .checklist-row[data-state="conflict"], ' +
    '.checklist-row[data-state="failed"], .checklist-row[data-state="invalid"]';
  window.addEventListener("beforeunload", (evt) => {
    if (document.querySelector(UNSAVED)) {
      evt.preventDefault();
      evt.returnValue = "";
    }
  });
  // Print button on the printed day list.
  document.addEventListener("click", (evt) => {
    const button = evt.target.closest && evt.target.closest(".js-print");
    if (button) window.print();
  });
})();

// The folding menus in the header close on a click elsewhere and on Escape.
(() => {
  const menus = () => document.querySelectorAll(".nav-menu__details[open]");
  document.addEventListener("click", (evt) => {
    for (const menu of menus()) if (!menu.contains(evt.target)) menu.open = false;
  });
  document.addEventListener("keydown", (evt) => {
    if (evt.key !== "Escape") return;
    for (const menu of menus()) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
