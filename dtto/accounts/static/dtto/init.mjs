import { initAll } from "../govuk/govuk-frontend.min.js";
initAll();

// Print buttons (warning letter, breach report): no inline onclick under the CSP.
for (const button of document.querySelectorAll("[data-dtto-print]")) {
  button.addEventListener("click", () => window.print());
}
