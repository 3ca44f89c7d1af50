// Copy buttons of the packet review page: a static script (the page's policy allows no inline script).
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy-from]");
  if (!button) return;
  event.preventDefault();
  var input = document.getElementById(button.getAttribute("data-copy-from"));
  var text = button.getAttribute("data-copy") || "";
  if (input && input.tagName === "SELECT") {
    var option = input.options[input.selectedIndex];
    text = option ? option.getAttribute("data-copy") || option.text : text;
  } else if (input) {
    text = input.value;
  }
  navigator.clipboard.writeText(text).then(function () {
    var label = button.textContent;
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = label; }, 1200);
  });
});
