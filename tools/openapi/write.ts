/**
 * `npm run openapi`: writes docs/openapi.json from the code (document.ts), and the compressed copy
 * that GET /openapi.json serves (functions/http/openapi-document.ts).
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildDocument, DOCUMENT_FILE, REPO_ROOT, SERVED_FILE, serialize, servedModule } from './document.js';

const document = await buildDocument();
writeFileSync(DOCUMENT_FILE, serialize(document));
writeFileSync(SERVED_FILE, servedModule(document));
console.log(`wrote ${relative(REPO_ROOT, DOCUMENT_FILE)} and ${relative(REPO_ROOT, SERVED_FILE)}`);
