// The criteria step: tell the author what the weights add up to while they type.
// Progressive enhancement only: the server checks the total when the step is saved.
(function () {
  var total = document.getElementById("weights-total");
  if (!total) {
    return;
  }
  var inputs = document.querySelectorAll("[data-weight]");
  function update() {
    var sum = 0;
    inputs.forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (!isNaN(n)) {
        sum += n;
      }
    });
    total.textContent = total.dataset.template.replace("TOTAL", sum);
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", update);
  });
  update();
})();
