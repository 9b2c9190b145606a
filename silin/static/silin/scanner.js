// The organiser's check-in page, offline first (activities/scanner.html).
//
// While online it downloads the event's sign-up list (masked names, short forms) and public
// key and keeps them in localStorage; a service worker keeps the page and its files. A code
// scanned by the camera (qr-scanner) or typed is checked here: its Ed25519 signature with
// the event's key (@noble/ed25519, WebCrypto's SHA-512), a short form against the list.
// Check-ins wait in localStorage with their scan time and go up in one batch when the
// network returns (the "online" event, every minute, or the upload button); the server
// keeps the earliest scan of each code, so sending a batch twice does no harm.

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const T = JSON.parse(document.getElementById("scanner-strings").textContent);
const LIST_KEY = `silin-checkin-list-${config.event}`;
const PENDING_KEY = `silin-checkin-pending-${config.event}`;
const DEVICE_KEY = "silin-checkin-device";
const $ = (id) => document.getElementById(id);

const fill = (text, params) => text.replace(/\{(\w+)\}/g, (_m, k) => String(params[k] ?? ""));
const load = (key, fallback) => {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
};
const save = (key, value) => localStorage.setItem(key, JSON.stringify(value));
const hhmm = (iso) => new Date(iso).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });

function device() {
  let name = localStorage.getItem(DEVICE_KEY);
  if (!name) {
    name = `phone-${Math.random().toString(36).slice(2, 8)}`;
    localStorage.setItem(DEVICE_KEY, name);
  }
  return name;
}

let list = load(LIST_KEY, null);
let pending = load(PENDING_KEY, []);
let refused = [];

// --- the list and the key ------------------------------------------------------------------

async function refreshList() {
  try {
    const response = await fetch(config.listUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return;
    list = await response.json();
    list.fetchedAt = new Date().toISOString();
    save(LIST_KEY, list);
  } catch {
    // Offline: keep the list already on the phone.
  }
}

function findSignup(key, value) {
  return list?.signups.find((row) => row[key] === value) ?? null;
}

// --- verifying a code ----------------------------------------------------------------------

function unb64(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function normaliseShort(text) {
  const cleaned = text.toUpperCase().replace(/[^A-Z0-9]/g, "").replace(/0/g, "O").replace(/1/g, "I").replace(/8/g, "B");
  return cleaned.length === 8 ? `${cleaned.slice(0, 4)}-${cleaned.slice(4)}` : "";
}

let ed;
async function verify(code) {
  // {ok, signup, message}: signup is the list's row when the code names one.
  if (!list) return { ok: false, message: T.noList };
  if (!code.includes(".")) {
    const row = findSignup("short", normaliseShort(code));
    return row ? { ok: true, signup: row } : { ok: false, message: T.unknownShort };
  }
  const cut = code.lastIndexOf(".");
  const payload = code.slice(0, cut);
  let valid = false;
  try {
    ed ??= await import(config.ed25519);
    valid = await ed.verifyAsync(unb64(code.slice(cut + 1)), new TextEncoder().encode(payload), unb64(list.public_key));
  } catch {
    valid = false;
  }
  const parts = payload.split(".");
  if (!valid || parts.length !== 3 || parts[0] !== config.prefix) return { ok: false, message: T.invalid };
  if (parts[1] !== config.event) return { ok: false, message: T.otherEvent };
  const row = findSignup("uuid", parts[2]);
  if (row && !["confirmed", "attended", "no_show"].includes(row.state)) return { ok: false, message: T.noPlace };
  return { ok: true, signup: row, uuid: parts[2] };
}

// --- showing and keeping a check-in --------------------------------------------------------

function showResult(ok, title, detail) {
  const box = $("scanner-result");
  box.hidden = false;
  box.className = `scanner-result mb-3 ${ok ? "ok" : "bad"}`;
  box.replaceChildren(document.createTextNode(`${ok ? "✓" : "✗"} ${title}`));
  if (detail) {
    const small = document.createElement("span");
    small.className = "detail";
    small.textContent = detail;
    box.append(small);
  }
}

async function handle(raw) {
  const code = raw.trim();
  if (!code) {
    showResult(false, T.empty);
    return;
  }
  const result = await verify(code);
  if (!result.ok) {
    showResult(false, result.message);
    return;
  }
  const row = result.signup;
  const key = row ? row.uuid : result.uuid;
  const now = new Date().toISOString();
  const earlier = pending.find((p) => p.key === key)?.scanned_at ?? (row?.state === "attended" ? row.checked_in_at : null);
  if (earlier) {
    showResult(true, row ? row.name : T.ok, fill(T.again, { time: hhmm(earlier) }));
  } else {
    showResult(true, row ? `${row.name} · ${T.ok}` : T.ok, row ? "" : T.notListed);
  }
  // Every scan goes up (the server keeps the earliest); the phone keeps one per sign-up.
  if (!pending.some((p) => p.key === key)) {
    pending.push({ key, code, name: row ? row.name : "", scanned_at: now, device: device() });
    save(PENDING_KEY, pending);
  }
  render();
  upload();
}

// --- uploading -----------------------------------------------------------------------------

let uploading = false;
async function upload() {
  if (uploading || pending.length === 0) return;
  uploading = true;
  const batch = pending.slice();
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  try {
    const response = await fetch(config.uploadUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ scans: batch.map(({ code, scanned_at, device: d }) => ({ code, scanned_at, device: d })) }),
    });
    if (!response.ok) throw new Error(`upload answered ${response.status}`);
    const answer = await response.json();
    answer.results.forEach((result, i) => {
      if (result.status === "refused") refused.push({ ...batch[i], message: result.error.message });
    });
    const sent = new Set(batch.map((p) => p.key));
    pending = pending.filter((p) => !sent.has(p.key));
    save(PENDING_KEY, pending);
    $("scanner-upload-status").textContent = fill(T.uploaded, { n: batch.length, time: hhmm(new Date().toISOString()) });
    await refreshList();
  } catch {
    $("scanner-upload-status").textContent = T.uploadFailed;
  } finally {
    uploading = false;
    render();
  }
}

