// Refuse a file over the upload limit before sending it, so that the answer typed beside it
// stays on the page. The server checks again; this only saves the person a lost answer.
// A file input opts in with data-max-bytes and data-too-big (the message).

function errorSummary(input, message) {
  document.querySelector(".govuk-error-summary")?.remove();
  const summary = document.createElement("div");
  summary.className = "govuk-error-summary";
  summary.tabIndex = -1;
  summary.innerHTML = '<div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2>' +
    '<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list"><li><a></a></li></ul></div></div>';
  const link = summary.querySelector("a");
  link.href = `#${input.id}`;
  link.textContent = message;
  document.querySelector("main").prepend(summary);
  if (!document.title.startsWith("Error: ")) document.title = `Error: ${document.title}`;
  summary.focus();
}

function showError(input, message) {
  const group = input.closest(".govuk-form-group");
  group.classList.add("govuk-form-group--error");
  input.classList.add("govuk-file-upload--error");
  const id = `${input.id}-error`;
  let error = document.getElementById(id);
  if (!error) {
    error = document.createElement("p");
    error.id = id;
    error.className = "govuk-error-message";
    const before = group.querySelector(".govuk-hint") || group.querySelector(".govuk-label");
    before.after(error);
    input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${id}`.trim());
  }
  error.innerHTML = '<span class="govuk-visually-hidden">Error:</span> ';
  error.append(message);
  errorSummary(input, message);
}

export function checkUploadSizes() {
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.form.addEventListener("submit", (event) => {
      const file = input.files[0];
      if (file && file.size > Number(input.dataset.maxBytes)) {
        event.preventDefault();
        showError(input, input.dataset.tooBig);
      }
    });
  }
}
