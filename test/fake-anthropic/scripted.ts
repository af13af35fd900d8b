// Plays a ScriptedResponse queued with fake.next(), bypassing auth and the default routes.
import { type Exchange, sendJson } from './exchange.js';
import { largeStreamEvents } from './large-stream.js';
import { writeSse } from './sse.js';
import type { ScriptedResponse } from './types.js';

export async function playScripted(ex: Exchange, scripted: ScriptedResponse): Promise<void> {
  switch (scripted.kind) {
    case 'json':
      sendJson(ex, scripted.status, scripted.body, { headers: scripted.headers, gzip: scripted.gzip });
      return;
    case 'raw':
      // Exactly the given status, headers and bytes: no request-id, no content-type added.
      ex.res.writeHead(scripted.status, scripted.headers);
      ex.res.end(scripted.body);
      return;
    case 'sse':
      await writeSse(ex, scripted.events, scripted);
      return;
    case 'reset':
      ex.selfClosed = true;
      ex.req.socket.destroy();
      return;
    case 'hang':
      return;
    case 'large-sse':
      await writeSse(ex, largeStreamEvents(scripted.totalBytes));
      return;
  }
}