// --- the page ------------------------------------------------------------------------------

function item(text, extra, bad) {
  const li = document.createElement("li");
  li.className = `list-group-item d-flex justify-content-between gap-2${bad ? " list-group-item-danger" : ""}`;
  const left = document.createElement("span");
  left.textContent = text;
  const right = document.createElement("span");
  right.textContent = extra;
  li.append(left, right);
  return li;
}

function render() {
  const online = navigator.onLine;
  const badge = $("scanner-network");
  badge.textContent = online ? T.online : T.offline;
  badge.className = `badge ${online ? "text-bg-success" : "text-bg-warning"}`;
  if (list) {
    const came = new Set(list.signups.filter((s) => s.state === "attended").map((s) => s.uuid));
    pending.forEach((p) => came.add(p.key));
    $("scanner-counts").textContent = `${fill(T.counts, { came: came.size, total: list.signups.length, pending: pending.length })} · ${fill(T.listFrom, { time: hhmm(list.fetchedAt) })}`;
  } else {
    $("scanner-counts").textContent = T.noList;
  }
  $("scanner-pending-section").hidden = pending.length === 0 && refused.length === 0;
  $("scanner-upload").hidden = pending.length === 0;
  $("scanner-pending").replaceChildren(
    ...pending.map((p) => item(`${p.name || p.code.slice(0, 12)} · ${T.waiting}`, hhmm(p.scanned_at), false)),
    ...refused.map((p) => item(`${T.refused}: ${p.message}`, hhmm(p.scanned_at), true)),
  );
}

async function startCamera() {
  const video = $("scanner-video");
  try {
    const { default: QrScanner } = await import(config.qrScanner);
    let last = "";
    const scanner = new QrScanner(
      video,
      (result) => {
        if (result.data === last) return; // the same code held in front of the camera
        last = result.data;
        setTimeout(() => { last = ""; }, 3000);
        handle(result.data);
      },
      { returnDetailedScanResult: true, preferredCamera: "environment" },
    );
    video.hidden = false;
    await scanner.start();
    $("scanner-camera-start").hidden = true;
    $("scanner-camera-stop").hidden = false;
    $("scanner-camera-stop").onclick = () => {
      scanner.stop();
      video.hidden = true;
      $("scanner-camera-start").hidden = false;
      $("scanner-camera-stop").hidden = true;
    };
  } catch {
    video.hidden = true;
    showResult(false, T.cameraFailed);
  }
}

$("scanner-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("scanner-code");
  handle(input.value).then(() => {
    input.value = "";
    input.focus();
  });
});
$("scanner-upload").addEventListener("click", upload);
$("scanner-camera").hidden = !navigator.mediaDevices?.getUserMedia;
$("scanner-camera-start").addEventListener("click", startCamera);
window.addEventListener("online", () => { render(); upload(); });
window.addEventListener("offline", render);
setInterval(upload, 60_000);

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(config.swUrl).catch(() => {});
}
render();
refreshList().then(() => { render(); upload(); });
