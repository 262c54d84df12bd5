// Uploads the chosen files with a progress bar, then opens the first
// upload to confirm its metadata. Without JavaScript the form posts to
// /upload and the server does the same.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var results = document.getElementById("upload-results");
  var button = form.querySelector("button[type=submit]");

  function show(items) {
    results.textContent = "";
    items.forEach(function (it) {
      var li = document.createElement("li");
      var b = document.createElement("strong");
      b.textContent = it.file;
      li.appendChild(b);
      li.appendChild(document.createTextNode("：" + it.message));
      results.appendChild(li);
    });
    results.hidden = items.length === 0;
    results.className = "upload-failures form-error";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) return;
    var data = new FormData();
    for (var i = 0; i < input.files.length; i++) data.append("file", input.files[i]);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/uploads");
    xhr.responseType = "json";
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.textContent = "正在上传…";
    show([]);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = bar.value < 100 ? "正在上传… " + bar.value + "%" : "上传完成，正在识别文稿内容…";
      }
    };
    xhr.onload = function () {
      button.disabled = false;
      var res = xhr.response || {};
      var failed = (res.failed || []).map(function (f) { return { file: f.file, message: f.error.message }; });
      var ups = res.uploads || [];
      if (ups.length === 1 && failed.length === 0) {
        location.href = "/me/uploads/" + ups[0].id;
        return;
      }
      if (ups.length > 0) {
        status.textContent = "已上传 " + ups.length + " 个文件，请逐一核对后提交审核。";
        var more = document.createElement("li");
        var a = document.createElement("a");
        a.href = "/me/uploads";
        a.textContent = "查看我的上传 ›";
        more.appendChild(a);
        show(failed);
        results.appendChild(more);
        results.hidden = false;
        return;
      }
      if (failed.length === 0 && res.error) failed.push({ file: "上传", message: res.error.message });
      status.textContent = "上传失败。";
      show(failed);
    };
    xhr.onerror = function () {
      button.disabled = false;
      status.textContent = "网络错误，上传失败，请重试。";
    };
    xhr.send(data);
  });
})();
