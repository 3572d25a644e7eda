export { PAGE_HTML } from './page-html.js';
export { PAGE_SCRIPT } from './page-script.js';
export { PAGE_STYLE } from './page-style.js';
