// The texts page: "Infoga" puts a figure's code into the text last written in, at the cursor.
(function () {
  "use strict";
  let last = null;
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof HTMLTextAreaElement) last = event.target;
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button.insert-figure");
    if (!button) return;
    const area = last || document.querySelector("form textarea[name='body']");
    if (!area) return;
    const code = button.dataset.code;
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    area.value = area.value.slice(0, start) + code + area.value.slice(end);
    area.focus();
    area.selectionStart = area.selectionEnd = start + code.length;
  });
})();
