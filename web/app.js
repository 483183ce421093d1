// Starts the rasa-webchat widget (web/node_modules/rasa-webchat, served as /vendor/webchat.js)
// on the Rasa server's socket.io channel. /config.js (written by channels/webpage.py) says where
// that is: WEB_SOCKET_URL, or this page's host name at RASA_PORT.
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
      forget: function () {
        clearSavedChat();
        try { window.localStorage.setItem(FORGOTTEN, "1"); } catch (e) { /* nothing saved */ }
      }
    }
  }, document.getElementById("chat"));
}());
