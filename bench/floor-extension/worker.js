// Answers each message at once: the wake of this worker is the floor a cold brokered call is compared with.
chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  sendResponse({ floor: message.floor });
  return false;
});
