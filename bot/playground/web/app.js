// The playground's page: it asks the server for what the chosen person sees and draws it,
// Block Kit included, and sends what they do. No framework, no build step.
"use strict";

let me = new URLSearchParams(location.search).get("as") || localStorage.getItem("deescalate-me") || "UCHRIS";
let view = null; // the last state from the server
let panel = "dms";
let busy = false;

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// ---- Slack's mrkdwn, drawn as HTML ----

const emoji = {
  ":alarm_clock:": "⏰", ":warning:": "⚠️", ":hourglass_flowing_sand:": "⏳", ":zzz:": "💤", ":rocket:": "🚀",
  ":white_check_mark:": "✅", ":memo:": "📝", ":bell:": "🔔", ":pencil2:": "✏️", ":tada:": "🎉", ":+1:": "👍",
  ":chart_with_upwards_trend:": "📈", ":sparkles:": "✨", ":eyes:": "👀", ":no_bell:": "🔕",
};

function escapeHTML(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function decode(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function ref(target, label) {
  const names = (view && view.names) || {};
  if (target.startsWith("@")) return `<b class="mention">@${escapeHTML(names[target.slice(1)] || label || target.slice(1))}</b>`;
  if (target.startsWith("#")) return `<b>#${escapeHTML(label || (target === "#CACME" ? "acme-support" : target.slice(1)))}</b>`;
  if (target.startsWith("!")) return escapeHTML(label || "@" + target.slice(1).split("^")[0]);
  if (/^https?:\/\//.test(target)) {
    return `<a href="${escapeHTML(target)}" target="_blank" rel="noopener noreferrer">${escapeHTML(decode(label || target))}</a>`;
  }
  return escapeHTML(decode(label || target));
}

function inline(s) {
  // s is HTML-escaped text: format it.
  s = s.replace(/```([\s\S]+?)```/g, "<pre>$1</pre>");
  s = s.replace(/`([^`\n]+)`/g, "<code>$1</code>");
  s = s.replace(/(^|[\s(“"])\*([^*\n]+)\*/g, "$1<b>$2</b>");
  s = s.replace(/(^|[\s(“"])_([^_\n]+)_/g, "$1<i>$2</i>");
  s = s.replace(/(^|[\s(“"])~([^~\n]+)~/g, "$1<s>$2</s>");
  for (const [code, glyph] of Object.entries(emoji)) s = s.split(code).join(glyph);
  return s;
}

function mrkdwn(text) {
  const out = [];
  const re = /<([^<>|]*)(?:\|([^<>]*))?>/g;
  let last = 0, m;
  const parts = [];
  while ((m = re.exec(text))) {
    parts.push([false, text.slice(last, m.index)]);
    parts.push([true, ref(m[1], m[2])]);
    last = re.lastIndex;
  }
  parts.push([false, text.slice(last)]);
  const html = parts.map(([isRef, s]) => (isRef ? s : escapeHTML(decode(s)))).join("");
  for (const line of html.split("\n")) {
    if (line.startsWith("&gt; ") || line === "&gt;") out.push(`<blockquote>${inline(line.slice(5))}</blockquote>`);
    else out.push(inline(line) + "<br>");
  }
  return out.join("").replace(/<br>$/, "");
}

function html(s) {
  const d = document.createElement("div");
  d.innerHTML = s;
  return [...d.childNodes];
}

// ---- Block Kit ----

function textOf(t) {
  if (!t) return "";
  return typeof t === "string" ? t : t.text || "";
}

function richText(t) {
  if (!t) return [];
  if (t.type === "plain_text") return [textOf(t)];
  return html(mrkdwn(textOf(t)));
}

// element draws an interactive element; seq is the call to press it in.
function element(e, seq) {
  const press = (value) => act({ do: "press", call: seq, action_id: e.action_id, value });
  switch (e.type) {
    case "button":
      return el("button", { class: "bk-button " + (e.style || ""), "data-action-id": e.action_id, onclick: () => press(e.value || "") }, textOf(e.text));
    case "static_select": {
      const s = el("select", { "data-action-id": e.action_id, onchange: (ev) => press(ev.target.value) });
      for (const o of e.options || []) {
        const opt = el("option", { value: o.value }, textOf(o.text));
        if (e.initial_option && e.initial_option.value === o.value) opt.selected = true;
        s.append(opt);
      }
      return s;
    }
    case "image":
      return el("span", {}, "🖼 " + (e.alt_text || ""));
    case "mrkdwn":
    case "plain_text":
      return el("span", {}, ...richText(e));
  }
  return el("span", { class: "empty" }, `(${e.type})`);
}

function localInput(secs) {
  // A datetime-local value in the person's zone.
  const d = new Date(secs * 1000);
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: view.zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(d);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

function blocks(list, seq, errors) {
  const out = [];
  for (const b of list || []) {
    const id = b.block_id || "";
    switch (b.type) {
      case "section": {
        const s = el("div", { class: "bk-section", "data-block-id": id }, el("div", {}, ...richText(b.text)));
        if (b.fields) s.append(el("div", { class: "bk-fields" }, b.fields.map((f) => el("div", {}, ...richText(f)))));
        if (b.accessory) s.append(el("div", { class: "bk-actions" }, element(b.accessory, seq)));
        out.push(s);
        break;
      }
      case "header":
        out.push(el("h3", { "data-block-id": id }, textOf(b.text)));
        break;
      case "context":
        out.push(el("div", { class: "bk-context", "data-block-id": id }, (b.elements || []).map((e) => element(e, seq))));
        break;
      case "actions":
        out.push(el("div", { class: "bk-actions", "data-block-id": id }, (b.elements || []).map((e) => element(e, seq))));
        break;
      case "divider":
        out.push(el("hr", { "data-block-id": id }));
        break;
      case "input": {
        const e = b.element || {};
        let field;
        if (e.type === "datetimepicker") {
          field = el("input", { type: "datetime-local", "data-action-id": e.action_id, value: e.initial_date_time ? localInput(e.initial_date_time) : "" });
        } else {
          field = el("textarea", { "data-action-id": e.action_id, rows: e.multiline ? 10 : 1 });
          field.value = e.initial_value || "";
        }
        const box = el("div", { class: "bk-input", "data-block-id": id }, el("label", {}, textOf(b.label)), field);
        if (errors && errors[id]) box.append(el("div", { class: "bk-error" }, errors[id]));
        out.push(box);
        break;
      }
      default:
        out.push(el("div", { class: "empty" }, `(${b.type} block)`));
    }
  }
  return out;
}

// ---- The page ----

function time(at) {
  return new Date(at).toLocaleTimeString("en-GB", { timeZone: view.zone, hour: "2-digit", minute: "2-digit" });
}

function person(id) {
  return view.people.find((p) => p.id === id) || { name: view.names[id] || id, role: "" };
}

function isAgent() {
  return me !== "UCHRIS";
}

function ephemeral(it) {
  return el("div", { class: "ephemeral", "data-seq": it.seq },
    el("div", { class: "note" }, `Only visible to you · Deescalate · ${time(it.at)}`), blocks(it.blocks, it.seq));
}

function messageView(m) {
  const p = person(m.user);
  const who = el("span", { class: "who" }, m.via_app ? m.name : p.name, m.via_app ? el("span", { class: "app" }, " via Deescalate") : null);
  const body = m.blocks && m.blocks.length ? blocks(m.blocks, 0) : html(mrkdwn(m.text));
  const div = el("div", { class: "msg", "data-ts": m.ts, "data-user": m.user },
    who, el("span", { class: "at" }, time(m.at) + (m.edited ? " (edited)" : "")), el("div", { class: "text" }, body));
  if (m.reactions && m.reactions.length) {
    div.append(el("div", { class: "reactions" }, "👀 " + m.reactions.map((r) => person(r).name).join(", ")));
  }
  const tools = el("div", { class: "tools" });
  tools.append(el("button", { class: "react", onclick: () => act({ do: "react", ts: m.ts }) }, "👀 React"));
  if (isAgent()) tools.append(el("button", { class: "draft", onclick: () => act({ do: "shortcut", ts: m.ts }) }, "Draft a calm reply"));
  if (m.user === me && !m.via_app) {
    tools.append(el("button", { class: "edit", onclick: () => {
      const text = prompt("Edit your message", decode(m.text));
      if (text !== null) act({ do: "edit", ts: m.ts, text });
    } }, "Edit"));
  }
  div.append(tools);
  return div;
}

function composer(threadTS) {
  const f = el("form", { class: "composer", onsubmit: (ev) => {
    ev.preventDefault();
    act({ do: "post", thread_ts: threadTS, text: f.elements.text.value });
  } }, el("textarea", { name: "text", rows: 1, placeholder: "Reply in thread" }), el("button", { type: "submit" }, "Reply"));
  return f;
}

function render() {
  $("#now").textContent = view.clock;
  const people = $("#people");
  people.replaceChildren(...view.people.map((p) => el("button", { class: p.id === me ? "me" : "", "data-person": p.id, title: p.role,
    onclick: () => { me = p.id; localStorage.setItem("deescalate-me", me); load(); } }, `${p.name} (${p.id === "UCHRIS" ? "customer" : p.id === "ULEE" ? "agent, lead" : "agent"})`)));
  document.body.dataset.me = me;
  const problem = $("#problem");
  problem.hidden = !view.problem;
  problem.textContent = view.problem || "";

  // The channel: top-level messages and this person's ephemeral messages about them, in the
  // order they came; each thread under its parent.
  const mine = view.ephemeral || [];
  const top = view.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const items = [...top.map((m) => ({ order: m.order, m })), ...mine.filter((e) => !e.thread_ts).map((e) => ({ order: e.order, e }))];
  items.sort((a, b) => a.order - b.order);
  const list = [];
  for (const it of items) {
    if (it.e) { list.push(ephemeral(it.e)); continue; }
    const m = it.m;
    const node = messageView(m);
    const thread = [...view.messages.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts).map((r) => ({ order: r.order, r })),
      ...mine.filter((e) => e.thread_ts === m.ts).map((e) => ({ order: e.order, e }))];
    thread.sort((a, b) => a.order - b.order);
    const t = el("div", { class: "thread", "data-thread": m.ts });
    for (const x of thread) t.append(x.e ? ephemeral(x.e) : messageView(x.r));
    t.append(composer(m.ts));
    node.append(t);
    list.push(node);
  }
  $("#messages").replaceChildren(...(list.length ? list : [el("p", { class: "empty" }, "No messages yet. Say something.")]));

  const dms = view.dms || [];
  $("#dms").replaceChildren(...(dms.length ? dms.slice().reverse().map((d) => el("div", { class: "dm", "data-seq": d.seq },
    el("div", { class: "at" }, "Deescalate · " + time(d.at)), blocks(d.blocks, d.seq))) : [el("p", { class: "empty" }, "No messages from Deescalate.")]));
  $("#home").replaceChildren(...(view.home ? blocks(view.home.blocks, view.home.seq) : [el("p", { class: "empty" }, "Opening…")]));
  $("#dms").hidden = panel !== "dms";
  $("#home").hidden = panel !== "home";
  $("#tab-dms").classList.toggle("active", panel === "dms");
  $("#tab-home").classList.toggle("active", panel === "home");

  const modal = $("#modal");
  const md = view.modal;
  modal.hidden = !md;
  if (md) {
    const dialog = el("div", { class: "dialog", role: "dialog", "data-view": md.view_id },
      el("h3", {}, md.title), blocks(md.blocks, md.seq, md.errors));
    const buttons = el("div", { class: "buttons" }, el("button", { class: "bk-button", onclick: () => act({ do: "close" }) }, md.close || "Close"));
    if (md.submit) {
      buttons.append(el("button", { class: "bk-button primary", "data-submit": "1", onclick: () => {
        const field = dialog.querySelector(".bk-input [data-action-id]");
        act({ do: "submit", call: md.seq, action_id: field.dataset.actionId, value: field.value });
      } }, md.submit));
    }
    dialog.append(buttons);
    modal.replaceChildren(dialog);
  }
}

async function request(url, opts) {
  const r = await fetch(url, opts);
  if (!r.ok) throw new Error(await r.text());
  return r.json();
}

async function load() {
  view = await request("/api/state?as=" + encodeURIComponent(me));
  if (panel === "home") await act({ do: "home" });
  else render();
}

async function act(a) {
  if (busy) return;
  busy = true;
  document.body.classList.add("busy");
  try {
    view = await request("/api/act", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ as: me, ...a }) });
    render();
  } catch (e) {
    $("#problem").hidden = false;
    $("#problem").textContent = String(e.message || e);
  } finally {
    busy = false;
    document.body.classList.remove("busy");
  }
}

$("#compose").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = ev.target.elements.text.value;
  act({ do: "post", text }).then(() => { if (!view.problem) $("#compose").elements.text.value = ""; });
});
for (const b of document.querySelectorAll("[data-advance]")) b.addEventListener("click", () => act({ do: "clock", advance: b.dataset.advance }));
$("#tab-dms").addEventListener("click", () => { panel = "dms"; render(); });
$("#tab-home").addEventListener("click", () => { panel = "home"; act({ do: "home" }); });
load();
