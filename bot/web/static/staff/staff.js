/*
 * Safe to Ask staff console. Talks only to this server (POST /staff/api/assist).
 * The staff token lives in the password field of this tab only: nothing is written to
 * localStorage, sessionStorage, cookies or the URL, and the page forgets everything on exit.
 * Every piece of text from the server is inserted with textContent (never as HTML).
 */
(function () {
  "use strict";

  var API = "/staff/api/assist";
  var state = { result: null, busy: false };
  var el = {};

  function $(id) { return document.getElementById(id); }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  function link(url, text) {
    var href = safeUrl(url);
    if (!href) { return make("span", null, text || url || ""); }
    var a = make("a", null, text || url);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function say(message, isError) {
    el.status.textContent = message;
    el.status.classList.toggle("error", Boolean(isError));
  }

  function percent(confidence) {
    return Math.round((Number(confidence) || 0) * 100) + "%";
  }

  /* ---------- request ---------- */

  function chosenNeeds() {
    var boxes = document.querySelectorAll("input[name='needs']:checked");
    return Array.prototype.map.call(boxes, function (box) { return box.value; });
  }

  function requestBody() {
    var body = { query: el.query.value };
    if (el.nation.value) { body.nation = el.nation.value; }
    if (el.language.value.trim()) { body.language = el.language.value.trim(); }
    var needs = chosenNeeds();
    if (needs.length) { body.needs = needs; }
    return body;
  }

  function submit() {
    if (state.busy) { return; }
    if (!el.token.value) {
      say("Enter the staff token first.", true);
      el.token.focus();
      return;
    }
    if (!el.query.value.trim()) {
      say("Type the caller's question first.", true);
      el.query.focus();
      return;
    }
    state.busy = true;
    el.submit.disabled = true;
    say("Looking this up…");
    var started = performance.now();
    fetch(API, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + el.token.value },
      body: JSON.stringify(requestBody()),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    }).then(function (reply) {
      return reply.json().catch(function () { return {}; }).then(function (data) {
        return { status: reply.status, data: data };
      });
    }).then(function (reply) {
      if (reply.status === 200) {
        render(reply.data);
        say("Result ready in " + Math.round(performance.now() - started) + " ms." +
          (reply.data.danger && reply.data.danger.present ? " Danger flagged." : ""));
      } else {
        failed(reply.status, reply.data);
      }
    }).catch(function () {
      say("Could not reach the server. If the caller is in danger now: 999, or 55 on a mobile if they cannot speak.", true);
    }).then(function () {
      state.busy = false;
      el.submit.disabled = false;
    });
  }

  function failed(status, data) {
    var message = (data && data.error) || ("The server answered " + status + ".");
    if (status === 401) {
      say("Sign-in failed: " + message, true);
      el.token.focus();
    } else {
      say(message, true);
    }
  }

  /* ---------- result ---------- */

  function render(data) {
    state.result = data;
    renderDanger(data.danger || {});
    renderNotices(data);
    renderTopics(data.topics || [], data.low_confidence);
    renderAnswer(data);
    renderReferrals(data.referrals || []);
    renderNationalLines(data.national_lines || []);
    renderTerms(data.terms || []);
    el.result.hidden = false;
    (data.danger && data.danger.present ? el.danger : el.resultHeading).focus();
  }

  function renderDanger(danger) {
    clear(el.danger);
    el.danger.hidden = !danger.present;
    if (!danger.present) { el.danger.removeAttribute("role"); return; }
    el.danger.setAttribute("role", "alert");
    el.danger.tabIndex = -1;
    el.danger.appendChild(make("h3", null, "Danger: act on this first"));
    el.danger.appendChild(make("p", "steps", danger.steps));
    var list = make("ul", "flags");
    (danger.flags || []).forEach(function (flag) {
      var item = make("li");
      item.appendChild(make("span", "flag-label", flag.label + ": "));
      item.appendChild(make("span", null, flag.step));
      list.appendChild(item);
    });
    el.danger.appendChild(list);
  }

  function notice(text) {
    el.notices.appendChild(make("p", "notice", text));
  }

  function renderNotices(data) {
    clear(el.notices);
    if (data.degraded) {
      notice("The assistant could not answer properly just now. Danger flags and helplines below still apply.");
    }
    if (data.low_confidence) {
      notice("Not sure what this is about, so no answer is suggested. The closest topics are listed: " +
        "ask the caller a little more, or add a key word (for example NRPF, spouse visa, police).");
    }
    if (data.needs_regulated_adviser) {
      notice("This needs a regulated immigration adviser for the caller's own case. " +
        (data.adviser_reasons || []).join(". ") + ".");
    }
    (data.notes || []).forEach(notice);
  }

  function renderTopics(topics, low) {
    clear(el.topics);
    if (!topics.length) { el.topics.appendChild(make("li", null, "No topic recognised.")); return; }
    topics.forEach(function (topic, index) {
      var item = make("li");
      item.appendChild(make("span", null, topic.name + " "));
      var conf = make("span", "confidence", percent(topic.confidence));
      item.appendChild(conf);
      if (index === 0 && !low) { item.appendChild(make("span", null, " (answer below)")); }
      el.topics.appendChild(item);
    });
  }

  // Languages (issue 15): text in Arabic, Urdu or Shahmukhi reads right to left. The first
  // letter with a strong direction decides, as in the Unicode bidi algorithm.
  var RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  var STRONG_LETTER = /[A-Za-z\u00C0-\u024F\u0370-\u04FF\u0590-\u08FF\u0900-\u0DFF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  function setDirection(node) {
    var first = String(node.textContent || "").match(STRONG_LETTER);
    node.setAttribute("dir", first && RTL_LETTER.test(first[0]) ? "rtl" : "ltr");
  }

  // The answer in the caller's language beside the English; unreviewed translations are marked.
  function renderTranslation(translation) {
    var box = document.getElementById("translation");
    if (!box) {
      box = make("section", "panel");
      box.id = "translation";
      box.setAttribute("aria-label", "In the caller's language");
      el.saySection.parentNode.insertBefore(box, el.saySection.nextSibling);
    }
    clear(box);
    box.hidden = !translation || !(translation.answer || translation.say_this);
    if (box.hidden) { return; }
    box.appendChild(make("h3", null, "In the caller's language: " + translation.language));
    [["answer", "Answer"], ["say_this", "Say this"]].forEach(function (pair) {
      if (!translation[pair[0]]) { return; }
      var text = make("p", "say", translation[pair[0]]);
      text.setAttribute("lang", translation.code);
      setDirection(text);
      box.appendChild(make("h4", null, pair[1] + (translation[pair[0] + "_reviewed"] ? "" : " (not reviewed by a native speaker)")));
      box.appendChild(text);
    });
  }

  function renderAnswer(data) {
    var hasAnswer = Boolean(data.answer);
    el.answerSection.hidden = !hasAnswer;
    el.saySection.hidden = !data.say_this;
    el.answer.textContent = data.answer || "";
    el.say.textContent = data.say_this || "";
    setDirection(el.answer);
    setDirection(el.say);
    renderTranslation(data.translation);
    clear(el.sources);
    var sources = data.sources || { links: [] };
    el.reviewed.textContent = sources.reviewed ? "Last reviewed " + sources.reviewed + "." : "";
    (sources.links || []).forEach(function (source) {
      var item = make("li");
      item.appendChild(link(source.url, source.title || source.url));
      el.sources.appendChild(item);
    });
  }

  function detail(list, term, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) { return; }
    list.appendChild(make("dt", null, term));
    var dd = make("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = Array.isArray(value) ? value.join(", ") : String(value); }
    list.appendChild(dd);
  }

  function hoursText(referral) {
    var hours = referral.hours || "";
    if (/\b(open|closed) now\b/i.test(hours)) { return hours; }
    var state = referral.open_now === true ? "Open now" : referral.open_now === false ? "Closed now" : "";
    return [hours, state].filter(Boolean).join(". ");
  }

  function languageNames(languages) {
    return (languages || []).map(function (code) {
      var words = String(code).replace(/_/g, " ");
      return /^bsl$/i.test(words) ? "BSL" : words.charAt(0).toUpperCase() + words.slice(1);
    });
  }

  function renderReferrals(referrals) {
    clear(el.referrals);
    referrals.forEach(function (referral, index) {
      var item = make("li", "referral");
      var head = make("div", "referral-head");
      var name = make("span", "referral-name", referral.name);
      if (referral.label) {
        var kind = String(referral.label).toLowerCase().replace(/[^a-z]+/g, "-");
        name.appendChild(make("span", "label " + kind, referral.label));
      }
      head.appendChild(name);
      var button = make("button", "button small copy-referral", "Copy ");
      button.type = "button";
      button.appendChild(make("kbd", null, "Alt+" + (index + 1)));
      /* Visible text first, so the accessible name contains it (WCAG 2.5.3 label in name). */
      button.appendChild(make("span", "visually-hidden", " (referral " + (index + 1) + ": " + referral.name + ")"));
      button.addEventListener("click", function () { copyReferral(index); });
      head.appendChild(button);
      item.appendChild(head);
      var list = make("dl");
      detail(list, "Phone", referral.phone);
      detail(list, "Text", referral.text);
      detail(list, "Web", referral.web ? link(referral.web, referral.web) : null);
      detail(list, "Hours", hoursText(referral));
      detail(list, "Languages", languageNames(referral.languages));
      detail(list, "Nation", referral.nation ? nationName(referral.nation) : null);
      detail(list, "Note", referral.note);
      item.appendChild(list);
      el.referrals.appendChild(item);
    });
  }

  function nationName(code) {
    var option = el.nation.querySelector("option[value='" + String(code).replace(/[^a-z_]/g, "") + "']");
    return option ? option.textContent : code;
  }

  function renderNationalLines(lines) {
    clear(el.nationalLines);
    el.nationalSection.hidden = !lines.length;
    lines.forEach(function (line) {
      var item = make("li");
      item.appendChild(make("strong", null, nationName(line.nation) + ": "));
      item.appendChild(make("span", null, [line.name, line.phone, hoursText(line), line.label].filter(Boolean).join(", ")));
      el.nationalLines.appendChild(item);
    });
  }

  function renderTerms(terms) {
    clear(el.terms);
    el.termsSection.hidden = !terms.length;
    terms.forEach(function (term) {
      el.terms.appendChild(make("dt", null, term.term));
      el.terms.appendChild(make("dd", null, term.meaning));
    });
  }

  /* ---------- copying ---------- */

  function answerText(data) {
    var lines = [data.answer || ""];
    var sources = data.sources || {};
    if (sources.links && sources.links.length) {
      lines.push("Sources" + (sources.reviewed ? " (reviewed " + sources.reviewed + ")" : "") + ":");
      sources.links.forEach(function (s) { lines.push("- " + (s.title ? s.title + ": " : "") + s.url); });
    }
    return lines.join("\n");
  }

  function referralText(referral) {
    var lines = [referral.name + (referral.label ? " (" + referral.label + ")" : "")];
    if (referral.phone) { lines.push("Phone: " + referral.phone); }
    if (referral.text) { lines.push("Text: " + referral.text); }
    if (referral.web) { lines.push("Web: " + referral.web); }
    if (referral.hours) { lines.push("Hours: " + hoursText(referral)); }
    if (referral.languages && referral.languages.length) { lines.push("Languages: " + languageNames(referral.languages).join(", ")); }
    return lines.join("\n");
  }

  function fallbackCopy(text) {
    var area = make("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text, what) {
    if (!text) { say("Nothing to copy yet.", true); return; }
    var done = function () { say("Copied " + what + "."); };
    var fail = function () {
      if (fallbackCopy(text)) { done(); } else { say("Could not copy " + what + ": select the text and copy it.", true); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fail);
    } else {
      fail();
    }
  }

  function copyAnswer() {
    if (!state.result || !state.result.answer) { say("There is no suggested answer to copy.", true); return; }
    copy(answerText(state.result), "the answer");
  }

  function copySay() {
    copy(state.result && state.result.say_this, "the say-this text");
  }

  function copyReferral(index) {
    var referrals = (state.result && state.result.referrals) || [];
    if (!referrals[index]) { say("There is no referral " + (index + 1) + ".", true); return; }
    copy(referralText(referrals[index]), "referral " + (index + 1) + " (" + referrals[index].name + ")");
  }

  /* ---------- clearing and shortcuts ---------- */

  function clearAll() {
    el.query.value = "";
    el.language.value = "";
    el.nation.value = "";
    document.querySelectorAll("input[name='needs']").forEach(function (box) { box.checked = false; });
    state.result = null;
    el.result.hidden = true;
    [el.danger, el.notices, el.topics, el.referrals, el.nationalLines, el.sources, el.terms].forEach(clear);
    el.answer.textContent = "";
    el.say.textContent = "";
    say("Cleared.");
    el.query.focus();
  }

  function onKey(event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      submit();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var digit = /^Digit([1-5])$/.exec(event.code);
    var actions = {
      KeyA: copyAnswer,
      KeyS: copySay,
      KeyQ: function () { el.query.focus(); },
      KeyR: function () { if (!el.result.hidden) { el.resultHeading.focus(); } },
      KeyC: clearAll
    };
    if (digit) {
      event.preventDefault();
      copyReferral(Number(digit[1]) - 1);
    } else if (actions[event.code]) {
      event.preventDefault();
      actions[event.code]();
    }
  }

  function forgetOnExit() {
    el.token.value = "";
    el.query.value = "";
    state.result = null;
  }

  function start() {
    ["token", "query", "nation", "language", "submit", "clear", "status", "result", "danger", "notices",
      "topics", "answer", "say", "sources", "reviewed", "referrals", "terms"].forEach(function (id) { el[id] = $(id); });
    el.resultHeading = $("result-heading");
    el.answerSection = $("answer-section");
    el.saySection = $("say-section");
    el.termsSection = $("terms-section");
    el.nationalSection = $("national-section");
    el.nationalLines = $("national-lines");
    $("assist-form").addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    el.clear.addEventListener("click", clearAll);
    $("copy-answer").addEventListener("click", copyAnswer);
    $("copy-say").addEventListener("click", copySay);
    document.addEventListener("keydown", onKey);
    window.addEventListener("pagehide", forgetOnExit);
    (el.token.value ? el.query : el.token).focus();
  }

  document.addEventListener("DOMContentLoaded", start);
}());
