/*
 * Safe to Ask web chat widget.
 *
 * Embed with one tag:  <script src="https://YOUR-SERVER/widget/widget.js" defer></script>
 * Optional: data-exit-url="https://..." on that tag sets where quick exit goes.
 *
 * The server renders this file: CONFIG (exit URL, safety lines from data/safety.yml) and the
 * socket.io client (from node_modules, pinned by package-lock.json) are inlined, so the widget
 * needs nothing from any other host.
 *
 * Privacy: no cookies, no localStorage or sessionStorage, no history entries; the session id
 * lives only in this page's memory. Quick exit (Exit button, or Shift pressed three times)
 * deletes the conversation on the server and replaces the page at once.
 * Security: every text is rendered with textContent; links get rel="noopener noreferrer".
 */
(function () {
  "use strict";

  var CONFIG = /*__CONFIG__*/{};
  var createSocket = (function () {
    var module = { exports: {} };
    var exports = module.exports;
    var define;
    /*__SOCKET_IO__*/
    return module.exports;
  })();

  var script = document.currentScript;
  if (!script || window.__safeToAskWidget) {
    return;
  }
  window.__safeToAskWidget = true;

  var TEXT = {
    launcher: "Chat",
    title: "Ask a question",
    exit: "Exit",
    exitLabel: "Exit this page now",
    close: "Close",
    closeLabel: "Close the chat",
    privacy: "Privacy",
    inputLabel: "Type your message",
    send: "Send",
    you: "You said: ",
    reply: "Reply: ",
    choices: "Choose an answer",
    typing: "Writing a reply",
    intro: "You don't need to give your name. To leave fast, press Exit or press Shift 3 times.",
    offlineRetry: "We will keep trying to connect.",
    moreLink: "More about staying private (opens in a new tab)"
  };
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var OFFLINE_AFTER_MS = 4000;

  var scriptUrl = new URL(script.src, document.baseURI);
  var base = new URL(".", scriptUrl).href;
  var exitUrl = safeHttpUrl(script.getAttribute("data-exit-url")) || safeHttpUrl(CONFIG.exitUrl) || "https://www.bbc.co.uk/weather";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var state = {
    socket: null,
    sessionId: null,
    talked: false,
    greeted: false,
    exiting: false,
    offlineTimer: null,
    shiftCount: 0,
    shiftTimer: null,
    replyStart: null
  };

  // ---- DOM helpers ---------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") {
        node.textContent = attrs.text;
      } else if (attrs[name] === true) {
        node.setAttribute(name, "");
      } else if (attrs[name] !== false && attrs[name] != null) {
        node.setAttribute(name, attrs[name]);
      }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function safeHttpUrl(value) {
    if (!value) {
      return null;
    }
    try {
      var url = new URL(value, document.baseURI);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function link(href, label) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  /** Text with its web addresses turned into links; everything else stays plain text. */
  function linkified(text) {
    var parts = [];
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      var href = safeHttpUrl(raw);
      if (!href) {
        continue;
      }
      parts.push(text.slice(last, match.index));
      parts.push(link(href, raw));
      last = match.index + raw.length;
      pattern.lastIndex = last;
    }
    parts.push(text.slice(last));
    return parts.filter(function (part) {
      return part !== "";
    });
  }

  function phoneLink(phone) {
    return el("a", { href: "tel:" + phone.replace(/[^\d+]/g, ""), text: phone });
  }

  // ---- Build the widget ----------------------------------------------------------------------
  var host = el("div", { "data-safe-to-ask": "widget" });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var frame = el("div", { class: "sta", hidden: true });
  var style = el("link", { rel: "stylesheet", href: base + "widget.css" });
  style.addEventListener("load", function () { frame.hidden = false; });
  style.addEventListener("error", function () { frame.hidden = false; });

  var exitButtons = [];
  function exitButton() {
    var button = el("button", { type: "button", class: "sta-exit", "aria-label": TEXT.exitLabel, text: TEXT.exit });
    button.addEventListener("click", quickExit);
    exitButtons.push(button);
    return button;
  }

  var launcher = el("button", { type: "button", class: "sta-launcher", "aria-expanded": "false", "aria-controls": "sta-panel", text: TEXT.launcher });
  var bar = el("div", { class: "sta-bar" }, [launcher, exitButton()]);

  var privacyButton = el("button", { type: "button", class: "sta-secondary", "aria-expanded": "false", "aria-controls": "sta-note", text: TEXT.privacy });
  var closeButton = el("button", { type: "button", class: "sta-secondary", "aria-label": TEXT.closeLabel, text: TEXT.close });
  var header = el("div", { class: "sta-header" }, [
    el("h2", { class: "sta-title", id: "sta-title", text: TEXT.title }),
    el("div", { class: "sta-actions" }, [privacyButton, closeButton, exitButton()])
  ]);

  var note = el("div", { class: "sta-note", id: "sta-note", hidden: true, tabindex: "-1" }, [
    el("h3", { text: "How private is this?" }),
    el("p", { text: "You don't need to give your name. We remove phone numbers, emails and postcodes before anything is kept. The chat is deleted when you press Exit, or after " + (CONFIG.idleMinutes || 30) + " minutes without use." }),
    el("p", { text: "Exit cannot erase your browser history: this website will still be listed there. You can delete it from your history (Ctrl+H on most computers)." }),
    el("p", { text: "Next time, a private window keeps no history: Chrome or Edge Ctrl+Shift+N, Firefox Ctrl+Shift+P, Safari File > New Private Window. On a phone, open the browser's tabs and choose Private or Incognito." }),
    el("p", { text: "Someone who can see your device or uses spying apps may still see what you do." }),
    el("p", {}, [link(base + "privacy", TEXT.moreLink)])
  ]);

  var safety = CONFIG.safety || {};
  var offline = el("div", { class: "sta-offline", role: "alert", hidden: true }, [
    el("p", { class: "sta-strong", text: safety.unavailable || "The chat can't connect right now." }),
    el("p", { text: safety.emergency || "If you are in danger now, call 999." }),
    el("p", { text: safety.human || "" }),
    el("ul", {}, (safety.helplines || []).map(function (line) {
      return el("li", {}, [line.name + ": ", phoneLink(line.phone)]);
    })),
    el("p", { text: TEXT.offlineRetry })
  ]);

  var intro = el("p", { class: "sta-intro", text: TEXT.intro });
  var log = el("div", { class: "sta-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Conversation" });
  var typing = el("p", { class: "sta-typing", hidden: true }, [el("span", { class: "sta-vh", text: TEXT.typing }), el("span", { "aria-hidden": "true", text: "..." })]);
  var input = el("input", { id: "sta-input", type: "text", class: "sta-input", autocomplete: "off", maxlength: "2000", enterkeyhint: "send" });
  var form = el("form", { class: "sta-form", novalidate: true }, [
    el("label", { for: "sta-input", class: "sta-vh", text: TEXT.inputLabel }),
    input,
    el("button", { type: "submit", class: "sta-send", text: TEXT.send })
  ]);
  var panel = el("section", { class: "sta-panel", id: "sta-panel", "aria-labelledby": "sta-title", hidden: true }, [
    header, note, intro, offline, log, typing, form
  ]);
  var cover = el("div", { class: "sta-cover", hidden: true });

  frame.appendChild(bar);
  frame.appendChild(panel);
  root.appendChild(style);
  root.appendChild(frame);
  root.appendChild(cover);
  document.body.appendChild(host);

  // ---- Messages ------------------------------------------------------------------------------
  function scrollLog(top) {
    log.scrollTo({ top: top, behavior: reduceMotion ? "auto" : "smooth" });
  }

  function addMessage(who, text, choices) {
    var item = el("div", { class: "sta-msg sta-" + who });
    item.appendChild(el("span", { class: "sta-vh", text: who === "user" ? TEXT.you : TEXT.reply }));
    if (text) {
      item.appendChild(el("p", { class: "sta-text", dir: textDirection(String(text)) }, linkified(String(text))));
    }
    if (choices && choices.length) {
      item.appendChild(el("div", { class: "sta-choices", role: "group", "aria-label": TEXT.choices }, choices.map(choiceButton)));
    }
    log.appendChild(item);
    if (who === "user") {
      state.replyStart = null;
      scrollLog(log.scrollHeight);
    } else if (!state.replyStart) {
      // The start of an answer matters most (the 999 line leads in danger): show it, not the end.
      state.replyStart = item;
      scrollLog(Math.max(item.offsetTop - 8, 0));
    }
  }

  // ---- Languages (issue 15): Arabic, Urdu and Shahmukhi Punjabi read right to left ----------
  // The first letter with a strong direction decides, as the Unicode bidi algorithm's own rule.
  var RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  var STRONG_LETTER = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0590-\u08FF\u0900-\u0DFF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  function textDirection(text) {
    var first = String(text).match(STRONG_LETTER);
    return first && RTL_LETTER.test(first[0]) ? "rtl" : "ltr";
  }

  // The language menu on the first screen: each language named in itself; choosing one sends
  // the payload bot/language/switch.py understands, and shows the language's name as what was said.
  function addLanguageMenu() {
    var languages = CONFIG.languages || [];
    if (!languages.length || state.languageMenuShown) {
      return;
    }
    state.languageMenuShown = true;
    addMessage("bot", "", languages.map(function (language) {
      return { title: language.name, payload: "/set_language" + JSON.stringify({ code: language.code }) };
    }));
  }

  function choiceButton(choice) {
    var button = el("button", { type: "button", class: "sta-choice", dir: textDirection(choice.title || ""), text: String(choice.title || "") });
    button.addEventListener("click", function () {
      send(String(choice.payload || choice.title || ""), String(choice.title || ""));
      input.focus();
    });
    return button;
  }

  // A reply to a message that shows danger carries {"danger": "<kind>"} (the gateway's flag):
  // the emergency card, with a one-tap call to 999, goes at the start of that answer.
  function showEmergencyCard(kind) {
    var card = CONFIG.emergencyCard || {};
    var item = el("div", { class: "sta-msg sta-bot sta-emergency", role: "alert", "data-danger": String(kind) }, [
      el("p", { class: "sta-emergency-title", text: card.title || "Emergency help" }),
      el("a", { class: "sta-call", href: "tel:999", text: card.call || "Call 999" }),
      el("p", { class: "sta-text", text: card.press55 || "" })
    ]);
    if (state.replyStart && state.replyStart.parentNode === log) {
      log.insertBefore(item, state.replyStart);
    } else {
      log.appendChild(item);
    }
    state.replyStart = item;
    scrollLog(Math.max(item.offsetTop - 8, 0));
  }

  function showBotMessage(message) {
    typing.hidden = true;
    if (!message || typeof message !== "object") {
      return;
    }
    if (typeof message.danger === "string") {
      showEmergencyCard(message.danger);
      return;
    }
    var choices = message.quick_replies || message.buttons || [];
    var attachment = message.attachment && message.attachment.payload;
    var text = message.text || (attachment && attachment.src) || "";
    if (text || choices.length) {
      addMessage("bot", text, choices);
    }
  }

  function send(text, shown) {
    if (!text.trim() || state.exiting) {
      return;
    }
    addMessage("user", shown || text);
    state.talked = true;
    if (!state.socket || !state.socket.connected) {
      showOffline();
    }
    typing.hidden = false;
    if (state.socket) {
      state.socket.emit("user_uttered", { message: text, session_id: state.sessionId }, function () {
        typing.hidden = true;
      });
    }
  }

  // ---- Connection ----------------------------------------------------------------------------
  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function showOffline() {
    typing.hidden = true;
    offline.hidden = false;
  }

  function online() {
    clearTimeout(state.offlineTimer);
    offline.hidden = true;
  }

  function connect() {
    if (typeof createSocket !== "function") {
      showOffline();
      return;
    }
    state.sessionId = randomId();
    var socket = createSocket(scriptUrl.origin, {
      path: "/socket.io",
      transports: ["polling", "websocket"],
      withCredentials: false,
      timeout: 8000
    });
    state.socket = socket;
    state.offlineTimer = setTimeout(showOffline, OFFLINE_AFTER_MS);
    socket.on("connect", function () {
      online();
      socket.emit("session_request", { session_id: state.sessionId });
    });
    // The server answers session_state the same whether or not it holds the conversation (so no
    // one can probe session ids): greet once per page, not on every reconnection.
    socket.on("session_state", function () {
      if (!state.greeted) {
        state.greeted = true;
        socket.emit("user_uttered", { message: "/greet", session_id: state.sessionId });
        addLanguageMenu();
      }
    });
    socket.on("bot_uttered", showBotMessage);
    socket.on("connect_error", showOffline);
    socket.on("disconnect", function () {
      clearTimeout(state.offlineTimer);
      state.offlineTimer = setTimeout(showOffline, OFFLINE_AFTER_MS);
    });
  }

  // ---- Open, close, privacy note -------------------------------------------------------------
  function open() {
    panel.hidden = false;
    bar.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    input.focus();
    if (!state.socket) {
      connect();
    }
  }

  function close() {
    panel.hidden = true;
    bar.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function toggleNote() {
    var show = note.hidden;
    note.hidden = !show;
    intro.hidden = show;
    privacyButton.setAttribute("aria-expanded", String(show));
    if (show) {
      note.focus();
    }
  }

  // ---- Quick exit ----------------------------------------------------------------------------
  /** Delete the conversation on the server, then replace this page at once (no history entry). */
  function quickExit(event) {
    if (event && event.preventDefault) {
      event.preventDefault();
    }
    if (state.exiting) {
      return;
    }
    state.exiting = true;
    cover.hidden = false;
    frame.hidden = true;
    log.textContent = "";
    if (state.sessionId) {
      try {
        if (navigator.sendBeacon) {
          navigator.sendBeacon(base + "forget", state.sessionId);
        }
        if (state.socket) {
          state.socket.emit("exit", { session_id: state.sessionId });
        }
      } catch (error) {
        // Leaving comes first; the conversation still expires on the server.
      }
    }
    window.location.replace(exitUrl);
  }

  function onKeyDown(event) {
    if (event.key !== "Shift") {
      state.shiftCount = 0;
      return;
    }
    if (event.repeat) {
      return;
    }
    state.shiftCount += 1;
    if (state.shiftCount === 1) {
      clearTimeout(state.shiftTimer);
      state.shiftTimer = setTimeout(function () { state.shiftCount = 0; }, SHIFT_WINDOW_MS);
    }
    if (state.shiftCount >= SHIFT_PRESSES) {
      quickExit(event);
    }
  }

  // ---- Events --------------------------------------------------------------------------------
  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  privacyButton.addEventListener("click", toggleNote);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      close();
    }
  });
  document.addEventListener("keydown", onKeyDown, true);
  // A page kept in the back/forward cache must not show the chat to the next person who presses Back.
  window.addEventListener("pagehide", function () {
    log.textContent = "";
    if (!panel.hidden) {
      close();
    }
  });
})();
