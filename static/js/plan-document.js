// The published plan's page: contents open beside the text on wide screens, the section being
// read marked in the contents, and a "Copy link" button by each section's permanent link.
// Without JavaScript the contents are a <details> to open and the permanent links plain links.
(function () {
  "use strict";

  var wide = window.matchMedia("(min-width: 992px)");

  function openContentsWhenWide() {
    var contents = document.querySelector("details.toc-details");
    if (!contents) return;
    function follow() {
      if (wide.matches) contents.open = true;
    }
    follow();
    wide.addEventListener("change", follow);
  }

  function markCurrentSection() {
    var toc = document.querySelector(".toc");
    if (!toc || !("IntersectionObserver" in window)) return;
    var links = {};
    toc.querySelectorAll('a[href^="#"]').forEach(function (link) {
      links[decodeURIComponent(link.getAttribute("href").slice(1))] = link;
    });
    var headings = Array.prototype.filter.call(
      document.querySelectorAll(".plan-document section > [id]"),
      function (heading) { return links[heading.id]; }
    );
    if (!headings.length) return;
    var current = null;
    var pending = false;

    function update() {
      pending = false;
      // The section being read: the last heading above the upper third of the window.
      var line = window.innerHeight / 3;
      var found = headings[0];
      for (var i = 0; i < headings.length; i++) {
        if (headings[i].getBoundingClientRect().top <= line) found = headings[i];
        else break;
      }
      var link = links[found.id];
      if (link === current) return;
      if (current) current.removeAttribute("aria-current");
      link.setAttribute("aria-current", "location");
      current = link;
      // Keep the marked entry in view inside the contents' own scroll box (wide screens).
      var box = toc.querySelector(".toc-scroll") || toc;
      if (box.scrollHeight > box.clientHeight) {
        var top = link.offsetTop - box.offsetTop;
        if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - link.offsetHeight) {
          box.scrollTop = Math.max(0, top - box.clientHeight / 3);
        }
      }
    }

    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(update);
      }
    }

    var observer = new IntersectionObserver(schedule, { rootMargin: "0px 0px -66% 0px" });
    headings.forEach(function (heading) { observer.observe(heading); });
    window.addEventListener("hashchange", schedule);
    schedule();
  }

  function addCopyButtons() {
    if (!navigator.clipboard || !window.isSecureContext) return;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    document.querySelectorAll("a[data-copy-link]").forEach(function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm copy-link";
      button.textContent = "Copy link";
      var hidden = link.querySelector(".visually-hidden");
      if (hidden) {
        var name = document.createElement("span");
        name.className = "visually-hidden";
        name.textContent = hidden.textContent;
        button.appendChild(name);
      }
      button.addEventListener("click", function () {
        var url = new URL(link.getAttribute("href"), window.location.href).href;
        navigator.clipboard.writeText(url).then(
          function () {
            button.firstChild.textContent = "Link copied";
            status.textContent = "Link copied: " + url;
            window.setTimeout(function () { button.firstChild.textContent = "Copy link"; }, 3000);
          },
          function () {
            status.textContent = "The link could not be copied; copy it from the link itself.";
          }
        );
      });
      link.insertAdjacentElement("afterend", button);
    });
  }

  openContentsWhenWide();
  markCurrentSection();
  addCopyButtons();
})();
