import { app } from '@azure/functions';

// As Microsoft's Node end-to-end apps do: HTTP functions stream through the library's own HTTP server.
app.setup({ enableHttpStream: true });
