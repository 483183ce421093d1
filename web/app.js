// Starts the rasa-webchat widget (web/node_modules/rasa-webchat, served as /vendor/webchat.js)
// on the Rasa server's socket.io channel. /config.js (written by channels/webpage.py) says where
// that is: WEB_SOCKET_URL, or this page's host name at RASA_PORT. Then fills, from outside, what
// the widget lacks for screen readers, keyboards and safety (accessible() below): rasa-webchat
// 1.0.1 is the last release and has no fix for these.
(function () {
  "use strict";
  var config = window.CAREER_COACH || { rasaPort: 5005, socketUrl: null };
  var socketUrl = config.socketUrl ||
    window.location.protocol + "//" + window.location.hostname + ":" + config.rasaPort;

  // The widget keeps the conversation under this key (rasa-webchat's session name). After "forget
  // me" the server sends the `forget` event (channels/socketio.py): the saved chat goes at once,
  // and again before the widget starts next time, in case it saved the last reply after that.
  var SAVED_CHAT = "chat_session";
  var FORGOTTEN = "career-coach-forgotten";
  function clearSavedChat() {
    try {
      window.localStorage.removeItem(SAVED_CHAT);
      window.sessionStorage.removeItem(SAVED_CHAT);
    } catch (e) { /* storage switched off: nothing is saved */ }
  }
  try {
    if (window.localStorage.getItem(FORGOTTEN)) {
      clearSavedChat();
      window.localStorage.removeItem(FORGOTTEN);
    }
  } catch (e) { /* storage switched off */ }

  var chat = document.getElementById("chat");
  // Whether a message of the bot has come over the socket since the page opened. Until one
  // has, what the widget shows is the conversation it saved, which is not read out again.
  var botHasSpoken = false;
  window.WebChat.default({
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    // sent once, when a conversation starts: the bot greets first
    initPayload: "/greet",
    title: "Career Coach",
    subtitle: "Pay, career paths and next steps",
    inputTextFieldHint: "Ask about pay, skills, careers…",
    embedded: true,
    // keep the widget visible while it reconnects
    hideWhenNotConnected: false,
    showMessageDate: false,
    // the conversation (and its session id) live in localStorage: a reload keeps them
    params: { storage: "local" },
    // the replies are ready at once; a short pause keeps them readable
    customMessageDelay: function () { return 150; },
    onSocketEvent: {
      bot_uttered: function () { botHasSpoken = true; },
      forget: function () {
        clearSavedChat();
        try { window.localStorage.setItem(FORGOTTEN, "1"); } catch (e) { /* nothing saved */ }
      }
    }
  }, chat);
  accessible(chat, document.getElementById("announcer"));

  function accessible(root, announcer) {
    // What the widget renders keeps changing (messages, buttons, the message field once
    // connected): every change is looked over again.
    var spoken = new WeakSet();  // the messages already looked at
    var acted = false;  // whether the person has pressed a key or the pointer yet
    fix(root);
    keepFocusWhereThePersonIs(root);
    ["keydown", "pointerdown", "touchstart"].forEach(function (kind) {
      document.addEventListener(kind, function () { acted = true; }, { capture: true, once: true });
    });
    new MutationObserver(function (changes) {
      fix(root);
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType !== Node.ELEMENT_NODE) { return; }
          var messages = node.matches(".rw-message") ? [node]
            : Array.prototype.slice.call(node.querySelectorAll(".rw-message"));
          messages.forEach(announce);
        });
      });
    }).observe(root, { childList: true, subtree: true });

    function fix(where) {
      safeLinks(where);
      var field = where.querySelector(".rw-new-message");
      if (field) {
        field.setAttribute("aria-label", "Your message to Career Coach");
        // The widget focuses the field as it appears, which makes a screen reader skip the
        // page's introduction and privacy sentence; the person moves there with Tab instead.
        if (!acted && document.activeElement === field) { field.blur(); }
      }
      var send = where.querySelector(".rw-send");
      if (send) { send.setAttribute("aria-label", "Send"); }
      var svg = where.querySelector(".rw-send svg");
      if (svg) { svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); }
      var list = where.querySelector(".rw-messages-container");
      if (list && !list.hasAttribute("tabindex")) {
        // it scrolls: focusable, so that the arrow keys scroll the conversation
        list.setAttribute("tabindex", "0");
        list.setAttribute("role", "region");
        list.setAttribute("aria-label", "Conversation");
      }
      // the widget's reply buttons are <div>s with a click handler only
      where.querySelectorAll("div.rw-reply:not([role])").forEach(function (reply) {
        reply.setAttribute("role", "button");
        reply.setAttribute("tabindex", "0");
      });
      where.querySelectorAll("img.rw-image-frame:not([alt])").forEach(function (picture) {
        var message = picture.closest(".rw-message");
        var title = message && message.querySelector(".rw-image-title");
        var name = title && title.textContent.trim();
        picture.setAttribute("alt", name ? "Picture: " + name : "Picture");
      });
    }

    // The bot's Markdown may hold any link, and the widget renders them all (javascript:, data:
    // ...). Only web and mail links stay links; any other is shown as its text. The element
    // itself stays (React holds it and would fail to update a message whose nodes it lost):
    // without its href it is text to the browser, to screen readers and to the keyboard.
    function safeLinks(where) {
      where.querySelectorAll("a[href]").forEach(function (link) {
        if (["http:", "https:", "mailto:"].indexOf(link.protocol) === -1) {
          ["href", "target", "rel", "download", "ping"].forEach(function (name) {
            link.removeAttribute(name);
          });
          link.classList.add("cc-not-a-link");
        } else if (link.getAttribute("rel") !== "noopener noreferrer") {
          link.setAttribute("rel", "noopener noreferrer");
        }
      });
    }

    // The widget has no live region: each new message of the bot is written, once, into the
    // page's own (index.html), which screen readers read out. The person's own messages are
    // not: they know what they wrote.
    function announce(message) {
      if (spoken.has(message)) { return; }
      spoken.add(message);
      if (!botHasSpoken) { return; }
      // the typing dots are outside the groups of messages
      if (!message.closest(".rw-group-message.rw-from-response")) { return; }
      var parts = [];
      var text = message.querySelector(".rw-message-text");
      var pictures = message.querySelectorAll("img.rw-image-frame");
      if (text) { parts.push(text.innerText); }
      pictures.forEach(function (picture) { parts.push(picture.getAttribute("alt")); });
      if (!text && !pictures.length) { parts.push(message.innerText); }  // a carousel, a video
      var replies = Array.prototype.map.call(message.querySelectorAll(".rw-reply"),
        function (reply) { return reply.textContent.trim(); });
      if (replies.length) { parts.push("Reply buttons: " + replies.join("; ") + "."); }
      var said = parts.map(function (part) { return (part || "").trim(); })
        .filter(Boolean).join(" ");
      if (!said) { return; }
      var line = document.createElement("p");
      line.textContent = said;
      announcer.appendChild(line);
      // what was read out long ago can go (removals are not announced)
      while (announcer.childElementCount > 20) { announcer.removeChild(announcer.firstChild); }
    }
  }

  function keepFocusWhereThePersonIs(root) {
    function toTheField() {
      var field = root.querySelector(".rw-new-message");
      if (field && !field.disabled) { field.focus(); }
    }
    // Enter and Space press a reply button, as they press any button
    root.addEventListener("keydown", function (event) {
      var reply = event.target.closest && event.target.closest("div.rw-reply");
      if (reply && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        reply.click();
      }
    });
    // A pressed reply button goes away with its row: a keyboard user would be left at the top
    // of the page. They go on in the message field, where the next buttons are one Shift+Tab
    // away. (Not after a tap or a click: on a phone the field would open the keyboard.)
    root.addEventListener("click", function (event) {
      var reply = event.target.closest && event.target.closest("div.rw-reply");
      if (reply && reply.matches(":focus-visible")) { window.setTimeout(toTheField, 0); }
    });
    // after sending with the send button, which is disabled once the field is empty
    root.addEventListener("submit", function () {
      if (root.contains(document.activeElement)) { window.setTimeout(toTheField, 0); }
    }, true);
  }
}());
