// 扫描件入库: files and folders dropped or picked are uploaded one at a time, each row showing its upload
// progress, then OCR while the server ingests it, then what became of it (the server's own words).
(() => {
  const zone = document.getElementById("dropzone");
  if (!zone) return;
  const rows = document.querySelector("#uploads tbody");
  const hint = document.getElementById("empty-hint");
  const filePicker = document.getElementById("pick-files");
  const folderPicker = document.getElementById("pick-folder");
  const limit = Number(zone.dataset.limit);
  const suffixes = zone.dataset.suffixes.split(" ");
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const waiting = [];
  let busy = false;

  zone.classList.add("scripted");
  filePicker.multiple = true;

  function megabytes(bytes) {
    return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
  }

  // The same rule as ingest's for the files inside a folder: a scan's suffix, not a hidden or temporary file.
  function looksLikeScan(name) {
    const base = name.split("/").pop();
    const dot = base.lastIndexOf(".");
    return !/^[.~]/.test(base) && dot > 0 && suffixes.includes(base.slice(dot).toLowerCase());
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function message(td, kind, text) {
    const div = document.createElement("div");
    div.className = `flash ${kind}`;
    div.textContent = text;
    td.replaceChildren(div);
  }

  function addRow(name, size) {
    hint.hidden = true;
    const row = rows.insertRow();
    cell(row, name, "name");
    cell(row, size === null ? "" : megabytes(size), "size");
    const progress = cell(row, "", "progress");
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    progress.append(bar);
    const outcome = cell(row, "等待上传", "muted");
    return { row, bar, outcome };
  }

  function settle(line, state, kind, text) {
    line.row.dataset.state = state;
    line.outcome.className = "";
    message(line.outcome, kind, text);
  }

  // The server answers with a fragment (.outcome) or, refusing, with its message (.flash): shown as it came,
  // parsed as inert HTML (Jinja escaped every name in it; the CSP runs no script in it anyway).
  function showAnswer(line, xhr) {
    if (xhr.responseURL && new URL(xhr.responseURL).pathname === "/login") {
      settle(line, "refused", "error", "登录已失效，未做任何更改；请刷新页面、重新登录后再上传");
      return;
    }
    const answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const found = answer.querySelector(".outcome") || answer.querySelector(".flash");
    line.row.dataset.state = xhr.status < 300 && answer.querySelector(".outcome") ? "done" : "refused";
    line.outcome.className = "";
    if (found) {
      line.outcome.replaceChildren(document.importNode(found, true));
    } else {
      message(line.outcome, "error", `服务器答复 ${xhr.status}，未能确认结果；请在案件或待审核队列中查看`);
    }
  }

  function send(job) {
    return new Promise((resolve) => {
      const line = job.line;
      const form = new FormData();
      form.append("file", job.file, job.name.split("/").pop());
      form.append("case", zone.dataset.case);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", zone.dataset.url);
      xhr.setRequestHeader("X-CSRFToken", token);
      // Asks for the outcome as a fragment of the page, and for a refusal as its message alone.
      xhr.setRequestHeader("HX-Request", "true");
      line.row.dataset.state = "uploading";
      line.outcome.textContent = "上传中…";
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) line.bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.upload.addEventListener("load", () => {
        line.bar.value = 100;
        line.row.dataset.state = "ocr";
        line.outcome.textContent = "识别中（OCR）…";
      });
      xhr.addEventListener("load", () => { showAnswer(line, xhr); resolve(); });
      xhr.addEventListener("error", () => {
        settle(line, "error", "error", "连接中断，未收到服务器答复；请在案件或待审核队列中确认是否已入库后再上传");
        resolve();
      });
      xhr.send(form);
    });
  }

  async function pump() {
    if (busy) return;
    busy = true;
    while (waiting.length) await send(waiting.shift());
    busy = false;
  }

  function enqueue(file, name) {
    const line = addRow(name, file.size);
    // The server could only cut such an upload off half-way: say so before sending a byte.
    if (file.size > limit) {
      line.bar.hidden = true;
      settle(line, "refused", "error",
        `${name}：文件过大（${megabytes(file.size)}，每个上限 ${megabytes(limit)}），未上传，未做任何更改`);
    } else {
      line.row.dataset.state = "waiting";
      waiting.push({ file, name, line });
    }
  }

  function skip(name) {
    const line = addRow(name, null);
    line.bar.hidden = true;
    settle(line, "skipped", "warn", "不是扫描件格式（PDF、JPEG、PNG、TIFF），已跳过");
  }

  // Files picked or dropped one by one are all sent (the server says what is wrong with one); the files
  // inside a folder only when they look like scans, as `daiban ingest FOLDER` takes them.
  function take(found) {
    found.sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
    for (const { file, name, inFolder } of found) {
      if (inFolder && !looksLikeScan(name)) skip(name);
      else enqueue(file, name);
    }
    pump();
  }

  function fileOf(entry) {
    return new Promise((resolve, reject) => entry.file(resolve, reject));
  }

  async function childrenOf(directory) {
    const reader = directory.createReader();
    const all = [];
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) return all;
      all.push(...batch);
    }
  }

  async function walk(entry, path, inFolder) {
    if (entry.isFile) return [{ file: await fileOf(entry), name: path + entry.name, inFolder }];
    const found = [];
    for (const child of await childrenOf(entry)) found.push(...await walk(child, `${path}${entry.name}/`, true));
    return found;
  }

  async function dropped(transfer) {
    // Entries and files must be taken while the drop event runs: the DataTransfer is emptied after it.
    const items = [...transfer.items].filter((i) => i.kind === "file");
    const taken = items.map((i) => ({ entry: i.webkitGetAsEntry ? i.webkitGetAsEntry() : null, file: i.getAsFile() }));
    const found = [];
    for (const { entry, file } of taken) {
      try {
        if (entry) found.push(...await walk(entry, "", false));
        else if (file) found.push({ file, name: file.name, inFolder: false });
      } catch (error) {
        const line = addRow(entry ? entry.name : file.name, null);
        line.bar.hidden = true;
        settle(line, "error", "error", `无法读取：${error.message || error.name}`);
      }
    }
    take(found);
  }

  // A file dropped beside the zone would make the browser leave the page to show it.
  for (const name of ["dragover", "drop"]) document.addEventListener(name, (event) => event.preventDefault());
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    dropped(event.dataTransfer);
  });
  filePicker.addEventListener("change", () => {
    take([...filePicker.files].map((file) => ({ file, name: file.name, inFolder: false })));
    filePicker.value = "";
  });
  folderPicker.addEventListener("change", () => {
    take([...folderPicker.files].map((file) => ({ file, name: file.webkitRelativePath || file.name, inFolder: true })));
    folderPicker.value = "";
  });
})();
