// ShopSmart's checkout page: the "Place order" button pays through the shop's checkout API.
// Without this script the button does nothing (it is type="button"), as in a real shop.
(function () {
  "use strict";

  function price(amount) {
    return "$" + Number(amount).toFixed(2);
  }

  function wire() {
    var button = document.getElementById("place-order");
    var status = document.getElementById("order-status");
    button.addEventListener("click", function () {
      button.disabled = true;
      status.removeAttribute("data-state");
      status.textContent = "Placing your order…";
      // The session cookie identifies the shopper to the API.
      fetch("/api/checkout", {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (answer) {
          if (answer.ok) {
            document.getElementById("checkout-summary").hidden = true;
            button.hidden = true;
            status.setAttribute("data-state", "confirmed");
            status.textContent =
              "Order confirmed: " + answer.body.order + ", " + price(answer.body.total) + " paid.";
            document.title = "Order confirmed · ShopSmart";
            var cartLink = document.getElementById("cart-link");
            if (cartLink) {
              cartLink.textContent = "Cart (0)";
            }
          } else {
            fail(answer.body.message || "the shop answered without a reason");
          }
        })
        .catch(function (error) {
          fail(error.message);
        });
    });

    function fail(message) {
      button.disabled = false;
      status.setAttribute("data-state", "failed");
      status.textContent = "Your order was not placed: " + message;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
