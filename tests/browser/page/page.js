// Runs in headless Chromium: the real Sentry browser SDK (from npm) reports an
// error full of personal data to the collector, then the page calls the
// collector's own JSON API with fetch(), which needs a CORS preflight. Every
// outcome goes back to this page's own server as one JSON report.
import * as Sentry from "@sentry/browser";

const cfg = JSON.parse(document.getElementById("config").textContent);
const result = { sdkVersion: Sentry.SDK_VERSION, origin: location.origin, envelopes: [], steps: [] };

// The SDK's own fetch transport, wrapped only to record each envelope's outcome.
function recordingTransport(options) {
  const transport = Sentry.makeFetchTransport(options);
  return {
    ...transport,
    send: async (envelope) => {
      const itemTypes = envelope[1].map((item) => item[0].type);
      try {
        const response = await transport.send(envelope);
        result.envelopes.push({ itemTypes, ok: true, statusCode: response ? response.statusCode : null });
        return response;
      } catch (err) {
        result.envelopes.push({ itemTypes, ok: false, error: `${err && err.name}: ${err && err.message}` });
        throw err;
      }
    },
  };
}

class MarkedError extends Error {
  constructor(message) {
    super(message);
    this.name = cfg.errorName; // AllowedOriginError / RefusedOriginError: tells the runs apart
  }
}

async function main() {
  Sentry.init({
    dsn: cfg.dsn,
    release: "support-chat@1.2.0",
    environment: "browser-test",
    transport: recordingTransport,
  });
  result.steps.push("init");

  // Personal data everywhere a real app puts it. No user id: the SDK's session
  // then names its user ("did") by the email.
  Sentry.setUser({ email: cfg.pii.email, username: cfg.pii.username });
  Sentry.setTag("customer_name", cfg.pii.name);
  Sentry.setTag("order_id", "A-1001");
  Sentry.setExtra("callback_phone", cfg.pii.phone);
  Sentry.addBreadcrumb({ category: "chat", message: `Agent opened a chat with ${cfg.pii.email}`, level: "info" });
  Sentry.addBreadcrumb({ category: "chat", message: `${cfg.pii.name} asked about a refund` });

  try {
    throw new MarkedError(cfg.errorMessage);
  } catch (err) {
    result.sentryEventId = Sentry.captureException(err);
  }
  result.steps.push("captured");
  result.flushed = await Sentry.flush(10000);
  result.steps.push("flushed");

  // Our own API: Authorization + application/json make this a preflighted request.
  try {
    const response = await fetch(`${cfg.collectorUrl}/v1/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${cfg.ingestKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events: [cfg.nativeEvent] }),
    });
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = `unreadable body: ${err}`;
    }
    result.native = { ok: true, status: response.status, body };
  } catch (err) {
    // A CORS refusal surfaces as a TypeError ("Failed to fetch"), no status.
    result.native = { ok: false, error: `${err.name}: ${err.message}` };
  }
  result.steps.push("native");
}

try {
  await main();
} catch (err) {
  result.error = `${err && err.name}: ${err && err.message}\n${err && err.stack}`;
}
window.__reported = true;
document.getElementById("status").textContent = "done";
await fetch("/report", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(result) });
