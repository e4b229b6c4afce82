// agora — a little progressive JavaScript. Every page works without it.
(function () {
  "use strict";

  // Markdown preview while typing: <textarea data-preview="ID"> renders into #ID.
  document.querySelectorAll("textarea[data-preview]").forEach(function (area) {
    var target = document.getElementById(area.getAttribute("data-preview"));
    if (!target) return;
    var timer = null;
    var last = null;
    function render() {
      var body = area.value;
      if (body === last) return;
      last = body;
      if (!body.trim()) { target.hidden = true; return; }
      fetch("/api/v1/markdown/preview", {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ body: body })
      }).then(function (r) {
        if (r.status === 429 || r.status === 503) {
          // Previews are limited a minute: try again when the server says.
          last = null;
          clearTimeout(timer);
          var wait = parseInt(r.headers.get("retry-after") || "5", 10);
          timer = setTimeout(render, Math.min(Math.max(wait, 1), 60) * 1000);
          return null;
        }
        return r.ok ? r.json() : null;
      }).then(function (data) {
        if (!data) return;
        target.innerHTML = data.html; // sanitised by the server
        target.hidden = false;
      }).catch(function () {});
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    render();
  });

  // Quote a post into the reply box without leaving the page.
  document.querySelectorAll("a[data-quote]").forEach(function (link) {
    link.addEventListener("click", function (e) {
      var box = document.getElementById("reply-body");
      if (!box) return;
      e.preventDefault();
      fetch("/api/v1/posts/" + link.getAttribute("data-quote"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (post) {
          if (!post) return;
          var quoted = post.body_markdown.split("\n").map(function (l) { return "> " + l; }).join("\n");
          var text = "@" + post.author.username + " wrote:\n" + quoted + "\n\n";
          box.value = box.value ? box.value.replace(/\s*$/, "\n\n") + text : text;
          box.dispatchEvent(new Event("input"));
          box.focus();
          box.setSelectionRange(box.value.length, box.value.length);
        });
    });
  });

  // Images into a post: drop or paste a file on the text, or choose one; it is uploaded to
  // <textarea data-upload="API URL"> and its markdown inserted where the cursor is. Without
  // JavaScript the file field's own button sends the form with the file.
  function uploadInto(area, file) {
    var status = area.parentNode.querySelector(".upload label");
    var placeholder = "![Uploading " + file.name.replace(/[\[\]]/g, "") + "…]()";
    insertAt(area, placeholder);
    fetch(area.getAttribute("data-upload"), {
      method: "POST",
      headers: { "content-type": file.type || "application/octet-stream" },
      credentials: "same-origin",
      body: file
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      var text = res.ok ? res.data.markdown : "";
      area.value = area.value.replace(placeholder, text);
      if (!res.ok && status) status.textContent = res.data.error ? res.data.error.message : "The image could not be uploaded.";
      area.dispatchEvent(new Event("input"));
    }).catch(function () {
      area.value = area.value.replace(placeholder, "");
      if (status) status.textContent = "The image could not be uploaded.";
    });
  }
  function insertAt(area, text) {
    var at = typeof area.selectionStart === "number" ? area.selectionStart : area.value.length;
    var before = area.value.slice(0, at);
    var gap = before && !/\n$/.test(before) ? "\n" : "";
    area.value = before + gap + text + "\n" + area.value.slice(at);
  }
  document.querySelectorAll("textarea[data-upload]").forEach(function (area) {
    function images(list) {
      return Array.prototype.filter.call(list || [], function (f) { return /^image\//.test(f.type); });
    }
    area.addEventListener("dragover", function (e) { e.preventDefault(); area.classList.add("dropping"); });
    area.addEventListener("dragleave", function () { area.classList.remove("dropping"); });
    area.addEventListener("drop", function (e) {
      area.classList.remove("dropping");
      var files = images(e.dataTransfer && e.dataTransfer.files);
      if (!files.length) return;
      e.preventDefault();
      files.forEach(function (f) { uploadInto(area, f); });
    });
    area.addEventListener("paste", function (e) {
      var files = images(e.clipboardData && e.clipboardData.files);
      if (!files.length) return;
      e.preventDefault();
      files.forEach(function (f) { uploadInto(area, f); });
    });
  });
  document.querySelectorAll("input[data-upload-into]").forEach(function (input) {
    var area = document.getElementById(input.getAttribute("data-upload-into"));
    if (!area || !area.getAttribute("data-upload")) return;
    var button = input.parentNode.querySelector("button[formaction]");
    if (button) button.hidden = true;
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (f) { uploadInto(area, f); });
      input.value = "";
    });
  });

  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });

  // Live reply count on a topic page: tell the reader when new replies arrive.
  var live = document.querySelector("[data-live-topic]");
  if (live) {
    var topic = live.getAttribute("data-live-topic");
    var seen = parseInt(live.getAttribute("data-post-count"), 10) || 0;
    setInterval(function () {
      if (document.hidden) return;
      fetch("/api/v1/topics/" + topic + "?from=" + (seen + 1) + "&limit=100", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (t) {
          if (!t || !t.posts.length) return;
          var n = t.posts.length;
          live.textContent = n === 1 ? "1 new reply — reload to read it." : n + " new replies — reload to read them.";
          live.hidden = false;
        }).catch(function () {});
    }, 30000);
  }
})();
