// Forms and packets: a table field grows by a row; a required group of ticks or rows must not stay empty;
// while LibreOffice converts, the button says so and is not pressed twice.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.add-row");
  if (!button) return;
  const body = button.closest("fieldset").querySelector("tbody");
  const row = body.lastElementChild.cloneNode(true);
  row.querySelectorAll("input").forEach((input) => { input.value = ""; });
  body.appendChild(row);
  row.querySelector("input").focus();
});

function emptyGroup(fieldset) {
  const inputs = [...fieldset.querySelectorAll("input")];
  return !inputs.some((input) => (input.type === "checkbox" ? input.checked : input.value.trim() !== ""));
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList.contains("fill")) return;
  const empty = [...form.querySelectorAll("fieldset[data-required]")].find(emptyGroup);
  if (empty) {
    event.preventDefault();
    const first = empty.querySelector("input");
    first.setCustomValidity(`请填写“${empty.dataset.required}”`);
    first.reportValidity();
    empty.addEventListener("input", () => first.setCustomValidity(""), { once: true });
    return;
  }
  form.querySelector("button[type=submit]").disabled = true;
  form.querySelector(".busy").hidden = false;
});
