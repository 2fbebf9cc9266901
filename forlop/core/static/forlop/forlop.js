// Forløp: small progressive enhancements. No inline scripts (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".ds-error-summary");
  if (summary) summary.focus();
});
