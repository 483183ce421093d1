// Starts the rasa-webchat widget (web/node_modules/rasa-webchat, served as /vendor/webchat.js)
// on the Rasa server's socket.io channel. /config.js (written by channels/webpage.py) says where
// that is: WEB_SOCKET_URL, or this page's host name at RASA_PORT.
(function () {
  "use strict";
  var config = window.CAREER_COACH || { rasaPort: 5005, socketUrl: null };
  var socketUrl = config.socketUrl ||
    window.location.protocol + "//" + window.location.hostname + ":" + config.rasaPort;

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
    customMessageDelay: function () { return 150; }
  }, document.getElementById("chat"));
}());
