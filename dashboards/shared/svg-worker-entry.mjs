// Entry of the SVG rendering worker (svg-renderer.ts). A worker thread does not inherit the main
// thread's TypeScript loader, so it registers tsx itself before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./svg-worker.ts');
