import { initAll } from "../govuk/govuk-frontend.min.js";
initAll();

// Print buttons (warning letter, breach report): no inline onclick under the CSP.
for (const button of document.querySelectorAll("[data-dtto-print]")) {
  button.addEventListener("click", () => window.print());
}

// A form's one-time token also goes in the address, so that Back shows this same form and
// saving it again records nothing (docs/decisions/0006-every-write-once.md).
const token = document.querySelector("[data-dtto-form-token]");
if (token) {
  const url = new URL(window.location.href);
  if (url.searchParams.get("form") !== token.value) {
    url.searchParams.set("form", token.value);
    window.history.replaceState(window.history.state, "", url);
  }
}
