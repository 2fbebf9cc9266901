// Print buttons: <button data-print>. No inline scripts (strict CSP).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});
