// What reaches an MCP client on the wire, in order, for the interop scripts of both SDK generations (no dependencies:
// imported by relative path from src/test/interop and src/test/interop-modern).
// The TypeScript SDK (1.x and 2.x) hands a notification to its handler a microtask later but settles a response at
// once, so a progress notification read in the same chunk as its call's response is dropped by the client itself
// (Protocol._onnotification vs _onresponse); a progress check judges the server by the wire instead: every step, and
// all of them before the response. Call after client.connect(transport), which installs the client's onmessage.
// Returns the list it appends to: each progress value, and "response" for each response.
export function tapWire(transport) {
  const wire = [];
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (message?.method === "notifications/progress") wire.push(message.params?.progress);
    else if (message?.id !== undefined && (message.result !== undefined || message.error !== undefined)) wire.push("response");
    return deliver?.(message, extra);
  };
  return wire;
}
