import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { checkUploadSizes } from "/static/js/upload-limit.mjs";

// Every form's buttons ignore a second click within a second (GOV.UK's preventDoubleClick),
// set here once for the whole service rather than in each template. The server also makes
// each create form safe to send twice (app/form_tokens.py).
for (const button of document.querySelectorAll("form button:not([type=button]), form input[type=submit]")) {
  button.dataset.preventDoubleClick = "true";
  button.dataset.module ??= "govuk-button";
}

checkUploadSizes();
initAll();
