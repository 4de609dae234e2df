// The same path as AT Keyring's relay, with nothing in it: page → content script → worker → back.
window.addEventListener('message', (event) => {
  if (event.source !== window || typeof event.data?.floorPing !== 'number') return;
  const ping = event.data.floorPing;
  chrome.runtime.sendMessage({ floor: ping }).then(
    () => window.postMessage({ floorPong: ping }, '*'),
    (err) => window.postMessage({ floorPong: ping, error: String(err) }, '*'),
  );
});
