// The upload page: files dropped on the zone or chosen are listed, then
// sent one by one, each with its own progress bar and status; a single
// upload opens its page to confirm the metadata. Without JavaScript the
// form posts every file to /upload and the server answers with the same
// outcome (the zone is then the file input itself, which takes drops).
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var zone = document.getElementById("upload-zone");
  var input = document.getElementById("upload-file");
  var list = document.getElementById("upload-list");
  var status = document.getElementById("upload-status");
  var button = form.querySelector("button[type=submit]");
  var max = parseInt(form.getAttribute("data-max-files"), 10) || 20;
  var files = [];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function size(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MB";
    return Math.max(1, Math.round(n / 1024)) + " KB";
  }

  // render lists the chosen files, each waiting.
  function render() {
    list.textContent = "";
    files.forEach(function (f) {
      var li = el("li", "upload-item");
      li.appendChild(el("span", "upload-name", f.file.name));
      li.appendChild(el("span", "upload-size", size(f.file.size)));
      f.bar = el("progress");
      f.bar.max = 100;
      f.bar.value = 0;
      f.bar.setAttribute("aria-label", f.file.name + " 上传进度");
      li.appendChild(f.bar);
      f.state = el("span", "upload-state", "等待上传");
      li.appendChild(f.state);
      f.li = li;
      list.appendChild(li);
    });
    list.hidden = files.length === 0;
    status.textContent = files.length ? "已选择 " + files.length + " 个文件。" : "";
  }

  function choose(fileList) {
    files = [];
    for (var i = 0; i < fileList.length && i < max; i++) files.push({ file: fileList[i] });
    render();
    if (fileList.length > max) status.textContent = "一次最多上传 " + max + " 个文件，只保留前 " + max + " 个。";
  }

  input.addEventListener("change", function () { choose(input.files); });
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (ev) {
    ev.preventDefault();
    if (ev.dataTransfer && ev.dataTransfer.files.length) {
      try { input.files = ev.dataTransfer.files; } catch (e) { /* old browsers */ }
      choose(ev.dataTransfer.files);
    }
  });

  function setState(f, cls, text) {
    f.li.className = "upload-item " + cls;
    f.state.textContent = text;
  }

  // send uploads files[i], then the next.
  function send(i, done) {
    if (i >= files.length) return done();
    var f = files[i];
    var data = new FormData();
    data.append("file", f.file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/uploads");
    xhr.responseType = "json";
    setState(f, "sending", "正在上传…");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        f.bar.value = Math.round((e.loaded / e.total) * 100);
        setState(f, "sending", f.bar.value < 100 ? "正在上传 " + f.bar.value + "%" : "正在识别文稿内容…");
      }
    };
    xhr.onload = function () {
      var res = xhr.response || {};
      var up = (res.uploads || [])[0];
      f.bar.value = 100;
      if (up) {
        f.id = up.id;
        setState(f, "ok", "已上传，待核对");
        var a = el("a", "", "核对并提交 ›");
        a.href = "/me/uploads/" + up.id;
        f.li.appendChild(a);
      } else {
        var msg = (res.failed && res.failed[0] && res.failed[0].error.message) || (res.error && res.error.message) || "上传失败。";
        setState(f, "failed", "失败：" + msg);
      }
      send(i + 1, done);
    };
    xhr.onerror = function () {
      setState(f, "failed", "失败：网络错误，请重试。");
      send(i + 1, done);
    };
    xhr.send(data);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!files.length) choose(input.files);
    if (!files.length) {
      status.textContent = "请先选择文件。";
      return;
    }
    button.disabled = true;
    status.textContent = "正在上传 " + files.length + " 个文件…";
    send(0, function () {
      button.disabled = false;
      var ok = files.filter(function (f) { return f.id; });
      if (ok.length === 1 && files.length === 1) {
        location.href = "/me/uploads/" + ok[0].id;
        return;
      }
      status.textContent = "完成：" + ok.length + " 个已上传，" + (files.length - ok.length) + " 个失败。请逐一核对后提交审核。";
    });
  });
})();
